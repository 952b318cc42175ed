// Purchase ingestion against DynamoDB Local in memory: the handler's throughput as a ratio to raw
// TransactWriteItems of the same shape, DynamoDB calls per purchase, and the review's items read per member due.
import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent, Context } from 'aws-lambda';
import { freePort } from '#infra/local/ports';
import { ensureTable, localDynamoClient, startDynamoLocal } from '#infra/local/dynamodb-local';

const TABLE = 'bench';

async function timed(
  concurrency: number,
  total: number,
  op: (worker: number, i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        await op(worker, i);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

export async function benchPurchases(): Promise<void> {
  const port = await freePort();
  const dynamo = await startDynamoLocal({ port });
  try {
    await ensureTable(dynamo.endpoint, TABLE);
    Object.assign(process.env, {
      AWS_REGION: 'ap-northeast-2',
      // DynamoDB Local keeps tables per access key and region: the same as the raw client's.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:9', // no tier change is published in the timed runs
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
      TABLE_NAME: TABLE,
      EVENT_BUS_NAME: 'loyalty',
      PURCHASES_DLQ_URL: 'http://127.0.0.1:9/dlq',
      TIER_REVIEW_QUEUE_URL: 'http://127.0.0.1:9/review',
      RFM_SCORING_QUEUE_URL: 'http://127.0.0.1:9/rfm',
      PROGRAMME_CURRENCY: 'KRW',
      PROGRAMME_TIME_ZONE: 'Asia/Seoul',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      CONTACT_HASH_KEYS: 'b'.repeat(64),
    });
    const raw = localDynamoClient(dynamo.endpoint);
    // Configured as the handler's client is (aws-clients.ts: no logger middleware), so the ratio is the handler's own.
    raw.middlewareStack.remove('loggerMiddleware');
    const { dynamoDocumentClient } = await import('#adapters/aws-clients');
    let calls = 0;
    dynamoDocumentClient().middlewareStack.add(
      (next) => async (args) => {
        calls += 1;
        return next(args);
      },
      {
        step: 'initialize',
        name: 'countCalls',
      },
    );
    const { handler } = await import('#handlers/ingest-purchases');
    const context = {
      getRemainingTimeInMillis: () => 30_000,
      functionName: 'bench',
      awsRequestId: 'bench',
    } as unknown as Context;

    // Lambda hands the handler SQS batches of up to 10 records (topology batchSize 10); each worker sends batches for
    // its own 10 members. Members are VVIP already, so the timed purchases change no tier (no event to publish).
    const BATCH = 10;
    const members: string[] = Array.from({ length: 8 * BATCH }, () => randomUUID());
    // The raw baseline's members, stored alike, so that its transactions meet the same conditions.
    const rawMembers: string[] = Array.from({ length: 8 * BATCH }, () => randomUUID());
    // Members neither side has written before, a fresh ten for every batch of the "new members" rounds.
    const newMembers: string[] = Array.from({ length: 8 * 32 * BATCH }, () => randomUUID());
    const newRawMembers: string[] = Array.from({ length: 8 * 32 * BATCH }, () => randomUUID());
    const seeded = [...members, ...rawMembers, ...newMembers, ...newRawMembers];
    for (let chunk = 0; chunk < seeded.length; chunk += 25)
      await raw.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [TABLE]: seeded.slice(chunk, chunk + 25).map((memberId) => ({
              PutRequest: {
                Item: marshall({
                  PK: `MEMBER#${memberId}`,
                  SK: 'PROFILE',
                  memberId,
                  status: 'active',
                  spendByMonth: {},
                  ordersByMonth: {},
                  purchaseCount: 0,
                  aggVersion: 1,
                  tierState: { tier: 'S', reachedAt: new Date().toISOString(), keptUntil: '2099-01-01T00:00:00.000Z' },
                }),
              },
            })),
          },
        }),
      );
    const versions = new Map([...rawMembers, ...newRawMembers].map((m) => [m, 1]));

    // The handler's own transaction, written out: the order (must not exist) and the member's aggregates at the
    // expected version of an active member — the same items, attributes and conditions, with nothing around them.
    const rawOne = async (memberId: string) => {
      const version = versions.get(memberId) ?? 0;
      const orderId = randomUUID();
      const now = new Date().toISOString();
      await raw.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE,
                Item: marshall({
                  PK: `ORDER#raw#${orderId}`,
                  SK: 'ORDER',
                  entity: 'order',
                  channel: 'raw',
                  orderId,
                  owner: { kind: 'member', memberId },
                  amount: 10_000,
                  currency: 'KRW',
                  refunded: 0,
                  month: '2026-11',
                  occurredAt: now,
                }),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Update: {
                TableName: TABLE,
                Key: marshall({ PK: `MEMBER#${memberId}`, SK: 'PROFILE' }),
                UpdateExpression:
                  'SET spendByMonth = :s, ordersByMonth = :o, purchaseCount = :c, aggVersion = :n, firstPurchaseAt = :f, lastPurchaseAt = :l',
                ConditionExpression: 'attribute_exists(PK) AND #status = :active AND aggVersion = :v',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: marshall({
                  ':s': { '2026-11': version * 10_000 },
                  ':o': { '2026-11': version },
                  ':c': version,
                  ':n': version + 1,
                  ':f': now,
                  ':l': now,
                  ':active': 'active',
                  ':v': version,
                }),
              },
            },
          ],
        }),
      );
      versions.set(memberId, version + 1);
    };
    // Raw: the same ten transactions a batch needs, as concurrently as the handler runs them.
    let nextNewRaw = 0;
    const rawOp = (worker: number, fresh = false) =>
      Promise.all(
        (fresh
          ? newRawMembers.slice(nextNewRaw, (nextNewRaw += BATCH))
          : rawMembers.slice(worker * BATCH, (worker + 1) * BATCH)
        ).map(rawOne),
      );
    let nextNew = 0;
    const handlerOp = async (worker: number, fresh = false) => {
      const record = (memberId: string) => {
        const detail = {
          orderId: randomUUID(),
          channel: 'bench',
          occurredAt: new Date().toISOString(),
          amount: { value: 10_000, currency: 'KRW' },
          member: { memberId },
        };
        return {
          messageId: randomUUID(),
          receiptHandle: 'r',
          body: JSON.stringify({ 'detail-type': 'Purchase Completed', detail }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: '0',
            SenderId: 'b',
            ApproximateFirstReceiveTimestamp: '0',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn',
          awsRegion: 'ap-northeast-2',
        };
      };
      const ids = fresh
        ? newMembers.slice(nextNew, (nextNew += BATCH))
        : members.slice(worker * BATCH, (worker + 1) * BATCH);
      if (ids.length < BATCH) throw new Error('the bench ran out of new members');
      const event: SQSEvent = { Records: ids.map(record) };
      const result = (await handler(event, context)) as { batchItemFailures: unknown[] };
      if (result.batchItemFailures.length > 0) throw new Error('purchase failed in the bench');
    };

    // Warm-up, not counted: DynamoDB Local's JIT and both clients (its rates keep rising for the first thousands).
    for (let round = 0; round < 4; round++) {
      await timed(8, 32, (worker) => rawOp(worker));
      await timed(8, 32, (worker) => handlerOp(worker));
    }
    console.log(
      '\nPurchase ingestion (SQS batches of 10) vs raw TransactWriteItems of the same shape (the same order put and member update, conditions included), DynamoDB Local in memory',
    );
    console.log(
      '| concurrency (batches in flight) | members | raw transactions/s | handler purchases/s | handler ÷ raw (median of rounds) |',
    );
    console.log('|---:|---|---:|---:|---:|');
    const cases = [
      [1, false],
      [8, false],
      [8, true],
    ] as const;
    for (const [concurrency, fresh] of cases) {
      const ROUNDS = 8;
      const batches = concurrency === 1 ? 12 : 32;
      // Alternate the two measurements, round by round, so drift in machine load touches both alike; the ratio is
      // the median of the rounds' own ratios (one slow round of either side does not decide it).
      let rawRate = 0;
      let handlerRate = 0;
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const rawRound = BATCH * (await timed(concurrency, batches, (worker) => rawOp(worker, fresh)));
        const handlerRound = BATCH * (await timed(concurrency, batches, (worker) => handlerOp(worker, fresh)));
        rawRate += rawRound / ROUNDS;
        handlerRate += handlerRound / ROUNDS;
        ratios.push(handlerRound / rawRound);
      }
      ratios.sort((x, y) => x - y);
      const ratio = ((ratios[ROUNDS / 2 - 1] ?? 0) + (ratios[ROUNDS / 2] ?? 0)) / 2;
      // Members this instance wrote last are not read again (version-guarded); new ones take one BatchGetItem per batch.
      const members = fresh ? 'new to the instance' : 'written by it before';
      console.log(
        `| ${concurrency} | ${members} | ${rawRate.toFixed(0)} | ${handlerRate.toFixed(0)} | ${ratio.toFixed(2)} |`,
      );
    }
    calls = 0;
    await timed(1, 10, (worker) => handlerOp(worker));
    console.log(
      `DynamoDB calls per purchase (batches of ${BATCH}, members by id, no tier change): ${(calls / (10 * BATCH)).toFixed(2)}`,
    );

    await benchReview(raw);
  } finally {
    await dynamo.stop();
  }
}

async function benchReview(raw: ReturnType<typeof localDynamoClient>): Promise<void> {
  const { reviewIndex } = await import('#adapters/keys');
  const { reviewPage, startTierReview } = await import('#app/tier-review');
  const { handOnMarkers, purchaseDeps } = await import('#shared/wiring');
  const reviewAt = '2030-01-01T00:00:00.000Z';
  const due = 1000;
  const notDue = 1000;
  const items = [];
  for (let i = 0; i < due + notDue; i++) {
    const memberId = `review-${i}`;
    const isDue = i < due;
    items.push({
      PK: `MEMBER#${memberId}`,
      SK: 'PROFILE',
      memberId,
      status: 'active',
      spendByMonth: {},
      ordersByMonth: {},
      purchaseCount: 0,
      aggVersion: 1,
      tierState: {
        tier: 'B',
        reachedAt: '2029-01-01T00:00:00.000Z',
        keptUntil: isDue ? '2029-12-20T00:00:00.000Z' : '2031-01-01T00:00:00.000Z',
      },
      ...reviewIndex(memberId, isDue ? '2029-11-20T00:00:00.000Z' : '2030-12-01T00:00:00.000Z'),
    });
  }
  for (let i = 0; i < items.length; i += 25) {
    await raw.send(
      new BatchWriteItemCommand({
        RequestItems: { [TABLE]: items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } })) },
      }),
    );
  }
  const queued: Parameters<typeof reviewPage>[0][] = [];
  const { dynamoReviewStore } = await import('#adapters/purchase-store');
  const { dynamoDocumentClient } = await import('#adapters/aws-clients');
  const deps = {
    ...purchaseDeps(),
    store: dynamoReviewStore(dynamoDocumentClient(), TABLE),
    handOns: handOnMarkers(),
    queue: { enqueue: async (messages: readonly Parameters<typeof reviewPage>[0][]) => void queued.push(...messages) },
  };
  await startTierReview(new Date(reviewAt), deps);
  let itemsRead = 0;
  let reviewed = 0;
  while (queued.length > 0) {
    const message = queued.shift();
    if (!message) break;
    const stats = await reviewPage(message, deps);
    itemsRead += stats.itemsRead;
    reviewed += stats.reviewed;
  }
  console.log(
    `Tier review: ${reviewed} members reviewed of ${due} due (${notDue} not due), items read per member due: ${(itemsRead / due).toFixed(2)}`,
  );
}
