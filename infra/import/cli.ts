// `npm run import -- --file F.csv [--dry-run] [--kind members|purchases] [--encoding utf-8|cp949]`
//   [--url https://…] [--token …] [--report out.json]
// Streams the file to `POST /admin/imports` in chunks of 500 rows, two in flight, with a progress bar and an ETA.
// The import's id is the file's content hash: running the same file again (after a crash, a kill, a network error)
// skips the chunks done and ends in the same state. Against the local stack it signs its own marketing token.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { MAX_CHUNK_ROWS, MEMBER_COLUMNS, PURCHASE_COLUMNS, type ChunkReport, type ImportKind } from '#schema/imports';
import { detectEncoding, type Encoding, FileProblem, fingerprint, readRows, type Row } from './read-file.ts';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    kind: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    encoding: { type: 'string' },
    url: {
      type: 'string',
      default: process.env['DANGOL_API_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? 3000}`,
    },
    token: { type: 'string', default: process.env['DANGOL_ADMIN_TOKEN'] },
    report: { type: 'string' },
    'in-flight': { type: 'string', default: '2' },
  },
});

function fail(message: string): never {
  console.error(`import: ${message}`);
  process.exit(1);
}

const file = values.file ?? fail('give the file: npm run import -- --file customers.csv [--dry-run]');
const dryRun = values['dry-run'] ?? false;
const api = (values.url ?? '').replace(/\/$/, '');
const inFlight = Math.max(1, Math.min(8, Number(values['in-flight']) || 2));
const encodingArg = values.encoding
  ?.toLowerCase()
  .replace(/^euc-?kr$/, 'cp949')
  .replace(/^utf8$/, 'utf-8');
if (encodingArg && encodingArg !== 'utf-8' && encodingArg !== 'cp949')
  fail(`--encoding ${values.encoding}: use utf-8, cp949 or euc-kr`);

async function token(): Promise<string> {
  if (values.token) return values.token;
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(api))
    fail('give an admin token (--token or DANGOL_ADMIN_TOKEN) of the marketing group');
  const { signAdminToken } = await import('../local/admin-keys.ts');
  const dir = process.env['DATA_DIR'] ? `${process.env['DATA_DIR']}/local-admin` : undefined;
  return signAdminToken({ group: 'marketing', subject: 'import-cli', expiresIn: '12h', ...(dir && { dir }) });
}

async function call(path: string, init: RequestInit, bearer: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${api}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      });
      // Throttled or a passing server error: the same chunk again is safe (it runs twice without harm).
      if ((response.status === 429 || response.status >= 500) && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
        continue;
      }
      return response;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

const encoding: Encoding =
  (encodingArg as Encoding | undefined) ?? (await detectEncoding(file).catch(() => fail(`cannot read ${file}`)));
const { sha256, lines } = await fingerprint(file);
const bearer = await token();

let kind = values.kind as ImportKind | undefined;
if (kind && kind !== 'members' && kind !== 'purchases') fail('--kind must be members or purchases');
let columns: string[] = [];
/** Columns the file has that the import does not know: left out, said once. */
let ignored: string[] = [];
function checkHeader(header: readonly string[]): void {
  kind ??= header.includes('orderId') ? 'purchases' : 'members';
  const known: readonly string[] = kind === 'members' ? MEMBER_COLUMNS : PURCHASE_COLUMNS;
  ignored = header.filter((column) => !known.includes(column));
  columns = header.filter((column) => known.includes(column));
  const missing =
    kind === 'members'
      ? [
          !columns.includes('name') && 'name',
          !columns.includes('email') && !columns.includes('phone') && 'email or phone',
        ]
      : [
          ...['orderId', 'channel', 'occurredAt', 'amount'].filter((column) => !columns.includes(column)),
          !['externalId', 'email', 'phone'].some((column) => columns.includes(column)) && 'externalId, email or phone',
        ];
  const named = missing.filter(Boolean);
  if (named.length > 0)
    throw new FileProblem(
      `the ${kind} file has no column ${named.join(', ')} (found: ${header.join(', ') || 'nothing'}; docs/import.md)`,
    );
}

const total = Math.max(0, isNdjsonFile(file) ? lines : lines - 1);
function isNdjsonFile(name: string) {
  return /\.(nd)?jsonl?$/i.test(name);
}

let id = '';
let done = new Set<number>();
const totals = { rows: 0, invalid: 0, duplicates: 0 };
const bar = new cliProgress.SingleBar(
  {
    format: `${dryRun ? 'dry run' : 'import'} {bar} {percentage}% | {value}/{total} rows | ETA {eta_formatted} | {invalid} invalid, {duplicates} duplicates`,
    etaBuffer: 50,
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
);

async function send(firstRow: number, rows: Row[]): Promise<void> {
  const response = await call(
    '/admin/imports',
    {
      method: 'POST',
      body: JSON.stringify({ id, kind, dryRun, firstRow, rows, totalRows: total, fileName: basename(file) }),
    },
    bearer,
  );
  if (!response.ok) {
    const body = await response.text();
    throw new Error(`the chunk from row ${firstRow} was refused (${response.status}): ${body}`);
  }
  const report = (await response.json()) as ChunkReport;
  totals.invalid += report.invalid;
  totals.duplicates += report.duplicates;
  bar.increment(rows.length, { invalid: totals.invalid, duplicates: totals.duplicates });
}

try {
  const pending = new Set<Promise<void>>();
  let chunk: Row[] = [];
  let firstRow = 0;
  let started = false;
  const flush = async () => {
    if (chunk.length === 0) return;
    const rows = chunk;
    const from = firstRow;
    chunk = [];
    if (done.has(from)) {
      bar.increment(rows.length);
      return;
    }
    const sending = send(from, rows).finally(() => pending.delete(sending));
    pending.add(sending);
    // Two chunks in flight; the file waits meanwhile (memory stays flat, however large the file).
    if (pending.size >= inFlight) await Promise.race(pending);
  };
  for await (const { row, values: raw } of readRows(file, encoding, checkHeader)) {
    if (!started) {
      started = true;
      id = `${dryRun ? 'dry' : 'imp'}-${kind}-${sha256.slice(0, 32)}`;
      const known = await call(`/admin/imports/${id}`, { method: 'GET' }, bearer);
      if (known.ok) done = new Set(((await known.json()) as { chunksDone: number[] }).chunksDone);
      else if (known.status !== 404) throw new Error(`cannot read the import (${known.status}): ${await known.text()}`);
      if (ignored.length > 0) console.error(`import: columns left out (unknown): ${ignored.join(', ')}`);
      if (done.size > 0) console.error(`import: resuming ${id}: ${done.size} chunks done before`);
      bar.start(total, 0, { invalid: 0, duplicates: 0 });
    }
    const values = Object.fromEntries(columns.map((column) => [column, raw[column] ?? null]));
    if (chunk.length === 0) firstRow = row;
    chunk.push(values);
    totals.rows++;
    if (chunk.length >= MAX_CHUNK_ROWS) await flush();
  }
  await flush();
  await Promise.all(pending);
  bar.stop();
  if (!started) fail(`${file} has no rows`);
} catch (error) {
  bar.stop();
  if (error instanceof FileProblem) fail(error.message);
  fail((error as Error).message);
}

const final = await call(`/admin/imports/${id}`, { method: 'GET' }, bearer);
const report = (await final.json()) as Record<string, unknown> & {
  errors: { row: number; column: string; reason: string }[];
};
const counts = [
  'rows',
  'valid',
  'invalid',
  'duplicates',
  'matched',
  'created',
  'applied',
  'existing',
  'withoutConsentEvidence',
]
  .map((field) => `${field} ${String(report[field])}`)
  .join(', ');
console.log(`${dryRun ? 'Dry run' : 'Import'} ${id} (${kind}, ${encoding}): ${counts}`);
for (const error of report.errors.slice(0, 20)) console.log(`  row ${error.row}, ${error.column}: ${error.reason}`);
if (report.errors.length > 20) console.log(`  … ${report.errors.length - 20 + Number(report['moreErrors'] ?? 0)} more`);
if (values.report) await writeFile(values.report, JSON.stringify(report, null, 2));
