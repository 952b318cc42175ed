// Purchases and refunds through the same path as in AWS: PutEvents → rule → SQS (fauxqs) → ingest-purchases.
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  drained,
  dynamo,
  newPerson,
  post,
  putEvents,
  sqs,
  takeDeadLetters,
  urls,
  enroll,
  confirmLink,
  eventually,
  mailsTo,
  smsTo,
  smsToken,
} from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('purchases', () => {
  const TABLE = 'dangol';
  let seq = 0;
  const orderId = () => `o-${Date.now().toString(36)}-${++seq}`;

  async function profile(memberId: string) {
    const { Item } = await dynamo().send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { PK: { S: `MEMBER#${memberId}` }, SK: { S: 'PROFILE' } },
        ConsistentRead: true,
      }),
    );
    return Item ? unmarshall(Item) : {};
  }

  async function memberItems(memberId: string, prefix: string) {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: `MEMBER#${memberId}` }, ':prefix': { S: prefix } },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => unmarshall(item));
  }

  const purchase = (memberId: string, amount: number, extra: Record<string, unknown> = {}) => ({
    detailType: 'Purchase Completed',
    detail: {
      orderId: orderId(),
      channel: 'web-shop',
      occurredAt: new Date().toISOString(),
      amount: { value: amount, currency: 'KRW' },
      member: { memberId },
      ...extra,
    },
  });

  /** A purchase by someone the channel knows only by contact (a member or not), as a shop sends it. */
  const customerPurchase = (customer: Record<string, string>, amount: number, channel: string) => ({
    detailType: 'Purchase Completed',
    detail: {
      orderId: orderId(),
      channel,
      occurredAt: new Date().toISOString(),
      amount: { value: amount, currency: 'KRW' },
      customer,
    },
  });

  async function enrolled(): Promise<string> {
    return (await enroll(newPerson())).memberId;
  }

  const totalSpend = (item: Record<string, any>) =>
    Object.values<number>(item['spendByMonth'] ?? {}).reduce((a, b) => a + b, 0);

  beforeEach(async () => {
    await drained('purchases');
    await takeDeadLetters('purchases');
  });

  describe('purchase ingestion', () => {
    it('adds spend to the month bucket, upgrades across tiers at once, records history, the event and the VIP entry', async () => {
      const memberId = await enrolled();
      // One after the other: the queue has several pollers, so two events put at once may apply in either order.
      await putEvents([purchase(memberId, 250_000)]);
      await drained('purchases');
      await putEvents([purchase(memberId, 2_000_000)]);
      await drained('purchases');
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(2_250_000);
      expect(item['purchaseCount']).toBe(2);
      expect(item['tierState']).toMatchObject({ tier: 'A' });
      const history = await memberItems(memberId, 'TIER#');
      expect(history.map((entry) => [entry['from'], entry['to'], entry['reason']])).toEqual(
        [
          ['D', 'A'],
          ['D', 'A'],
        ]
          .slice(0, 1)
          .map(([f, t]) => [f, t, 'purchase']),
      );
      expect(history[0]?.['figures']).toMatchObject({ spend12m: 2_250_000, threshold: 2_000_000 });
      expect(history[0]?.['eventPublishedAt']).toBeDefined();
      expect(await memberItems(memberId, 'DUE#vip_entry')).toHaveLength(1);
      const outbox = (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
        events: { detailType: string; detail: Record<string, unknown> }[];
      };
      const changes = outbox.events.filter(
        (event) => event.detailType === 'Tier Changed' && event.detail['memberId'] === memberId,
      );
      expect(changes.map((event) => event.detail)).toEqual([
        expect.objectContaining({ from: 'D', to: 'A', reason: 'purchase' }),
      ]);
      expect(item['GSI4PK']).toMatch(/^REVIEW#\d$/);
    });

    it('counts each event once when it arrives 5 times, sequentially and concurrently', async () => {
      const once = await enrolled();
      const many = await enrolled();
      const events = (memberId: string) => [
        purchase(memberId, 120_000),
        purchase(memberId, 400_000),
        purchase(memberId, 700_000),
      ];
      const single = events(once);
      await putEvents(single);
      const repeated = events(many).map((event) => ({
        ...event,
        detail: { ...event.detail, orderId: `${event.detail.orderId}-r` },
      }));
      for (let i = 0; i < 5; i++) await putEvents(repeated);
      await Promise.all(Array.from({ length: 5 }, () => putEvents(repeated)));
      await drained('purchases');
      const [a, b] = [await profile(once), await profile(many)];
      expect(totalSpend(b)).toBe(totalSpend(a));
      expect(totalSpend(b)).toBe(1_220_000);
      expect(b['purchaseCount']).toBe(a['purchaseCount']);
      expect(b['tierState']['tier']).toBe(a['tierState']['tier']);
      expect(b['tierState']['tier']).toBe('B');
      expect(await memberItems(many, 'TIER#')).toHaveLength((await memberItems(once, 'TIER#')).length);
    });

    it('counts no purchase that claims to come from dangol (only sales channels put purchases)', async () => {
      const memberId = await enrolled();
      await putEvents([{ ...purchase(memberId, 3_000_000), source: 'dangol' }, purchase(memberId, 10_000)]);
      await drained('purchases');
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(10_000);
      expect(item['purchaseCount']).toBe(1);
    });

    it('adds concurrent orders of one member exactly', async () => {
      const memberId = await enrolled();
      await Promise.all(Array.from({ length: 20 }, () => putEvents([purchase(memberId, 10_000)])));
      await drained('purchases');
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(200_000);
      expect(item['purchaseCount']).toBe(20);
    });

    it('gives a stranger who enrolls with a buyer’s unverified phone none of the buyer’s spend', async () => {
      const buyer = newPerson();
      await putEvents([customerPurchase({ phone: buyer.phone, name: '김민지' }, 2_500_000, 'store-pos')]);
      await drained('purchases');
      const stranger = newPerson({
        phone: buyer.phone,
        email: undefined,
        consents: { email: false, sms: true, post: false, nightTime: false },
      });
      const { memberId } = await enroll(stranger);
      // The buyer buys again under the phone: an unverified contact is nobody's, so this stays the buyer's too.
      await putEvents([customerPurchase({ phone: buyer.phone }, 90_000, 'store-pos')]);
      await drained('purchases');
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(0);
      expect(item['tierState']?.['tier'] ?? 'D').toBe('D');
    });

    it('joins purchases kept under a phone once the member verifies it by the SMS link', async () => {
      const person = newPerson({
        email: undefined,
        consents: { email: false, sms: true, post: false, nightTime: false },
      });
      await putEvents([customerPurchase({ phone: `+82 ${String(person.phone).slice(1)}` }, 420_000, 'call-centre')]);
      await drained('purchases');
      const { memberId } = await enroll(person);
      const [sms] = await eventually(
        () => smsTo(String(person.phone)),
        (found) => found.length > 0,
      );
      expect(totalSpend(await profile(memberId))).toBe(0);
      expect((await post('/members/confirm', { token: smsToken(sms!) })).status).toBe(200);
      expect(totalSpend(await profile(memberId))).toBe(420_000);
    });

    it('keeps purchases by an unknown person as a prospect, and joins them once the member verifies the address', async () => {
      const person = newPerson();
      await putEvents([
        customerPurchase({ email: person.email.toUpperCase(), name: '김민지' }, 350_000, 'tv-home-shopping'),
      ]);
      await drained('purchases');
      const { memberId } = await enroll(person);
      // Nothing joins before the address is verified: whoever enrolls with it inherits no spend, no tier.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(totalSpend(await profile(memberId))).toBe(0);
      const [confirmation] = await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      const token = new URL(confirmLink(confirmation!)).searchParams.get('token') ?? '';
      expect((await post('/members/confirm', { token })).status).toBe(200);
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(350_000);
      expect(item['tierState']).toMatchObject({ tier: 'C' });
      await putEvents([purchase(memberId, 50_000)]);
      await drained('purchases');
      expect(totalSpend(await profile(memberId))).toBe(400_000);
    });
  });

  describe('refunds', () => {
    it('come off the order month once, never downgrade, and put the member up for review', async () => {
      const memberId = await enrolled();
      const order = purchase(memberId, 1_000_000);
      await putEvents([order]);
      await drained('purchases');
      expect((await profile(memberId))['tierState']['tier']).toBe('B');
      const refund = {
        detailType: 'Purchase Refunded',
        detail: {
          orderId: order.detail.orderId,
          refundId: `${order.detail.orderId}-r1`,
          channel: 'web-shop',
          occurredAt: new Date().toISOString(),
          amount: { value: 100_000, currency: 'KRW' },
        },
      };
      for (let i = 0; i < 3; i++) await putEvents([refund]);
      await Promise.all([putEvents([refund]), putEvents([refund])]);
      await drained('purchases');
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(900_000);
      expect(item['purchaseCount']).toBe(1);
      expect(item['tierState']).toMatchObject({ tier: 'B', refundSinceReached: true });
      expect(await memberItems(memberId, 'TIER#')).toHaveLength(1);
      expect(await takeDeadLetters('purchases')).toEqual([]);
    });

    it('rejects to the DLQ with a reason: unknown order, more than is left, another currency — nothing half-applied', async () => {
      const memberId = await enrolled();
      const order = purchase(memberId, 50_000);
      await putEvents([order]);
      await drained('purchases');
      const refund = (refundId: string, value: number, extra: Record<string, unknown> = {}) => ({
        detailType: 'Purchase Refunded',
        detail: {
          orderId: order.detail.orderId,
          refundId,
          channel: 'web-shop',
          occurredAt: new Date().toISOString(),
          amount: { value, currency: 'KRW' },
          ...extra,
        },
      });
      await putEvents([
        refund('r-too-much', 50_001),
        refund('r-unknown', 10, { orderId: 'no-such-order' }),
        purchase(memberId, 10, { amount: { value: 10, currency: 'USD' } }),
        refund('r-ok', 50_000),
      ]);
      await drained('purchases');
      const dead = await takeDeadLetters('purchases');
      expect(dead.map((letter) => letter.reason).sort()).toEqual(
        [
          expect.stringContaining('currency USD'),
          expect.stringContaining('exceeds the 50000 left'),
          expect.stringContaining('unknown order'),
        ].sort((a, b) => String(a).localeCompare(String(b))),
      );
      const item = await profile(memberId);
      expect(totalSpend(item)).toBe(0);
      expect(item['purchaseCount']).toBe(0);
    });
  });

  describe('bad events', () => {
    it('applies the rest of a batch and moves a malformed and a poison event to the DLQ with a reason', async () => {
      const memberId = await enrolled();
      const client = await sqs();
      const QueueUrl = inject('queueUrls')['purchases'];
      const good = purchase(memberId, 77_000);
      const envelope = (detailType: string, detail: unknown) =>
        JSON.stringify({ version: '0', 'detail-type': detailType, source: 'test', detail });
      await Promise.all([
        client.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: envelope('Purchase Completed', { orderId: 'x', channel: 'web-shop' }),
          }),
        ),
        client.send(new SendMessageCommand({ QueueUrl, MessageBody: '{not json at all' })),
        client.send(new SendMessageCommand({ QueueUrl, MessageBody: envelope('Purchase Completed', good.detail) })),
      ]);
      await drained('purchases');
      const dead = await takeDeadLetters('purchases');
      expect(dead).toHaveLength(2);
      expect(dead.map((letter) => letter.reason).sort()).toEqual(
        [expect.stringContaining('malformed Purchase Completed'), 'malformed message: not JSON'].sort(),
      );
      expect(totalSpend(await profile(memberId))).toBe(77_000);
    });
  });

  describe('manual tier override', () => {
    it('sets the tier until a date, records who and why in the history, and publishes Tier Changed', async () => {
      const memberId = await enrolled();
      const { overrideTier } = await import('#app/override-tier');
      const { purchaseDeps } = await import('#shared/wiring');
      const until = new Date(Date.now() + 90 * 86_400_000);
      expect(await overrideTier({ memberId, tier: 'A', until, by: 'admin-42' }, purchaseDeps())).toBe('applied');
      expect(await overrideTier({ memberId, tier: 'A', until, by: 'admin-42' }, purchaseDeps())).toBe('unchanged');
      const item = await profile(memberId);
      expect(item['tierState']).toMatchObject({ tier: 'A', keptUntil: until.toISOString() });
      const history = await memberItems(memberId, 'TIER#');
      expect(history).toEqual([
        expect.objectContaining({
          from: 'D',
          to: 'A',
          reason: 'manual',
          manualUntil: until.toISOString(),
          by: 'admin-42',
        }),
      ]);
      expect(history[0]?.['eventPublishedAt']).toBeDefined();
      await expect(overrideTier({ memberId, tier: 'Z', until, by: 'admin-42' }, purchaseDeps())).rejects.toMatchObject({
        errors: [{ path: 'tier' }],
      });
    });
  });

  describe('an instance reading what it wrote', () => {
    it('reads no member it wrote last, and stays right when another instance wrote since', async () => {
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
      const { dynamoPurchaseStore } = await import('#adapters/purchase-store');
      const { DynamoLadderSource } = await import('#adapters/tier-ladder-store');
      const { DynamoCouponStore } = await import('#adapters/coupon-store');
      const { DynamoMemberStore } = await import('#adapters/member-store');
      const { recordPurchase } = await import('#app/ingest-purchase');
      const { mailableMember } = await import('../support/mail-fixtures.ts');
      // A client of this test alone, counting the reads of one member's profile.
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
        marshallOptions: { removeUndefinedValues: true },
      });
      const memberId = `cache-${Date.now().toString(36)}`;
      let reads = 0;
      db.middlewareStack.add(
        (next, context) => async (args) => {
          const command = String((context as { commandName?: string }).commandName);
          if (/^(Get|BatchGet)/.test(command) && JSON.stringify(args.input).includes(`MEMBER#${memberId}`)) reads += 1;
          return next(args);
        },
        { step: 'initialize', name: 'countMemberReads' },
      );
      await new DynamoMemberStore(db, TABLE).createMember(
        mailableMember(memberId, '캐시', `${memberId}@cache.test`),
        [],
      );
      const instance = () => ({
        store: dynamoPurchaseStore(db, TABLE),
        coupons: new DynamoCouponStore(db, TABLE),
        ladders: new DynamoLadderSource(db, TABLE),
        events: { publish: async () => undefined },
        clock: () => new Date(),
        programme: { currency: 'KRW', timeZone: 'Asia/Seoul' },
      });
      const a = instance();
      const b = instance();
      const purchase = (id: string, value: number) => ({
        channel: 'cache-test',
        orderId: id,
        occurredAt: new Date().toISOString(),
        amount: { value, currency: 'KRW' },
        member: { memberId },
      });
      expect(await recordPurchase(purchase(`${memberId}-1`, 10_000), a)).toBe('applied');
      expect(reads).toBe(1);
      // A's next purchase of this member: no read at all (nor through a batch's prefetch).
      await a.store.prefetchMembers([memberId, 'someone-else']);
      expect(await recordPurchase(purchase(`${memberId}-2`, 20_000), a)).toBe('applied');
      a.store.forgetPrefetched();
      expect(reads).toBe(1);
      // Another instance writes the member: A's copy is stale now; its next write conflicts, reads, and counts right.
      expect(await recordPurchase(purchase(`${memberId}-3`, 5_000), b)).toBe('applied');
      expect(reads).toBe(2);
      expect(await recordPurchase(purchase(`${memberId}-4`, 1_000), a)).toBe('applied');
      expect(reads).toBe(3);
      // A replayed order is a duplicate on either instance; nothing counts twice.
      expect(await recordPurchase(purchase(`${memberId}-2`, 20_000), a)).toBe('duplicate');
      expect(await recordPurchase(purchase(`${memberId}-3`, 5_000), a)).toBe('duplicate');
      const stored = await profile(memberId);
      expect(stored['purchaseCount']).toBe(4);
      expect(Object.values(stored['spendByMonth'] as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(36_000);
      expect(stored['aggVersion']).toBe(4);
    });
  });
});
