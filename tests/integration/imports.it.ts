// Imports through `npm run import` (the CLI as a person runs it) against the local stack: a dry run that writes
// nothing, a real run killed mid-file and run again to the same end, a CP949 file, a file without a required column,
// and a purchase history whose tiers equal those of the same history sent as events.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, drained, memberIdOf, putEvents, retire, urls } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dangol-import-'));
let token = '';
const call = adminCaller(() => token);

/** Runs `npm run import` with these arguments; `killAfterChunks` kills it (SIGKILL) once that many chunks are done. */
function runImport(
  args: string[],
  killAfterChunks?: { id: () => Promise<string | undefined>; chunks: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/import/cli.ts', '--url', urls().http, '--token', token, ...args],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
    if (killAfterChunks) {
      const watch = async () => {
        while (child.exitCode === null) {
          const id = await killAfterChunks.id();
          const report = id ? await call('GET', `/admin/imports/${id}`) : undefined;
          if ((report?.body['chunksDone']?.length ?? 0) >= killAfterChunks.chunks) {
            child.kill('SIGKILL');
            return;
          }
          await new Promise((wait) => setTimeout(wait, 20));
        }
      };
      void watch();
    }
  });
}

const idIn = (output: string) => /(?:Import|Dry run) ((?:imp|dry)-\S+)/.exec(output)?.[1];

async function profile(memberId: string): Promise<Record<string, any>> {
  const { dynamo } = await import('./helpers.ts');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { Item } = await DynamoDBDocumentClient.from(dynamo()).send(
    new GetCommand({ TableName: 'dangol', Key: { PK: `MEMBER#${memberId}`, SK: 'PROFILE' }, ConsistentRead: true }),
  );
  return Item ?? {};
}

const stamp = Date.now().toString(36);
const header =
  'externalId,name,email,phone,birthday,emailVerified,emailConsent,emailConsentSource,emailConsentAt,smsConsent,smsConsentSource,smsConsentAt';
/** Row i of a members file: every 7th without consent evidence, every 11th with a broken e-mail. */
function memberLine(i: number): string {
  const email = i % 11 === 5 ? `broken-${i}` : `imp-${stamp}-${i}@example.com`;
  const evidence = i % 7 === 3 ? ',,' : ',shop-signup,2024-03-01';
  return `X-${stamp}-${i},고객 ${i},${email},,1985-04-${String((i % 28) + 1).padStart(2, '0')},true,Y${evidence},N,,`;
}

const created: string[] = [];
beforeAll(async () => {
  const { signAdminToken } = await import('#infra/local/admin-keys');
  token = await signAdminToken({ group: 'marketing', subject: 'import-test' });
});
afterAll(() => retire(created));

describe('imports', () => {
  it('dry-runs a members file without writing, then imports it through a kill and a rerun to the same end', async () => {
    const rows = 1_600;
    const lines = [header, ...Array.from({ length: rows }, (_, i) => memberLine(i))];
    // Two duplicates of earlier rows, in later chunks (another case of the same e-mail, the same external id).
    lines.push(`X-${stamp}-dup,Someone,IMP-${stamp}-1@example.com,,,,,,,,,`);
    lines.push(`X-${stamp}-7,Someone Else,other-${stamp}@example.com,,,,,,,,,`);
    const file = join(dir, 'members.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const invalid = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 11 === 5).length;
    const noEvidence = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 7 === 3 && i % 11 !== 5).length;

    const dry = await runImport(['--file', file, '--dry-run']);
    expect(dry.code, dry.output).toBe(0);
    const dryReport = (await call('GET', `/admin/imports/${idIn(dry.output)}`)).body;
    expect(dryReport).toMatchObject({
      dryRun: true,
      rows: rows + 2,
      invalid,
      duplicates: 2,
      created: rows - invalid,
      matched: 0,
      withoutConsentEvidence: noEvidence,
    });
    expect(dryReport['errors']).toEqual(
      expect.arrayContaining([
        { row: 7, column: 'email', reason: 'Not an e-mail address' },
        { row: rows + 2, column: 'email', reason: 'Duplicate: the same email as row 3' },
        { row: rows + 3, column: 'externalId', reason: 'Duplicate: the same externalId as row 9' },
      ]),
    );
    // Nothing but the report: no member has the first address.
    expect(await memberIdOf({ email: `imp-${stamp}-0@example.com` })).toBeUndefined();

    // The real run, killed after two of its four chunks; then the same file again.
    let realId: string | undefined;
    const sha = async () => {
      if (realId) return realId;
      const { fingerprint } = await import('#infra/import/read-file');
      realId = `imp-members-${(await fingerprint(file)).sha256.slice(0, 32)}`;
      return realId;
    };
    const killed = await runImport(['--file', file], { id: sha, chunks: 2 });
    expect(killed.code).not.toBe(0);
    const partial = (await call('GET', `/admin/imports/${await sha()}`)).body;
    expect(partial['chunksDone'].length).toBeGreaterThanOrEqual(2);
    expect(partial['chunksDone'].length).toBeLessThan(4);
    const resumed = await runImport(['--file', file]);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain('resuming');
    const report = (await call('GET', `/admin/imports/${await sha()}`)).body;
    expect(report).toMatchObject({
      dryRun: false,
      rows: rows + 2,
      invalid,
      duplicates: 2,
      created: rows - invalid,
      matched: 0,
      chunksDone: [2, 502, 1002, 1502],
    });
    // Once more: nothing changes (every chunk answered from its report).
    const again = await runImport(['--file', file]);
    expect(again.code).toBe(0);
    expect((await call('GET', `/admin/imports/${await sha()}`)).body).toMatchObject({ created: rows - invalid });

    // Each person once, with the consent the file proved and none it did not.
    const first = await memberIdOf({ email: `imp-${stamp}-0@example.com` });
    const unproven = await memberIdOf({ email: `imp-${stamp}-3@example.com` });
    expect(first).toBeDefined();
    created.push(first ?? '', unproven ?? '');
    const proven = await profile(first ?? '');
    expect(proven).toMatchObject({
      status: 'active',
      source: 'import',
      name: '고객 0',
      birthday: '1985-04-01',
      consents: {
        email: {
          value: true,
          source: 'import:shop-signup',
          at: '2024-02-29T15:00:00.000Z',
          confirmedAt: expect.any(String),
        },
        sms: { value: false },
      },
    });
    expect((await profile(unproven ?? '')).consents.email).toMatchObject({
      value: false,
      source: 'import-without-evidence',
    });
    const found = await call('GET', `/admin/members?email=imp-${stamp}-1@example.com`);
    expect(found.body['items']).toHaveLength(1);
  }, 180_000);

  it('reads a CP949 file, and refuses a file without a required column before sending anything', async () => {
    const korean = join(dir, 'members-cp949.csv');
    writeFileSync(
      korean,
      iconv.encode(`name,phone,smsConsent\n홍길동,010-${stamp.length}000-${String(Date.now()).slice(-4)},N\n`, 'cp949'),
    );
    const dry = await runImport(['--file', korean, '--dry-run']);
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain('(members, cp949)');
    expect((await call('GET', `/admin/imports/${idIn(dry.output)}`)).body).toMatchObject({ valid: 1, invalid: 0 });

    const headless = join(dir, 'no-name.csv');
    writeFileSync(headless, 'email\nsomeone@example.com\n');
    const refused = await runImport(['--file', headless]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('has no column name');
  }, 60_000);

  it('gives members the tiers a purchase history sent as events would have given them', async () => {
    // Two members of the same kind: one gets the history by import, the other as Purchase Completed events.
    const people = ['a', 'b'].map((side) => `${side}-${stamp}`);
    const file = join(dir, 'people.ndjson');
    writeFileSync(
      file,
      people.map((who) => JSON.stringify({ externalId: who, name: who, email: `${who}@example.com` })).join('\n'),
    );
    expect((await runImport(['--file', file])).code).toBe(0);
    const [imported, live] = await Promise.all(people.map((who) => memberIdOf({ email: `${who}@example.com` })));
    created.push(imported ?? '', live ?? '');
    // The 10th of a month back, or yesterday for this month (a day that has begun in every zone).
    const month = (back: number) => {
      const date = new Date(Date.now() - 86_400_000);
      if (back > 0) {
        date.setUTCDate(10);
        date.setUTCMonth(date.getUTCMonth() - back);
      }
      return date.toISOString().slice(0, 10);
    };
    const history = [
      { orderId: 'h1', channel: 'store', occurredAt: month(14), amount: 900_000 },
      { orderId: 'h2', channel: 'web-shop', occurredAt: month(5), amount: 250_000 },
      { orderId: 'h3', channel: 'store', occurredAt: month(2), amount: 420_000 },
      { orderId: 'h4', channel: 'call-centre', occurredAt: month(0), amount: 90_000 },
    ];
    const csv = join(dir, 'history.csv');
    writeFileSync(
      csv,
      [
        'orderId,channel,occurredAt,amount,externalId',
        ...history.map(
          (order) => `${people[0]}-${order.orderId},${order.channel},${order.occurredAt},${order.amount},${people[0]}`,
        ),
        // The same order twice in the file counts once.
        `${people[0]}-h1,store,${month(14)},900000,${people[0]}`,
      ].join('\n'),
    );
    const run = await runImport(['--file', csv]);
    expect(run.code, run.output).toBe(0);
    expect((await call('GET', `/admin/imports/${idIn(run.output)}`)).body).toMatchObject({
      applied: 4,
      duplicates: 1,
      invalid: 0,
    });
    await putEvents(
      history.map((order) => ({
        detailType: 'Purchase Completed',
        detail: {
          orderId: `${people[1]}-${order.orderId}`,
          channel: order.channel,
          occurredAt: new Date(`${order.occurredAt}T03:00:00Z`).toISOString(),
          amount: { value: order.amount, currency: 'KRW' },
          member: { memberId: live },
        },
      })),
    );
    await drained('purchases');
    const [byImport, byEvents] = await Promise.all([profile(imported ?? ''), profile(live ?? '')]);
    // 760,000 in the last 12 months: above the entry tier, so equal tiers say something.
    expect(byImport['tierState']?.tier).not.toBe('D');
    expect(byImport['tierState']?.tier).toBe(byEvents['tierState']?.tier);
    expect(byImport['spendByMonth']).toEqual(byEvents['spendByMonth']);
    expect(byImport['purchaseCount']).toBe(byEvents['purchaseCount']);
    // Imported again: every order is there already.
    const rerun = await runImport(['--file', csv]);
    expect(rerun.code).toBe(0);
    expect((await profile(imported ?? ''))['purchaseCount']).toBe(byEvents['purchaseCount']);
  }, 120_000);

  it('finishes a chunk cut short between its claims and its writes when it runs again, nothing twice', async () => {
    const { DynamoImportStore } = await import('#adapters/import-store');
    const { importChunk } = await import('#app/import-customers');
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const { dynamo } = await import('./helpers.ts');
    const db = DynamoDBDocumentClient.from(dynamo());
    class CrashingStore extends DynamoImportStore {
      crashes = 1;
      override async writeMembers(members: Parameters<InstanceType<typeof DynamoImportStore>['writeMembers']>[0]) {
        if (this.crashes-- > 0) throw new Error('the container died');
        return super.writeMembers(members);
      }
    }
    const imports = new CrashingStore(db, 'dangol');
    const deps = {
      imports,
      ingest: undefined as never,
      clock: () => new Date(),
      programme: { timeZone: 'Asia/Seoul', currency: 'KRW' },
    };
    const request = {
      id: `crash-${stamp}`,
      kind: 'members',
      firstRow: 2,
      rows: [0, 1, 2].map((i) => ({ name: `Crash ${i}`, email: `crash-${stamp}-${i}@example.com` })),
    };
    await expect(importChunk(request, 'test', deps)).rejects.toThrow('the container died');
    // The claims stand, the members do not yet: the chunk is not done.
    const owner = await memberIdOf({ email: `crash-${stamp}-0@example.com` });
    expect(owner).toBeDefined();
    expect((await profile(owner ?? ''))['memberId']).toBeUndefined();
    const report = await importChunk(request, 'test', deps);
    expect(report).toMatchObject({ created: 3, matched: 0, duplicates: 0, invalid: 0 });
    expect(await memberIdOf({ email: `crash-${stamp}-0@example.com` })).toBe(owner);
    expect(await profile(owner ?? '')).toMatchObject({ memberId: owner, name: 'Crash 0', source: 'import' });
    created.push(owner ?? '');
    // The same chunk a third time: its stored report, nothing written.
    expect(await importChunk(request, 'test', deps)).toEqual(report);
  }, 60_000);

  it('refuses a row whose contacts belong to two members, and reports 10,000 bad rows in full counts', async () => {
    const { enroll, newPerson } = await import('./helpers.ts');
    const one = newPerson();
    const other = newPerson();
    const [a, b] = [await enroll(one), await enroll(other)];
    created.push(a.memberId, b.memberId);
    const both = join(dir, 'two-members.csv');
    writeFileSync(both, `name,email,phone\nBoth,${one.email},${other.phone}\n`);
    const run = await runImport(['--file', both]);
    expect(run.code, run.output).toBe(0);
    const report = (await call('GET', `/admin/imports/${idIn(run.output)}`)).body;
    expect(report).toMatchObject({ invalid: 1, created: 0, matched: 0 });
    expect(report['errors']).toEqual([
      {
        row: 2,
        column: 'phone',
        reason: 'These contacts belong to two different members: merge them first (or fix the row)',
      },
    ]);
    // Nothing half-written: each contact still its own member's.
    expect(await memberIdOf({ email: one.email })).toBe(a.memberId);
    expect(await memberIdOf({ phone: other.phone })).toBe(b.memberId);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, ['name,email', ...Array.from({ length: 10_000 }, (_, i) => `,bad-${i}`)].join('\n'));
    const dry = await runImport(['--file', bad, '--dry-run']);
    expect(dry.code, dry.output).toBe(0);
    const badReport = (await call('GET', `/admin/imports/${idIn(dry.output)}`)).body;
    expect(badReport).toMatchObject({ rows: 10_000, invalid: 10_000, valid: 0 });
    expect(badReport['errors']).toHaveLength(1000);
    expect(badReport['moreErrors']).toBe(19_000);
  }, 120_000);
});
