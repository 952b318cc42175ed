// The monthly tier review over a few hundred members: only the members due are read (sparse GSI4, no Scan), pages
// travel through the queue, and each member gets the decision of the tier engine.
import { describe, expect, it } from 'vitest';
import { BatchWriteItemCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { keys, reviewIndex, REVIEW_SHARDS } from '#adapters/keys';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { DynamoHandOnMarkers } from '#adapters/hand-on-markers';
import { dynamoReviewStore } from '#adapters/purchase-store';
import { DynamoLadderSource } from '#adapters/tier-ladder-store';
import { type ReviewPageMessage, reviewPage, startTierReview } from '#app/tier-review';
import { drained, dynamo, urls } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('tier-review', () => {
  const TABLE = 'dangol';
  const REVIEW_AT = '2027-03-01T01:00:00.000Z';
  const run = `r${Date.now().toString(36)}`;

  interface Seed {
    memberId: string;
    tier: string;
    keptUntil: string;
    noticeFor?: string;
    reviewAt?: string;
    spend: number;
  }

  function profileItem(seed: Seed) {
    return {
      PK: `MEMBER#${seed.memberId}`,
      SK: 'PROFILE',
      entity: 'member',
      memberId: seed.memberId,
      status: 'active',
      name: 'seed',
      locale: 'ko',
      timeZone: 'Asia/Seoul',
      steps: {},
      spendByMonth: { '2027-01': seed.spend },
      ordersByMonth: { '2027-01': 1 },
      purchaseCount: 1,
      aggVersion: 1,
      tierState: {
        tier: seed.tier,
        reachedAt: '2026-01-15T00:00:00.000Z',
        keptUntil: seed.keptUntil,
        ...(seed.noticeFor && { noticeFor: seed.noticeFor }),
      },
      ...(seed.reviewAt && reviewIndex(seed.memberId, seed.reviewAt)),
    };
  }

  async function seed(seeds: Seed[]) {
    for (let i = 0; i < seeds.length; i += 25) {
      await dynamo().send(
        new BatchWriteItemCommand({
          RequestItems: {
            [TABLE]: seeds
              .slice(i, i + 25)
              .map((s) => ({ PutRequest: { Item: marshall(profileItem(s), { removeUndefinedValues: true }) } })),
          },
        }),
      );
    }
  }

  async function countDue(at: string): Promise<number> {
    let total = 0;
    for (let shard = 0; shard < REVIEW_SHARDS; shard++) {
      const { Count = 0 } = await dynamo().send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'GSI4',
          Select: 'COUNT',
          KeyConditionExpression: 'GSI4PK = :pk AND GSI4SK <= :upTo',
          ExpressionAttributeValues: { ':pk': { S: `REVIEW#${shard}` }, ':upTo': { S: `${at}#\uffff` } },
        }),
      );
      total += Count;
    }
    return total;
  }

  async function tierOf(memberId: string) {
    const { Item } = await dynamo().send(
      new GetItemCommand({
        TableName: TABLE,
        Key: marshall({ PK: `MEMBER#${memberId}`, SK: 'PROFILE' }),
        ConsistentRead: true,
      }),
    );
    return Item
      ? (unmarshall(Item)['tierState'] as { tier: string; keptUntil: string; noticeFor?: string })
      : undefined;
  }

  describe('tier review', () => {
    it('reviews only the members due, in pages through the queue, reading no more than 1.2 items per member due', async () => {
      const seeds: Seed[] = [];
      // 60 whose grace ended and who had their notice: down one step (A → B).
      for (let i = 0; i < 60; i++)
        seeds.push({
          memberId: `${run}-drop-${i}`,
          tier: 'A',
          keptUntil: '2027-02-20T00:00:00.000Z',
          noticeFor: '2027-02-20T00:00:00.000Z',
          reviewAt: '2027-02-20T00:00:00.000Z',
          spend: 100_000,
        });
      // 70 in the notice window: notice with the delta to retain, no drop yet.
      for (let i = 0; i < 70; i++)
        seeds.push({
          memberId: `${run}-notice-${i}`,
          tier: 'B',
          keptUntil: '2027-03-20T00:00:00.000Z',
          reviewAt: '2027-02-18T00:00:00.000Z',
          spend: 400_000,
        });
      // 40 due who still qualify: renewed.
      for (let i = 0; i < 40; i++)
        seeds.push({
          memberId: `${run}-keep-${i}`,
          tier: 'C',
          keptUntil: '2027-03-10T00:00:00.000Z',
          reviewAt: '2027-02-08T00:00:00.000Z',
          spend: 500_000,
        });
      // 200 not due yet, and 100 base-tier members with no review entry at all.
      for (let i = 0; i < 200; i++)
        seeds.push({
          memberId: `${run}-later-${i}`,
          tier: 'B',
          keptUntil: '2027-12-01T00:00:00.000Z',
          reviewAt: '2027-11-01T00:00:00.000Z',
          spend: 1_200_000,
        });
      for (let i = 0; i < 100; i++)
        seeds.push({ memberId: `${run}-base-${i}`, tier: 'D', keptUntil: '2026-01-15T00:00:00.000Z', spend: 10_000 });
      await seed(seeds);
      await drained('purchases');
      const due = await countDue(REVIEW_AT);
      expect(due).toBeGreaterThanOrEqual(170);

      const fired = await fetch(`${urls().http}/_local/schedules/tier-review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: REVIEW_AT }),
      });
      expect(fired.status).toBe(200);
      await drained('tier-review', 60_000);

      const { Item } = await dynamo().send(
        new GetItemCommand({
          TableName: TABLE,
          Key: marshall({ PK: `REVIEWRUN#${REVIEW_AT}`, SK: 'STATS' }),
          ConsistentRead: true,
        }),
      );
      const stats = unmarshall(Item ?? {});
      expect(stats['reviewed']).toBe(due);
      expect(stats['itemsRead']).toBeLessThanOrEqual(Math.ceil(1.2 * due));
      expect(stats['pages']).toBeGreaterThan(REVIEW_SHARDS - 1);

      expect(await tierOf(`${run}-drop-7`)).toMatchObject({ tier: 'B', keptUntil: '2028-03-01T01:00:00.000Z' });
      expect(await tierOf(`${run}-notice-3`)).toMatchObject({ tier: 'B', noticeFor: '2027-03-31T01:00:00.000Z' });
      expect(await tierOf(`${run}-keep-5`)).toMatchObject({ tier: 'C', keptUntil: '2028-03-01T01:00:00.000Z' });
      expect(await tierOf(`${run}-later-9`)).toMatchObject({ tier: 'B', keptUntil: '2027-12-01T00:00:00.000Z' });

      const notice = await dynamo().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :due)',
          ExpressionAttributeValues: marshall({ ':pk': `MEMBER#${run}-notice-3`, ':due': 'DUE#tier_downgrade_notice' }),
        }),
      );
      // The delta is to the B threshold in force for this review (another file may have edited the ladder, and the
      // review promotes a pending edit before it starts).
      const ladder = await dynamo().send(
        new GetItemCommand({ TableName: TABLE, Key: marshall(keys.tierLadder()), ConsistentRead: true }),
      );
      const tiers = (ladder.Item ? unmarshall(ladder.Item)['current']?.tiers : undefined) as
        | { code: string; minSpend: number }[]
        | undefined;
      const goldMin = tiers?.find((tier) => tier.code === 'B')?.minSpend ?? 1_000_000;
      expect(notice.Items?.map((item) => unmarshall(item))).toEqual([
        expect.objectContaining({
          tier: 'B',
          wouldBecome: 'C',
          deltaToRetain: { spend: goldMin - 400_000, purchases: 0 },
        }),
      ]);

      // Running the same review again changes nothing more and sends no second notice.
      await fetch(`${urls().http}/_local/schedules/tier-review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: REVIEW_AT }),
      });
      await drained('tier-review', 60_000);
      expect(await tierOf(`${run}-drop-7`)).toMatchObject({ tier: 'B' });
      expect(await countDue(REVIEW_AT)).toBe(0);
    });

    it('never forks its page chain: a page killed between its writes and its hand-on, retried and repeated, reviews each member once and counts once', async () => {
      const at = '2027-04-01T01:00:00.000Z';
      const seeds: Seed[] = Array.from({ length: 90 }, (_, i) => ({
        memberId: `${run}-chain-${i}`,
        tier: 'C',
        keptUntil: '2027-05-01T00:00:00.000Z',
        reviewAt: '2027-03-20T00:00:00.000Z',
        spend: 500_000,
      }));
      await seed(seeds);
      const due = await countDue(at);
      expect(due).toBeGreaterThanOrEqual(90);

      const db = dynamoDocumentClient();
      const queued: ReviewPageMessage[] = [];
      let crashes = 1;
      const published: string[] = [];
      const deps = {
        store: dynamoReviewStore(db, TABLE),
        ladders: new DynamoLadderSource(db, TABLE),
        events: {
          publish: async (type: string, detail: object) => void published.push(`${type}:${JSON.stringify(detail)}`),
        },
        handOns: new DynamoHandOnMarkers(db, TABLE),
        clock: () => new Date(),
        programme: { timeZone: 'Asia/Seoul' },
        pageSize: 4,
        queue: {
          enqueue: async (messages: readonly ReviewPageMessage[]) => {
            // The first hand-on of a next page dies after the page's writes: the Lambda crashed, SQS will redeliver.
            if (messages.length === 1 && messages[0]?.cursor && crashes-- > 0) throw new Error('killed before hand-on');
            queued.push(...messages);
          },
        },
      };
      // The schedule fires, and EventBridge retries the same firing: one set of shard messages.
      expect(await startTierReview(new Date(at), deps)).toHaveLength(REVIEW_SHARDS);
      expect(await startTierReview(new Date(at), deps)).toEqual([]);
      expect(queued).toHaveLength(REVIEW_SHARDS);

      let runs = 0;
      let killed = 0;
      const done: ReviewPageMessage[] = [];
      while (queued.length > 0) {
        const message = queued.shift() as ReviewPageMessage;
        runs += 1;
        try {
          await reviewPage(message, deps);
          done.push(message);
        } catch (error) {
          expect((error as Error).message).toBe('killed before hand-on');
          killed += 1;
          queued.push(message); // SQS redelivers it
        }
      }
      expect(killed).toBe(1);
      // Every page handed out again (a duplicate delivery) reviews nothing and hands nothing on.
      for (const message of done) await reviewPage(message, deps);
      expect(queued).toEqual([]);
      const pages = new Set(done.map((message) => `${message.shard}|${message.cursor ?? ''}`));
      expect(pages.size).toBe(done.length);
      expect(runs).toBe(done.length + 1);

      const { Item } = await dynamo().send(
        new GetItemCommand({ TableName: TABLE, Key: marshall(keys.reviewRun(at)), ConsistentRead: true }),
      );
      const stats = unmarshall(Item ?? {});
      expect(stats['reviewed']).toBe(due);
      expect(stats['pages']).toBe(done.length);
      expect(await countDue(at)).toBe(0);
      for (const member of seeds.slice(0, 5))
        expect(await tierOf(member.memberId)).toMatchObject({ tier: 'C', keptUntil: '2028-04-01T01:00:00.000Z' });
    });
  });
});
