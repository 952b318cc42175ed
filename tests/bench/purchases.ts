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
    for (let chunk = 0; chunk < members.length; chunk += 25)
      await raw.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [TABLE]: members.slice(chunk, chunk + 25).map((memberId) => ({
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
    const rawMembers: string[] = Array.from({ length: 8 * BATCH }, () => randomUUID());
    const versions = new Map(rawMembers.map((m) => [m, 0]));

    const rawOne = async (memberId: string) => {
      const version = versions.get(memberId) ?? 0;
      await raw.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE,
                Item: marshall({ PK: `ORDER#raw#${randomUUID()}`, SK: 'ORDER', amount: 10_000, month: '2026-11' }),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Update: {
                TableName: TABLE,
                Key: marshall({ PK: `MEMBER#${memberId}`, SK: 'PROFILE' }),
                UpdateExpression:
                  'SET spendByMonth = :s, ordersByMonth = :o, purchaseCount = :c, aggVersion = :n, lastPurchaseAt = :l',
                ConditionExpression: version === 0 ? 'attribute_not_exists(aggVersion)' : 'aggVersion = :v',
                ExpressionAttributeValues: marshall({
                  ':s': { '2026-11': version * 10_000 },
                  ':o': { '2026-11': version },
                  ':c': version,
                  ':n': version + 1,
                  ':l': new Date().toISOString(),
                  ...(version !== 0 && { ':v': version }),
                }),
              },
            },
          ],
        }),
      );
      versions.set(memberId, version + 1);
    };
    // Raw: the same ten transactions a batch needs, as concurrently as the handler runs them.
    const rawOp = (worker: number) => Promise.all(rawMembers.slice(worker * BATCH, (worker + 1) * BATCH).map(rawOne));
    const handlerOp = async (worker: number) => {
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
      const event: SQSEvent = { Records: members.slice(worker * BATCH, (worker + 1) * BATCH).map(record) };
      const result = (await handler(event, context)) as { batchItemFailures: unknown[] };
      if (result.batchItemFailures.length > 0) throw new Error('purchase failed in the bench');
    };

    await timed(4, 20, rawOp);
    await timed(4, 20, handlerOp);
    console.log(
      '\nPurchase ingestion (SQS batches of 10) vs raw TransactWriteItems of the same shape (order put + member update), DynamoDB Local in memory',
    );
    console.log('| concurrency (batches in flight) | raw transactions/s | handler purchases/s | handler ÷ raw |');
    console.log('|---:|---:|---:|---:|');
    for (const concurrency of [1, 8]) {
      const ROUNDS = 4;
      const batches = concurrency === 1 ? 12 : 32;
      // Alternate the two measurements, round by round, so drift in machine load touches both alike.
      let rawRate = 0;
      let handlerRate = 0;
      for (let round = 0; round < ROUNDS; round++) {
        rawRate += (BATCH * (await timed(concurrency, batches, rawOp))) / ROUNDS;
        handlerRate += (BATCH * (await timed(concurrency, batches, handlerOp))) / ROUNDS;
      }
      console.log(
        `| ${concurrency} | ${rawRate.toFixed(0)} | ${handlerRate.toFixed(0)} | ${(handlerRate / rawRate).toFixed(2)} |`,
      );
    }
    calls = 0;
    await timed(1, 10, handlerOp);
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
  const deps = {
    ...purchaseDeps(),
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
