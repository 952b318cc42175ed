// Merge and undo on the emulators: two members with histories become one (spend, tier, consents, contacts; the
// merged id keeps resolving), and undo gives both back as they were — a property test over random histories.
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, drained, dynamo, memberIdOf, putEvents, retire, urls } from './helpers.ts';

let token = '';
const call = adminCaller(() => token);
const created: string[] = [];
const db = () => DynamoDBDocumentClient.from(dynamo());

beforeAll(async () => {
  const { signAdminToken } = await import('#infra/local/admin-keys');
  token = await signAdminToken({ group: 'marketing', subject: 'merge-test' });
});
afterAll(() => retire(created));

let run = 0;
interface Person {
  readonly email: string;
  readonly phone?: string;
  readonly birthday?: string;
  readonly emailConsent: boolean;
  readonly smsConsent: boolean;
  readonly orders: readonly { monthsBack: number; amount: number }[];
}

/** Imports the people and their orders through the API, as `npm run import` would; their member ids. */
async function importPeople(people: readonly Person[]): Promise<string[]> {
  run += 1;
  const stamp = `${Date.now().toString(36)}-${run}`;
  const rows = people.map((person, i) => ({
    externalId: `m-${stamp}-${i}`,
    name: `Merge ${i}`,
    email: person.email,
    phone: person.phone ?? null,
    birthday: person.birthday ?? null,
    emailVerified: true,
    emailConsent: person.emailConsent,
    emailConsentSource: 'test',
    emailConsentAt: '2025-01-01',
    smsConsent: person.smsConsent && person.phone !== undefined,
    smsConsentSource: 'test',
    smsConsentAt: '2025-01-01',
  }));
  const members = await call('POST', '/admin/imports', { id: `merge-m-${stamp}`, kind: 'members', firstRow: 2, rows });
  expect(members.status, JSON.stringify(members.body)).toBe(200);
  const ids = await Promise.all(people.map((person) => memberIdOf({ email: person.email })));
  const orders = people.flatMap((person, i) =>
    person.orders.map((order, n) => {
      const date = new Date(Date.now() - 86_400_000);
      date.setUTCMonth(date.getUTCMonth() - order.monthsBack);
      return {
        orderId: `o-${stamp}-${i}-${n}`,
        channel: 'store',
        occurredAt: date.toISOString().slice(0, 10),
        amount: order.amount,
        externalId: `m-${stamp}-${i}`,
      };
    }),
  );
  if (orders.length > 0) {
    const bought = await call('POST', '/admin/imports', {
      id: `merge-p-${stamp}`,
      kind: 'purchases',
      firstRow: 2,
      rows: orders,
    });
    expect(bought.body['invalid'], JSON.stringify(bought.body)).toBe(0);
  }
  const found = ids.map((id) => id ?? '');
  created.push(...found);
  return found;
}

/** Everything of two members: both partitions and their contacts' owner records, in order. */
async function stateOf(memberIds: readonly string[], contacts: readonly string[]) {
  const items: Record<string, unknown>[] = [];
  for (const memberId of memberIds) {
    const { Items = [] } = await db().send(
      new QueryCommand({
        TableName: 'dangol',
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}` },
        ConsistentRead: true,
      }),
    );
    items.push(...Items);
  }
  for (const key of contacts) {
    const { Item } = await db().send(
      new GetCommand({ TableName: 'dangol', Key: { PK: key, SK: 'OWNER' }, ConsistentRead: true }),
    );
    if (Item) items.push(Item);
  }
  // The survivor's version moves on (caches of it must miss); everything else is as it was.
  return items
    .map(({ aggVersion: _, ...rest }) => rest)
    .sort((a, b) => `${a['PK']}|${a['SK']}`.localeCompare(`${b['PK']}|${b['SK']}`));
}

describe('merges', () => {
  it('merges spend, tier and the most restrictive consents; the merged id resolves to the survivor', async () => {
    const stamp = Date.now().toString(36);
    const [source, into] = await importPeople([
      {
        email: `src-${stamp}@example.com`,
        phone: `010-7${stamp.slice(-3).replace(/\D/g, '1').padStart(3, '1')}-${String(Date.now()).slice(-4)}`,
        emailConsent: false,
        smsConsent: true,
        orders: [{ monthsBack: 1, amount: 200_000 }],
      },
      {
        email: `into-${stamp}@example.com`,
        emailConsent: true,
        smsConsent: false,
        orders: [{ monthsBack: 2, amount: 150_000 }],
      },
    ]);
    // The source got this year's birthday mail: after the merge the survivor's ledger has it, so it gets no second.
    const sentKey = { PK: `MEMBER#${into}`, SK: 'SENT#default-birthday#2026#email' };
    await db().send(
      new PutCommand({
        TableName: 'dangol',
        Item: {
          PK: `MEMBER#${source}`,
          SK: sentKey.SK,
          entity: 'send',
          memberId: source,
          entryId: 'default-birthday',
          period: '2026',
          channel: 'email',
          state: 'sent',
        },
      }),
    );
    const merged = await call('POST', `/admin/members/${source}/merge`, { into });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const { Item: ledger } = await db().send(
      new GetCommand({ TableName: 'dangol', Key: sentKey, ConsistentRead: true }),
    );
    expect(ledger).toMatchObject({ memberId: into, state: 'sent', mergedFrom: merged.body['mergeId'] });
    const survivor = (await call('GET', `/admin/members/${into}`)).body;
    expect(survivor['tier']?.code ?? survivor['tier']).toBe('C');
    const { Item: profile = {} } = await db().send(
      new GetCommand({ TableName: 'dangol', Key: { PK: `MEMBER#${into}`, SK: 'PROFILE' }, ConsistentRead: true }),
    );
    expect(profile['purchaseCount']).toBe(2);
    // The tier moved up by the merge, and the history says so.
    const { Items: history = [] } = await db().send(
      new QueryCommand({
        TableName: 'dangol',
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :tier)',
        ExpressionAttributeValues: { ':pk': `MEMBER#${into}`, ':tier': 'TIER#' },
        ConsistentRead: true,
      }),
    );
    expect(history.map((line) => [line['from'], line['to'], line['reason']])).toEqual([['D', 'C', 'merge']]);
    // E-mail: the source said no; SMS: the survivor had no phone, takes the source's, and its own no stands.
    expect(profile['consents']).toMatchObject({ email: { value: false }, sms: { value: false } });
    expect(profile['phone']).toMatch(/^\+8210/);
    // The same merge again answers the same; the merged id's purchase goes to the survivor.
    expect((await call('POST', `/admin/members/${source}/merge`, { into })).body['mergeId']).toBe(
      merged.body['mergeId'],
    );
    // After the merge: one purchase names the merged id, one the merged member's e-mail, one the survivor itself.
    const bought = (orderId: string, value: number, who: Record<string, unknown>) => ({
      detailType: 'Purchase Completed',
      detail: {
        orderId,
        channel: 'store',
        occurredAt: new Date().toISOString(),
        amount: { value, currency: 'KRW' },
        ...who,
      },
    });
    await putEvents([
      bought(`after-${stamp}`, 10_000, { member: { memberId: source } }),
      bought(`after-mail-${stamp}`, 20_000, { customer: { email: `src-${stamp}@example.com` } }),
      bought(`after-own-${stamp}`, 5_000, { member: { memberId: into } }),
    ]);
    await drained('purchases');
    const { Item: after = {} } = await db().send(
      new GetCommand({ TableName: 'dangol', Key: { PK: `MEMBER#${into}`, SK: 'PROFILE' }, ConsistentRead: true }),
    );
    expect(after['purchaseCount']).toBe(5);

    // Into itself, from a merged member, into a member not active: 409 with problem+json.
    expect((await call('POST', `/admin/members/${into}/merge`, { into })).status).toBe(409);
    const [third = ''] = await importPeople([
      { email: `third-${stamp}@example.com`, emailConsent: true, smsConsent: false, orders: [] },
    ]);
    expect((await call('POST', `/admin/members/${source}/merge`, { into: third })).status).toBe(409);
    expect((await call('POST', `/admin/members/${third}/merge`, { into: source })).status).toBe(409);
    // Undo splits what happened since by where it came from: the survivor keeps its own purchase, the two that
    // named the merged member (its id, its e-mail) go back to it, orders included; then a second undo is refused.
    const undone = await call('POST', `/admin/merges/${merged.body['mergeId']}/undo`);
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    const profileOf = async (memberId: string) =>
      (
        await db().send(
          new GetCommand({
            TableName: 'dangol',
            Key: { PK: `MEMBER#${memberId}`, SK: 'PROFILE' },
            ConsistentRead: true,
          }),
        )
      ).Item ?? {};
    const back = await profileOf(into ?? '');
    const sourceBack = await profileOf(source ?? '');
    expect(back['purchaseCount']).toBe(2);
    expect(sourceBack['purchaseCount']).toBe(3);
    expect(sourceBack['status']).toBe('active');
    const month = Object.keys(after['spendByMonth'] as object)
      .sort()
      .at(-1) as string;
    const total = (profile: Record<string, unknown>) =>
      Object.values(profile['spendByMonth'] as Record<string, number>).reduce((sum, value) => sum + value, 0);
    expect(total(back)).toBe(150_000 + 5_000);
    expect(total(sourceBack)).toBe(200_000 + 30_000);
    expect((sourceBack['spendByMonth'] as Record<string, number>)[month]).toBeGreaterThanOrEqual(30_000);
    for (const orderId of [`after-${stamp}`, `after-mail-${stamp}`]) {
      const { Item: order } = await db().send(
        new GetCommand({
          TableName: 'dangol',
          Key: { PK: `ORDER#store#${orderId}`, SK: 'ORDER' },
          ConsistentRead: true,
        }),
      );
      expect(order?.['owner']).toEqual({ kind: 'member', memberId: source });
    }
    expect(
      (await db().send(new GetCommand({ TableName: 'dangol', Key: sentKey, ConsistentRead: true }))).Item,
    ).toBeUndefined();
    expect(back['phone']).toBeUndefined();
    const again = await call('POST', `/admin/merges/${merged.body['mergeId']}/undo`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  }, 60_000);

  it('resolves the merged id for shops and old unsubscribe links, and refuses to undo after 30 days', async () => {
    const stamp = Date.now().toString(36);
    const [source, into] = await importPeople([
      { email: `old-a-${stamp}@example.com`, emailConsent: true, smsConsent: false, orders: [] },
      { email: `old-b-${stamp}@example.com`, emailConsent: true, smsConsent: false, orders: [] },
    ]);
    const merged = await call('POST', `/admin/members/${source}/merge`, { into });
    expect(merged.status).toBe(200);
    // The merged id keeps resolving: a shop's status call and an unsubscribe link in an old mail reach the survivor.
    const { partnerCall } = await import('./helpers.ts');
    const status = await partnerCall('GET', `/partner/members/${source}/status`);
    expect(status.status).toBe(200);
    expect(status.body['memberId']).toBe(into);
    const { signToken } = await import('#domain/signed-token');
    const { inject } = await import('vitest');
    const old = signToken(
      {
        purpose: 'unsubscribe',
        sub: source,
        exp: Math.floor(Date.now() / 1000) + 86_400,
        ch: 'email',
        lc: 'en',
      } as never,
      inject('stackEnv')['TOKEN_SECRET'] ?? '',
    );
    const unsubscribed = await fetch(`${urls().http}/unsubscribe?token=${encodeURIComponent(old)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    const survivor = (await call('GET', `/admin/members/${into}`)).body;
    expect(survivor['consents']['email']).toMatchObject({ value: false, source: 'one-click' });
    await db().send(
      new UpdateCommand({
        TableName: 'dangol',
        Key: { PK: `MERGE#${merged.body['mergeId']}`, SK: 'META' },
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': new Date(Date.now() - 31 * 86_400_000).toISOString() },
      }),
    );
    expect((await call('POST', `/admin/merges/${merged.body['mergeId']}/undo`)).status).toBe(409);
  }, 30_000);

  it('gives both members back exactly as they were: random histories, merge, undo (property)', async () => {
    const person = (tag: string) =>
      fc
        .record({
          withPhone: fc.boolean(),
          birthday: fc.option(
            fc.date({ min: new Date('1950-01-01'), max: new Date('2005-12-31'), noInvalidDate: true }),
            { nil: undefined },
          ),
          emailConsent: fc.boolean(),
          smsConsent: fc.boolean(),
          orders: fc.array(
            fc.record({
              monthsBack: fc.integer({ min: 0, max: 20 }),
              amount: fc.integer({ min: 1_000, max: 900_000 }),
            }),
            { maxLength: 4 },
          ),
        })
        .map((drawn) => ({ ...drawn, tag }));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(person('a'), person('b'), async (a, b) => {
        n += 1;
        const stamp = `${Date.now().toString(36)}${n}`;
        const phone = () =>
          `010-8${String(Math.floor(Math.random() * 1e3)).padStart(3, '0')}-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
        const people: Person[] = [a, b].map((drawn) => ({
          email: `prop-${drawn.tag}-${stamp}@example.com`,
          ...(drawn.withPhone && { phone: phone() }),
          ...(drawn.birthday && { birthday: drawn.birthday.toISOString().slice(0, 10) }),
          emailConsent: drawn.emailConsent,
          smsConsent: drawn.smsConsent,
          orders: drawn.orders,
        }));
        const [source = '', into = ''] = await importPeople(people);
        const { normalisePhone } = await import('#domain/identity');
        const contacts = people.flatMap((p) => [
          `EMAIL#${p.email}`,
          ...(p.phone ? [`PHONE#${normalisePhone(p.phone)}`] : []),
        ]);
        const before = await stateOf([source, into], contacts);
        const merged = await call('POST', `/admin/members/${source}/merge`, { into });
        expect(merged.status, JSON.stringify(merged.body)).toBe(200);
        expect(await stateOf([source, into], contacts)).not.toEqual(before);
        const undone = await call('POST', `/admin/merges/${merged.body['mergeId']}/undo`);
        expect(undone.status, JSON.stringify(undone.body)).toBe(200);
        expect(await stateOf([source, into], contacts)).toEqual(before);
      }),
      { numRuns: 12 },
    );
  }, 180_000);

  it('signs in the survivor by a sign-in link an old mail sent the merged member, for a contact the survivor took', async () => {
    const stamp = Date.now().toString(36);
    const email = `link-${stamp}@example.com`;
    const rows = [
      { externalId: `l-${stamp}-a`, name: 'Merge Source', email, emailVerified: true },
      {
        externalId: `l-${stamp}-b`,
        name: 'Merge Into',
        phone: `010-6${String(Date.now()).slice(-7, -4)}-${String(Date.now()).slice(-4)}`,
      },
    ];
    expect(
      (await call('POST', '/admin/imports', { id: `merge-l-${stamp}`, kind: 'members', firstRow: 2, rows })).status,
    ).toBe(200);
    const source = (await memberIdOf({ email })) ?? '';
    const into = (await memberIdOf({ phone: rows[1]?.phone ?? '' })) ?? '';
    created.push(source, into);
    expect((await call('POST', `/admin/members/${source}/merge`, { into })).status).toBe(200);
    const { signToken, bindingOf } = await import('#domain/signed-token');
    const { inject } = await import('vitest');
    const secret = inject('stackEnv')['TOKEN_SECRET'] ?? '';
    const token = signToken(
      {
        purpose: 'sign-in',
        sub: source,
        exp: Math.floor(Date.now() / 1000) + 900,
        bind: bindingOf(email, secret),
        jti: `m-${stamp}`,
      } as never,
      secret,
    );
    const page = await fetch(`${urls().http}/me/sign-in?lang=en&token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    const session = await fetch(`${urls().http}/me/session?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    expect(session.status).toBe(303);
    const cookie = /dangol_session=([^;]*)/.exec(session.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const home = await (await fetch(`${urls().http}/me`, { headers: { cookie: `dangol_session=${cookie}` } })).text();
    expect(home).toContain('Merge Into');
  }, 30_000);
});
