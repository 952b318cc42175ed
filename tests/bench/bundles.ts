// Bundle size and cold import time of each handler, as a ratio to a bundle holding only the DynamoDB client.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_BUNDLE_BYTES } from '#infra/bundling';
import { bundleHandler } from '#infra/bundle-handler';
import { handlers } from '#infra/topology';
import { environmentFor } from '#shared/capabilities';
import { allValues } from '../support/capability-values.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, '.cache', 'bench');

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(OUT, `${name}.mjs`);
  // The very bundler of the CDK assets (infra/bundle-handler.ts), its SDK schema fold included.
  await bundleHandler(entry, outfile);
  return outfile;
}

/** Milliseconds to import the bundle in a fresh Node process (module evaluation, top-level awaits included), with
 * exactly the environment its capabilities give it in AWS. */
function importMs(file: string, env: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'],
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...env,
    },
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr.slice(-600)}`);
  return Number(result.stdout.trim());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

export async function benchBundles(runs = 15): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const baselineEntry = join(OUT, 'dynamodb-only.ts');
  writeFileSync(
    baselineEntry,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const handler = async () => client;\n",
  );
  // The SDK alone, as the heaviest handlers use it: the floor under any bundle of theirs (no app code, no zod, no
  // logger). DynamoDB + SES v2 is over 250 KB by itself with the pinned SDK, so no e-mail sender can be under it.
  const floors: [string, string][] = [
    [
      'sdk-dynamodb-sesv2',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\nimport { SESv2Client, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';\nconst db = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nconst ses = new SESv2Client({});\nexport const handler = async () => [db.send(new GetCommand({ TableName: 't', Key: {} })), ses.send(new SendBulkEmailCommand({} as never))];\n",
    ],
    [
      'sdk-dynamodb-sqs-eventbridge',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\nimport { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';\nimport { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';\nconst db = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const handler = async () => [db.send(new GetCommand({ TableName: 't', Key: {} })), new SQSClient({}).send(new SendMessageCommand({} as never)), new EventBridgeClient({}).send(new PutEventsCommand({} as never))];\n",
    ],
  ];
  const files = new Map<string, string>([['(DynamoDB client only)', await bundle('dynamodb-only', baselineEntry)]]);
  for (const [name, source] of floors) {
    const entry = join(OUT, `${name}.ts`);
    writeFileSync(entry, source);
    files.set(`(${name.replace(/^sdk-/, 'SDK floor: ').replace(/-/g, ' + ')})`, await bundle(name, entry));
  }
  for (const spec of handlers)
    files.set(spec.name, await bundle(spec.name, join(ROOT, 'functions', 'handlers', `${spec.name}.ts`)));

  const envs = new Map(handlers.map((spec) => [spec.name, environmentFor(spec.name, spec.capabilities, allValues())]));
  const times = new Map<string, number[]>([...files.keys()].map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    // Interleaved, so drift in machine load touches every bundle alike.
    for (const [name, file] of files) times.get(name)?.push(importMs(file, envs.get(name) ?? {}));
  }
  const baseline = median(times.get('(DynamoDB client only)') ?? []);
  console.log(
    `\nBundles (esbuild, minified ESM, AWS SDK inside; limit ${MAX_BUNDLE_BYTES / 1024} KB), import time median of ${runs} fresh processes`,
  );
  console.log('| bundle | size KB | import ms | import ÷ DynamoDB-only |');
  console.log('|---|---:|---:|---:|');
  for (const [name, file] of files) {
    const ms = median(times.get(name) ?? []);
    console.log(
      `| ${name} | ${(statSync(file).size / 1024).toFixed(1)} | ${ms.toFixed(1)} | ${(ms / baseline).toFixed(2)} |`,
    );
  }

  // Where the function runs with active tracing (AWS), the Tracer and the X-Ray SDK load from the Powertools layer
  // at cold start, outside the bundle: their cost on top of any handler's.
  const tracerEntry = join(OUT, 'tracer-from-layer.mjs');
  writeFileSync(
    tracerEntry,
    "import { createRequire } from 'node:module';\nconst { Tracer } = createRequire(import.meta.url)('@aws-lambda-powertools/tracer');\nexport const tracer = new Tracer({ serviceName: 'dangol' });\n",
  );
  const tracerMs = median(Array.from({ length: runs }, () => importMs(tracerEntry, {})));
  console.log(
    `Tracer + X-Ray SDK from the Powertools layer (AWS, active tracing only; not in any bundle): +${tracerMs.toFixed(1)} ms import (${(tracerMs / baseline).toFixed(2)} × the DynamoDB-only import)`,
  );
}
