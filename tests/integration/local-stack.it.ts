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
    const out = join(dir, 'index.mjs');
    await bundleHandler(entry, out);
    const env = inject('stackEnv');
    const result = spawnSync(process.execPath, [out], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'],
        AWS_REGION: env['AWS_REGION'],
        AWS_ACCESS_KEY_ID: env['AWS_ACCESS_KEY_ID'],
        AWS_SECRET_ACCESS_KEY: env['AWS_SECRET_ACCESS_KEY'],
        AWS_ENDPOINT_URL_DYNAMODB: env['AWS_ENDPOINT_URL_DYNAMODB'],
      },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ PK: 'BUNDLE#check', SK: 'X', at: 1 });
  });
});
