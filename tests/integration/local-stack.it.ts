// The local stack serves this machine only: every server it starts listens on loopback (DynamoDB Local, AWS's jar,
// has no bind option: docs/local-stack.md), and its local-only routes answer loopback Host headers only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { bundleHandler } from '#infra/bundle-handler';
import { sesClient } from '#adapters/aws-clients';
import { sesAccountMaxRate } from '#adapters/ses-account';
import { urls } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('local-stack', () => {
  /** The local address each listening TCP socket of this machine is bound to, by port (Linux /proc/net/tcp). */
  function listeners(): Map<number, string[]> {
    const found = new Map<number, string[]>();
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const [, local, , state] = line.trim().split(/\s+/);
        if (state !== '0A' || !local) continue; // 0A: LISTEN
        const [address = '', port = ''] = local.split(':');
        const list = found.get(Number.parseInt(port, 16)) ?? [];
        list.push(address);
        found.set(Number.parseInt(port, 16), list);
      }
    }
    return found;
  }

  const LOOPBACK = ['0100007F', '00000000000000000000000001000000'];

  it('listens on loopback only, for every part but DynamoDB Local', () => {
    const bound = listeners();
    if (bound.size === 0) return expect(process.platform).not.toBe('linux');
    const parts = Object.entries(urls()).filter(([part]) => part !== 'dynamodb');
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const [part, url] of parts) {
      const addresses = bound.get(Number(new URL(url).port)) ?? [];
      expect(addresses.length, part).toBeGreaterThan(0);
      for (const address of addresses) expect(LOOPBACK, `${part} bound to ${address}`).toContain(address);
    }
  });

  it('answers SES GetAccount with the account quota, as the e-mail sender reads it at cold start', async () => {
    expect(await sesAccountMaxRate(sesClient())).toBe(500);
  });

  /** Bundles an entry as a handler is bundled and runs it in a fresh Node with the stack's credentials and one endpoint. */
  async function runBundled(entry: string, endpointVariable: string) {
    const out = join(entry, '..', 'index.mjs');
    await bundleHandler(entry, out);
    const env = inject('stackEnv');
    const result = spawnSync(process.execPath, [out], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'],
        AWS_REGION: env['AWS_REGION'],
        AWS_ACCESS_KEY_ID: env['AWS_ACCESS_KEY_ID'],
        AWS_SECRET_ACCESS_KEY: env['AWS_SECRET_ACCESS_KEY'],
        [endpointVariable]: env[endpointVariable],
      },
    });
    return { result, out };
  }

  it('runs the DynamoDB client as bundled for Lambda (its aliases included) against DynamoDB Local', async () => {
    const dir = join(import.meta.dirname, '..', '..', '.cache', 'bundled-client');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';",
        'const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
        "await db.send(new PutCommand({ TableName: 'dangol', Item: { PK: 'BUNDLE#check', SK: 'X', at: 1 } }));",
        "const { Item } = await db.send(new GetCommand({ TableName: 'dangol', Key: { PK: 'BUNDLE#check', SK: 'X' } }));",
        'console.log(JSON.stringify(Item));',
      ].join('\n'),
    );
    const { result } = await runBundled(entry, 'AWS_ENDPOINT_URL_DYNAMODB');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ PK: 'BUNDLE#check', SK: 'X', at: 1 });
  });

  it('puts events with the EventBridge client as bundled (plain SigV4 in place of the multi-region signer)', async () => {
    const dir = join(import.meta.dirname, '..', '..', '.cache', 'bundled-bus');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    const marker = `bundle-${Date.now().toString(36)}`;
    writeFileSync(
      entry,
      [
        "import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';",
        'const bus = new EventBridgeClient({});',
        'const result = await bus.send(new PutEventsCommand({ Entries: [',
        `  { EventBusName: 'loyalty', Source: 'dangol', DetailType: 'Bundle Check', Detail: JSON.stringify({ marker: '${marker}' }) },`,
        ']}));',
        'console.log(JSON.stringify({ failed: result.FailedEntryCount }));',
      ].join('\n'),
    );
    const { result, out } = await runBundled(entry, 'AWS_ENDPOINT_URL_EVENTBRIDGE');
    // The multi-region signer is not in the bundle; the alias is.
    expect(readFileSync(out, 'utf8')).not.toContain('Neither CRT nor JS SigV4a implementation is available');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ failed: 0 });
    const outbox = (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
      events: { detailType: string; detail: Record<string, unknown> }[];
    };
    expect(outbox.events.filter((event) => event.detail['marker'] === marker)).toHaveLength(1);
  });
});
