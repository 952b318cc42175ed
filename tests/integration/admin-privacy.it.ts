// Export and erasure: after DELETE no item in the table holds the member's e-mail, phone, name or birthday, the
// purchase records stay, and the person can enroll again as someone new.
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { dueIndex, keys } from '#adapters/keys';
import { signAdminToken } from '#infra/local/admin-keys';
import {
  adminCaller,
  confirmLink,
  drained,
  dynamo,
  enroll,
  eventually,
  mailsTo,
  newPerson,
  post,
  putEvents,
  smsTo,
  smsToken,
  urls,
} from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('admin-privacy', () => {
  let marketing: string;
  let privacy: string;
  const call = adminCaller(() => marketing);
  const privately = adminCaller(() => privacy);

  /** Every item of the table (a Scan: only tests do this) whose JSON contains one of the values. */
  async function itemsContaining(values: string[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, any> | undefined;
    do {
      const page = await dynamo().send(new ScanCommand({ TableName: 'dangol', ExclusiveStartKey }));
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        const text = JSON.stringify(item);
        if (values.some((value) => text.includes(value))) found.push(item);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found;
  }

  beforeAll(async () => {
    marketing = await signAdminToken({ group: 'marketing', subject: 'mk-privacy' });
    privacy = await signAdminToken({ group: 'privacy', subject: 'mk-privacy' });
  });

  describe('export and erasure', () => {
    it('exports everything, then erases every trace of the person but keeps the anonymous orders', async () => {
      const thirdEmail = `third-${Date.now().toString(36)}@example.net`;
      const person = newPerson({
        name: '남궁별하',
        birthday: '1991-07-14',
        postalAddress: { postalCode: '04524', address1: '서울 중구 세종대로 110' },
        consents: { email: true, sms: false, post: true, nightTime: false },
        guardian: { name: '제갈보호', phone: '010-7777-1234' },
      });
      // A purchase as a prospect first (kept against the e-mail), then as the member.
      const preOrder = `pre-${Date.now().toString(36)}`;
      await putEvents([
        {
          detailType: 'Purchase Completed',
          detail: {
            orderId: preOrder,
            channel: 'store',
            occurredAt: new Date().toISOString(),
            amount: { value: 50_000, currency: 'KRW' },
            customer: { email: person.email, name: person.name },
          },
        },
        // A third combination: another address with the person's phone and name (kept under the other address).
        {
          detailType: 'Purchase Completed',
          detail: {
            orderId: `${preOrder}-b`,
            channel: 'call-centre',
            occurredAt: new Date().toISOString(),
            amount: { value: 30_000, currency: 'KRW' },
            customer: { email: thirdEmail, phone: person.phone, name: person.name },
          },
        },
      ]);
      await drained('purchases');
      const { memberId } = await enroll(person);
      // Both contacts verified: the pre-enrollment purchase under the address joins the member.
      const [mail] = await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      await post('/members/confirm', { token: new URL(confirmLink(mail!)).searchParams.get('token') });
      const [sms] = await eventually(
        () => smsTo(person.phone),
        (found) => found.length > 0,
      );
      await post('/members/confirm', { token: smsToken(sms!) });
      // A touchpoint due and a send in the ledger: the member's activity, indexed (GSI3) and personal.
      await dynamo().send(
        new BatchWriteItemCommand({
          RequestItems: {
            dangol: [
              {
                ...keys.dueTouchpoint(memberId, 'vip_entry', 'test'),
                ...dueIndex('vip_entry', '2099-01-01T00:00:00.000Z', memberId),
                entity: 'due',
                memberId,
              },
              { ...keys.sent(memberId, 'default-birthday', '2027', 'email'), entity: 'sent', state: 'sent' },
            ].map((item) => ({ PutRequest: { Item: marshall(item) } })),
          },
        }),
      );
      await putEvents([
        {
          detailType: 'Purchase Completed',
          detail: {
            orderId: `post-${memberId}`,
            channel: 'store',
            occurredAt: new Date().toISOString(),
            amount: { value: 70_000, currency: 'KRW' },
            member: { memberId },
          },
        },
      ]);
      await drained('purchases');
      await drained('enrollment-mail');

      const exported = await privately('GET', `/admin/members/${memberId}/export`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toContain('attachment');
      expect(exported.body['member']).toMatchObject({ name: '남궁별하', email: person.email, birthday: '1991-07-14' });
      expect(exported.body['consentHistory'].length).toBeGreaterThanOrEqual(4);

      const pii = [
        person.email,
        person.phone.replace(/-/g, '').slice(1),
        '남궁별하',
        '1991-07-14',
        '세종대로',
        '제갈보호',
        '77771234',
        thirdEmail,
      ];
      expect((await itemsContaining(pii)).length).toBeGreaterThan(0);

      const erased = await privately('DELETE', `/admin/members/${memberId}`);
      expect(erased).toMatchObject({ status: 200, body: { memberId, status: 'erased' } });
      expect((await privately('DELETE', `/admin/members/${memberId}`)).status).toBe(200);
      expect(await itemsContaining(pii)).toEqual([]);
      // Other systems hear of it by id (the retried erasure announces it again, harmlessly).
      const announced = (
        (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
          events: { detailType: string; detail: Record<string, unknown> }[];
        }
      ).events.filter((event) => event.detailType === 'Member Erased' && event.detail['memberId'] === memberId);
      expect(announced.length).toBeGreaterThan(0);
      expect(announced.every((event) => event.detail['by'] === 'admin')).toBe(true);
      // Its due touchpoints and send ledger went too, index entries with them; so did every prospect of its contacts.
      const left = await dynamo().send(
        new QueryCommand({
          TableName: 'dangol',
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: marshall({ ':pk': `MEMBER#${memberId}` }),
        }),
      );
      const kinds = (left.Items ?? []).map((item) => String(unmarshall(item)['SK']).split('#')[0]);
      expect(kinds.filter((kind) => kind === 'DUE' || kind === 'SENT')).toEqual([]);
      const prospectKeys = [
        ...keys.prospectKeysByEmail(person.email),
        ...keys.prospectKeysByPhone(`+82${person.phone.replace(/-/g, '').slice(1)}`),
      ];
      // (An anonymous order may still name its prospect by that keyed hash: without the key it names no one.)
      const prospects = (await itemsContaining(prospectKeys)).filter((item) =>
        prospectKeys.includes(String(item['PK'])),
      );
      expect(prospects).toEqual([]);

      // The purchase records stay, apart and anonymous: the spend they carry is still counted.
      const orders = (await itemsContaining([preOrder, `post-${memberId}`])).filter(
        (item) => item['entity'] === 'order',
      );
      expect(orders.map((order) => order['amount']).sort()).toEqual([30_000, 50_000, 70_000]);
      expect((await call('GET', `/admin/members/${memberId}`)).status).toBe(404);
      expect((await call('GET', `/admin/members?email=${encodeURIComponent(person.email)}`)).body['items']).toEqual([]);

      const again = await enroll(person);
      expect(again.memberId).not.toBe(memberId);

      const audit = await call('GET', '/admin/audit');
      const actions = audit.body['items']
        .filter((entry: { target: string }) => entry.target === `member:${memberId}`)
        .map((entry: { action: string; who: string }) => [entry.action, entry.who]);
      expect(actions.sort()).toEqual(
        [
          ['members.erase', 'mk-privacy'],
          ['members.export', 'mk-privacy'],
        ].sort(),
      );
    });
  });
});
