// Imports of existing customers and their purchase history (`POST /admin/imports`, `npm run import`): the columns a
// file may have, one chunk of rows as the API takes it, and the report it answers.
import * as z from 'zod/mini';
import './zod-locale.ts';

// The columns are the domain's (it checks rows against them); named here for the API and the CLI.
export { MEMBER_COLUMNS, PURCHASE_COLUMNS } from '#domain/import-rows';

export const IMPORT_KINDS = ['members', 'purchases'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Rows per chunk: one call's work, well inside a Lambda's 30 seconds and API Gateway's 10 MB. */
export const MAX_CHUNK_ROWS = 500;

const cell = z.union([z.string().check(z.maxLength(2000)), z.number(), z.boolean(), z.null()]);

/** `POST /admin/imports`: one chunk of a file's rows. */
export const importChunkRequest = z.strictObject({
  /** The import's id: the same for every chunk of one file (the CLI derives it from the file's content). */
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,80}$/, 'Use 8 to 80 letters, digits, - or _')),
  kind: z.enum(IMPORT_KINDS),
  /** Check and report only: nothing but the report is written. */
  dryRun: z._default(z.boolean(), false),
  /** The file's row number of the first row (a CSV's header is row 1, so its first data row is row 2). */
  firstRow: z.int().check(z.minimum(1), z.maximum(1_000_000_000)),
  rows: z.array(z.record(z.string().check(z.maxLength(64)), cell)).check(z.minLength(1), z.maxLength(MAX_CHUNK_ROWS)),
  /** The file's row count, when the sender knows it (progress). */
  totalRows: z.optional(z.int().check(z.minimum(0))),
  /** File name, for people reading the report. */
  fileName: z.optional(z.string().check(z.maxLength(200))),
});
export type ImportChunkRequest = z.infer<typeof importChunkRequest>;

export const rowError = z.strictObject({
  row: z.int(),
  column: z.string(),
  reason: z.string(),
});
export type RowError = z.infer<typeof rowError>;

const counts = {
  rows: z.int(),
  valid: z.int(),
  invalid: z.int(),
  /** The same person (or order) earlier in the file. */
  duplicates: z.int(),
  /** Members: rows that are an existing member (by external id, e-mail or phone), left as they are. */
  matched: z.int(),
  /** Members created (a dry run: would be). */
  created: z.int(),
  /** Purchases applied (a dry run: would be). */
  applied: z.int(),
  /** Purchases already recorded (the same order id from the same channel). */
  existing: z.int(),
  /** Members imported without advertising consent because a consent lacked its source or time. */
  withoutConsentEvidence: z.int(),
};

export const chunkReport = z.strictObject({
  firstRow: z.int(),
  ...counts,
  errors: z.array(rowError),
  /** Errors beyond the 1,000 a chunk keeps (counted, not listed). */
  errorsLeftOut: z.optional(z.int()),
});
export type ChunkReport = z.infer<typeof chunkReport>;

/** `GET /admin/imports/{id}`: the counts so far, the chunks done and the first row errors. */
export const importReport = z.strictObject({
  id: z.string(),
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.boolean(),
  fileName: z.optional(z.string()),
  totalRows: z.optional(z.int()),
  startedAt: z.string(),
  updatedAt: z.string(),
  ...counts,
  /** The first row of every chunk done: a resumed import skips these. */
  chunksDone: z.array(z.int()),
  errors: z.array(rowError),
  /** More row errors than listed. */
  moreErrors: z.int(),
});
export type ImportReport = z.infer<typeof importReport>;
