// The import bench, in its own process (its own DynamoDB Local, its own SDK clients): a 100,000-row members file
// streamed from disk through the CLI's reader into the import use case, two chunks in flight as `npm run import`
// sends them — rows/s as a ratio to raw BatchWriteItem of the same items, and the process's memory after 10,000
// rows and at the end (flat when streamed).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { freePort } from '#infra/local/ports';
import { ensureTable, localDynamoClient, startDynamoLocal } from '#infra/local/dynamodb-local';

const TABLE = 'bench';
const RAW_TABLE = 'bench-raw';
const ROWS = Number(process.env['BENCH_IMPORT_ROWS'] ?? 100_000);
const RAW_ROWS = 20_000;
const IN_FLIGHT = 2;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
/** Live heap after a full collection (run with --expose-gc; else the heap as it stands). */
const liveHeap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};

const port = await freePort();
const dynamo = await startDynamoLocal({ port });
try {
  await ensureTable(dynamo.endpoint, TABLE);
  // Raw writes go to a table of their own: the same contacts, owned by nobody in the import's table.
  await ensureTable(dynamo.endpoint, RAW_TABLE);
  Object.assign(process.env, {
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:9',
    TABLE_NAME: TABLE,
    EVENT_BUS_NAME: 'loyalty',
    PROGRAMME_CURRENCY: 'KRW',
    PROGRAMME_TIME_ZONE: 'Asia/Seoul',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    CONTACT_HASH_KEYS: 'b'.repeat(64),
  });
  const { importDeps, contactHashing } = await import('#shared/wiring');
  const { importChunk, newMemberOf } = await import('#app/import-customers');
  const { parseMemberRow } = await import('#domain/import-rows');
  const { claimsOf, memberItems } = await import('#adapters/import-store');
  const { evidenceItems } = await import('#adapters/identity-index');
  const { readRows } = await import('#infra/import/read-file');
  await contactHashing();
  const deps = importDeps();

  const dir = mkdtempSync(join(tmpdir(), 'dangol-bench-import-'));
  const line = (i: number, run: string) =>
    `${run}-${i},고객 ${i},${run}-${i}@example.com,010-${String(10_000_000 + i).slice(-8, -4)}-${String(i).padStart(4, '0').slice(-4)},1980-0${(i % 9) + 1}-1${i % 10},true,Y,shop,2024-01-01,N,,`;
  const header =
    'externalId,name,email,phone,birthday,emailVerified,emailConsent,emailConsentSource,emailConsentAt,smsConsent,smsConsentSource,smsConsentAt';
  const file = join(dir, 'members.csv');
  writeFileSync(file, [header, ...Array.from({ length: ROWS }, (_, i) => line(i, 'imp'))].join('\n'));

  // Raw: the same items a new member is (its claims, profile, consents, dates, identity evidence) by BatchWriteItem, 25 a call, as
  // many writers as the import has chunks in flight.
  const now = new Date();
  const raw = localDynamoClient(dynamo.endpoint);
  raw.middlewareStack.remove('loggerMiddleware');
  const rawItems = Array.from({ length: RAW_ROWS }, (_, i) => {
    const parsed = parseMemberRow(
      Object.fromEntries(header.split(',').map((column, at) => [column, line(i, 'raw').split(',')[at] ?? ''])),
      i + 2,
      now,
      'Asia/Seoul',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const member = newMemberOf(parsed.value, `raw#${i}`, `raw-${i}`, now);
    return [...claimsOf(member), ...memberItems(TABLE, member), ...evidenceItems(member.member)];
  });
  const batches: Record<string, unknown>[][] = [];
  const flat = rawItems.flat();
  for (let i = 0; i < flat.length; i += 25) batches.push(flat.slice(i, i + 25));
  let next = 0;
  const rawStarted = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < batches.length; i = next++) {
        let pending = batches[i]?.map((item) => ({
          PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
        }));
        while (pending && pending.length > 0) {
          const result = await raw.send(new BatchWriteItemCommand({ RequestItems: { [RAW_TABLE]: pending } }));
          pending = result.UnprocessedItems?.[RAW_TABLE] as typeof pending;
        }
      }
    }),
  );
  const rawRate = RAW_ROWS / ((performance.now() - rawStarted) / 1000);

  // The import: the file streamed, chunks of 500, two in flight.
  const inFlight = new Set<Promise<unknown>>();
  let chunk: Record<string, string | number | boolean | null>[] = [];
  let firstRow = 2;
  let rows = 0;
  let rssAt10k = 0;
  let heapAt10k = 0;
  let created = 0;
  const flush = async () => {
    const request = { id: 'bench-import', kind: 'members', firstRow, rows: chunk };
    chunk = [];
    const sending = importChunk(request, 'bench', deps).then((report) => {
      created += report.created;
    });
    const tracked = sending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };
  const started = performance.now();
  for await (const { row, values } of readRows(file, 'utf-8', () => undefined)) {
    if (chunk.length === 0) firstRow = row;
    chunk.push(values);
    rows++;
    if (chunk.length >= 500) await flush();
    if (rows === 10_000) {
      rssAt10k = process.memoryUsage().rss;
      heapAt10k = liveHeap();
    }
  }
  if (chunk.length > 0) await flush();
  await Promise.all(inFlight);
  const importRate = ROWS / ((performance.now() - started) / 1000);
  const rssEnd = process.memoryUsage().rss;
  const heapEnd = liveHeap();
  if (created !== ROWS) throw new Error(`the import created ${created} of ${ROWS} members`);

  console.log('\n## Imports (members, DynamoDB Local in memory)');
  console.log(`items per member: ${rawItems[0]?.length} (claims, profile, consents, dates, identity evidence)`);
  console.log(`raw BatchWriteItem: ${rawRate.toFixed(0)} members/s`);
  console.log(
    `import (${ROWS.toLocaleString('en-US')} rows streamed, 2 chunks in flight): ${importRate.toFixed(0)} rows/s`,
  );
  console.log(`import ÷ raw: ${(importRate / rawRate).toFixed(2)} (goal ≥ 0.7)`);
  console.log(
    `live heap after 10,000 rows ${mb(heapAt10k)}, after ${ROWS.toLocaleString('en-US')} ${mb(heapEnd)} (process ${mb(rssAt10k)}, ${mb(rssEnd)})`,
  );
} finally {
  await dynamo.stop();
}
