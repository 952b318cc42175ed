// Use case: importing the customers a company already has, and their purchase history, one chunk of a file at a
// time (`POST /admin/imports`). Every chunk can run twice: a chunk done is answered from its stored report; a chunk
// cut short by a crash finds what it wrote (owner records carry the import and row) and finishes it. Members are
// matched on external id, e-mail and phone and never merged silently; purchases take the purchase events' own
// exactly-once path, so tiers and RFM come out as if the history had been live.
import { randomUUID } from 'node:crypto';
import {
  type ImportedMember,
  type ImportedPurchase,
  NO_EVIDENCE_SOURCE,
  type Parsed,
  parseMemberRow,
  parsePurchaseRow,
} from '#domain/import-rows';
import {
  type ChunkReport,
  type ImportChunkRequest,
  type ImportKind,
  type ImportReport,
  importChunkRequest,
} from '#schema/imports';
import type { ConsentRecord, Member } from '#schema/member';
import { Conflict, NotFound } from './errors.ts';
import { type IngestDeps, RejectedEvent, recordPurchase } from './ingest-purchase.ts';
import type { IdentityIndex } from './identity-candidates.ts';
import type { AuditEntry, Clock } from './ports.ts';
import { fieldErrors, ValidationError } from './validation.ts';

/** Who holds an identity key (`email:…`, `phone:…`, `external:…`), and which import row made it, if one did. */
export interface KeyOwner {
  readonly memberId: string;
  readonly importRef?: string;
}

/** A member an import creates: the profile, its consent history, and the keys it claims. */
export interface NewMember {
  readonly member: Member;
  readonly history: readonly ConsentRecord[];
  readonly externalId?: string;
  readonly importRef: string;
}

export interface ImportMeta {
  readonly id: string;
  readonly kind: ImportKind;
  readonly dryRun: boolean;
  readonly fileName?: string;
  readonly totalRows?: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly by: string;
}

export interface ImportStore {
  meta(id: string): Promise<ImportMeta | null>;
  /** The stored report of a chunk done, else null. */
  chunk(id: string, firstRow: number): Promise<ChunkReport | null>;
  /** Every chunk's report of an import, in row order. */
  chunks(id: string): Promise<ChunkReport[]>;
  /** The chunk's report and the import's settings (kept from its first chunk; `updatedAt` moved on). */
  saveChunk(meta: ImportMeta, report: ChunkReport): Promise<void>;
  /** A dry run: the row each key was first seen at in earlier chunks; the keys of this chunk are remembered. */
  seenBefore(id: string, keys: ReadonlyMap<string, number>): Promise<Map<string, number>>;
  /** The owners of identity keys. */
  owners(keys: readonly string[]): Promise<Map<string, KeyOwner>>;
  /**
   * Claims the identity keys of new members (conditional: a key someone holds stays theirs); the import refs whose
   * claim failed. The members themselves are written by `writeMembers` after it.
   */
  claim(members: readonly NewMember[]): Promise<Set<string>>;
  /** Profiles, consent histories and date items (idempotent puts). */
  writeMembers(members: readonly NewMember[]): Promise<void>;
  /** Of these members, the ones whose profile is not written (a chunk cut short between its claims and writes). */
  missingProfiles(memberIds: readonly string[]): Promise<Set<string>>;
  /** Of these orders (`channel#orderId`), the ones already recorded. */
  existingOrders(orders: readonly string[]): Promise<Set<string>>;
  audit(entry: AuditEntry): Promise<void>;
}

export interface ImportDeps {
  readonly imports: ImportStore;
  /** Notes each new member's identity evidence: near misses become candidates for review, never merges. */
  readonly identity?: Pick<IdentityIndex, 'note'>;
  readonly ingest: IngestDeps;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string; readonly currency: string };
}

/** Row errors an import keeps in its report (the counts are always complete). */
export const MAX_LISTED_ERRORS = 1000;

/** Row errors a chunk's report keeps. */
const MAX_CHUNK_ERRORS = 1000;

/** Purchases applied at once within a chunk (one member's in file order, one after another). */
const PURCHASE_CONCURRENCY = 8;

function emptyReport(firstRow: number, rows: number): ChunkReport {
  return {
    firstRow,
    rows,
    valid: 0,
    invalid: 0,
    duplicates: 0,
    matched: 0,
    created: 0,
    applied: 0,
    existing: 0,
    withoutConsentEvidence: 0,
    errors: [],
  };
}

const keysOfMember = (row: ImportedMember) =>
  [
    row.externalId !== undefined && { key: `external:${row.externalId}`, column: 'externalId' },
    row.email !== undefined && { key: `email:${row.email}`, column: 'email' },
    row.phone !== undefined && { key: `phone:${row.phone}`, column: 'phone' },
  ].filter((key): key is { key: string; column: string } => Boolean(key));

/** The member as stored, and the consent history that says where each consent came from. */
export function newMemberOf(row: ImportedMember, importRef: string, memberId: string, now: Date): NewMember {
  const at = now.toISOString();
  const email = row.consents.email;
  const member: Member = {
    memberId,
    status: 'active',
    name: row.name,
    ...(row.email && { email: row.email }),
    ...(row.phone && { phone: row.phone }),
    ...(row.emailVerified && { emailVerifiedAt: row.enrolledAt }),
    ...(row.phoneVerified && { phoneVerifiedAt: row.enrolledAt }),
    ...(row.birthday && { birthday: row.birthday }),
    ...(row.anniversary && { anniversary: row.anniversary }),
    ...(row.postalAddress && { postalAddress: row.postalAddress }),
    locale: row.locale,
    timeZone: row.timeZone,
    consents: {
      // A verified address with consent and its evidence counts as confirmed (the company's own double opt-in).
      email: { ...email, ...(email.value && row.emailVerified && { confirmedAt: email.at }) },
      sms: row.consents.sms,
      post: row.consents.post,
      nightTime: { value: false, at, source: NO_EVIDENCE_SOURCE },
    },
    enrolledAt: row.enrolledAt,
    source: 'import',
    steps: {},
  };
  const history: ConsentRecord[] = (['email', 'sms', 'post', 'nightTime'] as const).map((channel) => ({
    memberId,
    channel,
    value: member.consents[channel].value,
    at: member.consents[channel].at,
    source: member.consents[channel].source,
  }));
  return { member, history, ...(row.externalId && { externalId: row.externalId }), importRef };
}

/** `POST /admin/imports`: one chunk; the same chunk again answers its first report and writes nothing. */
export async function importChunk(body: unknown, by: string, deps: ImportDeps): Promise<ChunkReport> {
  const parsed = importChunkRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const request = parsed.data;
  const now = deps.clock();
  const known = await deps.imports.meta(request.id);
  if (known && (known.kind !== request.kind || known.dryRun !== request.dryRun))
    throw new Conflict(
      `Import ${request.id} is a ${known.dryRun ? 'dry run' : 'real run'} of ${known.kind}: use another id for this one`,
    );
  const done = await deps.imports.chunk(request.id, request.firstRow);
  if (done) return done;
  const full =
    request.kind === 'members' ? await importMembers(request, now, deps) : await importPurchases(request, now, deps);
  // A chunk keeps at most this many errors (a stored report stays far below DynamoDB's 400 KB); the rest are counted.
  const report: ChunkReport = {
    ...full,
    errors: full.errors.slice(0, MAX_CHUNK_ERRORS),
    ...(full.errors.length > MAX_CHUNK_ERRORS && { errorsLeftOut: full.errors.length - MAX_CHUNK_ERRORS }),
  };
  const at = now.toISOString();
  await deps.imports.saveChunk(
    {
      id: request.id,
      kind: request.kind,
      dryRun: request.dryRun,
      ...((request.fileName ?? known?.fileName) && { fileName: request.fileName ?? known?.fileName }),
      ...((request.totalRows ?? known?.totalRows) !== undefined && {
        totalRows: request.totalRows ?? known?.totalRows,
      }),
      startedAt: known?.startedAt ?? at,
      updatedAt: at,
      by,
    },
    report,
  );
  if (!known && !request.dryRun)
    await deps.imports.audit({
      who: by,
      action: `imports.${request.kind}`,
      target: `import:${request.id}`,
      beforeVersion: null,
      afterVersion: null,
      at,
    });
  return report;
}

/** Rows that parsed, the rest counted invalid with their errors. */
function parseRows<T>(
  request: ImportChunkRequest,
  report: ChunkReport,
  parse: (row: ImportChunkRequest['rows'][number], rowNumber: number) => Parsed<T>,
): T[] {
  const valid: T[] = [];
  request.rows.forEach((row, index) => {
    const result = parse(row, request.firstRow + index);
    if (result.ok) valid.push(result.value);
    else {
      report.invalid++;
      report.errors.push(...result.errors);
    }
  });
  return valid;
}

function duplicate(report: ChunkReport, row: number, column: string, earlier: number): void {
  report.duplicates++;
  report.errors.push({ row, column, reason: `Duplicate: the same ${column} as row ${earlier}` });
}

/** Rows whose key an earlier row of the file had: the first of each key, the rest counted as duplicates. */
async function firstOfEach<T extends { row: number }>(
  request: ImportChunkRequest,
  rows: readonly T[],
  keysOf: (row: T) => { key: string; column: string }[],
  report: ChunkReport,
  deps: ImportDeps,
): Promise<T[]> {
  const firstRowOf = new Map<string, number>();
  const kept: T[] = [];
  for (const row of rows) {
    const earlier = keysOf(row).find((key) => firstRowOf.has(key.key));
    if (earlier) {
      duplicate(report, row.row, earlier.column, firstRowOf.get(earlier.key) ?? 0);
      continue;
    }
    for (const key of keysOf(row)) firstRowOf.set(key.key, row.row);
    kept.push(row);
  }
  // A real run finds earlier chunks' rows by what they wrote; a dry run writes nothing but its memory of keys.
  if (!request.dryRun) return kept;
  const seen = await deps.imports.seenBefore(request.id, firstRowOf);
  return kept.filter((row) => {
    const earlier = keysOf(row).find((key) => (seen.get(key.key) ?? row.row) < row.row);
    if (earlier) duplicate(report, row.row, earlier.column, seen.get(earlier.key) ?? 0);
    return !earlier;
  });
}

async function importMembers(request: ImportChunkRequest, now: Date, deps: ImportDeps): Promise<ChunkReport> {
  const report = emptyReport(request.firstRow, request.rows.length);
  const parsed = parseRows<ImportedMember>(request, report, (row, number) =>
    parseMemberRow(row, number, now, deps.programme.timeZone),
  );
  const rows = await firstOfEach(request, parsed, keysOfMember, report, deps);
  const ownRef = (row: ImportedMember) => `${request.id}#${row.row}`;
  const resumed: { row: ImportedMember; owner: KeyOwner }[] = [];
  /** Sorts rows by who holds their keys: nobody (returned), this very row (resumed), someone else. */
  const classify = async (batch: readonly ImportedMember[]) => {
    const owners = await deps.imports.owners(batch.flatMap((row) => keysOfMember(row).map((key) => key.key)));
    const unheld: ImportedMember[] = [];
    for (const row of batch) {
      const held = keysOfMember(row).flatMap((key) => {
        const owner = owners.get(key.key);
        return owner ? [{ ...key, owner }] : [];
      });
      const [first] = held;
      if (new Set(held.map((key) => key.owner.memberId)).size > 1) {
        report.invalid++;
        report.errors.push({
          row: row.row,
          column: held[1]?.column ?? 'email',
          reason: 'These contacts belong to two different members: merge them first (or fix the row)',
        });
      } else if (!first) unheld.push(row);
      else if (first.owner.importRef === ownRef(row)) resumed.push({ row, owner: first.owner });
      else if (first.owner.importRef?.startsWith(`${request.id}#`))
        duplicate(report, row.row, first.column, Number(first.owner.importRef.slice(request.id.length + 1)));
      else report.matched++;
    }
    return unheld;
  };
  let createdRows: ImportedMember[];
  if (request.dryRun) createdRows = await classify(rows);
  else {
    // Claim first, look later: a new person's keys are free, so the usual import reads nothing before its writes. A
    // key held already — by someone else (matched), by this very row in an earlier or concurrent run of the chunk
    // (resumed) — fails its claim, and one look at the lost rows settles them; nobody gives a key back meanwhile.
    const created = rows.map((row) => newMemberOf(row, ownRef(row), randomUUID(), now));
    const lost = await deps.imports.claim(created);
    const again = await classify(rows.filter((row) => lost.has(ownRef(row))));
    if (again.length > 0) throw new Error('an import claim failed on a key nobody holds: giving the chunk back');
    const claimed = created.filter((member) => !lost.has(member.importRef));
    // Made by this row before (a crash, a concurrent run): counted again, its profile written when missing.
    const madeBefore = resumed.map(({ row, owner }) => newMemberOf(row, ownRef(row), owner.memberId, now));
    const missing = await deps.imports.missingProfiles(madeBefore.map(({ member }) => member.memberId));
    await deps.imports.writeMembers([...claimed, ...madeBefore.filter(({ member }) => missing.has(member.memberId))]);
    // Again for rows resumed: noting is idempotent, and a crash may have come between the writes and the note.
    await deps.identity?.note(
      [...claimed, ...madeBefore].map(({ member }) => member),
      now.toISOString(),
    );
    createdRows = [...rows.filter((row) => !lost.has(ownRef(row))), ...resumed.map(({ row }) => row)];
  }
  report.created = createdRows.length;
  report.withoutConsentEvidence = createdRows.filter((row) => row.consentWithoutEvidence).length;
  report.valid = report.created + report.matched;
  return report;
}

async function importPurchases(request: ImportChunkRequest, now: Date, deps: ImportDeps): Promise<ChunkReport> {
  const report = emptyReport(request.firstRow, request.rows.length);
  const parsed = parseRows<ImportedPurchase>(request, report, (row, number) =>
    parsePurchaseRow(row, number, now, deps.programme.currency),
  );
  const orderKey = (row: ImportedPurchase) => `${row.channel}#${row.orderId}`;
  const rows = await firstOfEach(
    request,
    parsed,
    (row) => [{ key: `order:${orderKey(row)}`, column: 'orderId' }],
    report,
    deps,
  );
  // The member by external id (the company's own), else the purchase event's own way: by contact.
  const owners = await deps.imports.owners(
    rows.flatMap((row) => (row.externalId ? [`external:${row.externalId}`] : [])),
  );
  const resolved: { row: ImportedPurchase; detail: Record<string, unknown> }[] = [];
  for (const row of rows) {
    const owner = row.externalId ? owners.get(`external:${row.externalId}`) : undefined;
    if (row.externalId && !owner && !row.email && !row.phone) {
      report.invalid++;
      report.errors.push({ row: row.row, column: 'externalId', reason: 'No member has this external id' });
      continue;
    }
    resolved.push({
      row,
      detail: {
        orderId: row.orderId,
        channel: row.channel,
        occurredAt: row.occurredAt,
        amount: { value: row.amount, currency: row.currency },
        ...(owner
          ? { member: { memberId: owner.memberId } }
          : { customer: { ...(row.email && { email: row.email }), ...(row.phone && { phone: row.phone }) } }),
      },
    });
  }
  if (request.dryRun) {
    const existing = await deps.imports.existingOrders(resolved.map(({ row }) => orderKey(row)));
    report.existing = resolved.filter(({ row }) => existing.has(orderKey(row))).length;
    report.applied = resolved.length - report.existing;
    report.valid = resolved.length;
    return report;
  }
  // One member's purchases one after another, in file order (each reads the account the one before wrote).
  const byMember = new Map<string, typeof resolved>();
  for (const item of resolved) {
    const member = (item.detail['member'] as { memberId?: string } | undefined)?.memberId;
    const key = member ?? `${item.row.email ?? ''}|${item.row.phone ?? ''}`;
    byMember.set(key, [...(byMember.get(key) ?? []), item]);
  }
  const queues = [...byMember.values()];
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const { row, detail } of queue) {
        try {
          const outcome = await recordPurchase(detail, deps.ingest);
          if (outcome === 'applied') report.applied++;
          else report.existing++;
        } catch (error) {
          if (!(error instanceof RejectedEvent)) throw error;
          report.invalid++;
          report.errors.push({ row: row.row, column: 'externalId', reason: error.reason });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: PURCHASE_CONCURRENCY }, worker));
  report.valid = report.applied + report.existing;
  report.errors.sort((a, b) => a.row - b.row);
  return report;
}

/** `GET /admin/imports/{id}`: counts so far, the chunks done, the first row errors. */
export async function importReport(id: string, deps: Pick<ImportDeps, 'imports'>): Promise<ImportReport> {
  const meta = id.length <= 80 ? await deps.imports.meta(id) : null;
  if (!meta) throw new NotFound('No such import');
  const chunks = await deps.imports.chunks(id);
  const sum = (field: keyof Omit<ChunkReport, 'errors' | 'firstRow' | 'errorsLeftOut'>) =>
    chunks.reduce((total, chunk) => total + chunk[field], 0);
  const errors = chunks.flatMap((chunk) => chunk.errors);
  const leftOut = chunks.reduce((total, chunk) => total + (chunk.errorsLeftOut ?? 0), 0);
  return {
    id,
    kind: meta.kind,
    dryRun: meta.dryRun,
    ...(meta.fileName && { fileName: meta.fileName }),
    ...(meta.totalRows !== undefined && { totalRows: meta.totalRows }),
    startedAt: meta.startedAt,
    updatedAt: meta.updatedAt,
    rows: sum('rows'),
    valid: sum('valid'),
    invalid: sum('invalid'),
    duplicates: sum('duplicates'),
    matched: sum('matched'),
    created: sum('created'),
    applied: sum('applied'),
    existing: sum('existing'),
    withoutConsentEvidence: sum('withoutConsentEvidence'),
    chunksDone: chunks.map((chunk) => chunk.firstRow),
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    moreErrors: Math.max(0, errors.length - MAX_LISTED_ERRORS) + leftOut,
  };
}
