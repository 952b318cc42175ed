// Reads an import file as a stream of rows, never the whole file at once: CSV with a header row (UTF-8 with or
// without BOM, or CP949/EUC-KR as Korean spreadsheets export it) or NDJSON with the same field names. The encoding is
// detected from the first 64 KB unless given.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'cp949';
export type Row = Record<string, string | number | boolean | null>;

/** UTF-8 when the start is valid UTF-8 (a BOM, or any bytes that decode), else CP949 (EUC-KR's superset). */
export async function detectEncoding(file: string): Promise<Encoding> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let sample = buffer.subarray(0, bytesRead);
    if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
    // A multi-byte character cut at the sample's end is not an error: drop up to 3 trailing bytes of one.
    for (let cut = 0; cut < 3 && sample.length > 0 && (sample[sample.length - 1] ?? 0) >= 0x80; cut++)
      sample = sample.subarray(0, sample.length - 1);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample);
      return 'utf-8';
    } catch {
      return 'cp949';
    }
  } finally {
    await handle.close();
  }
}

export const isNdjson = (file: string) => /\.(nd)?jsonl?$/i.test(file) || /\.ndjson$/i.test(file);

/** The content's hash and its line count, in one streamed pass (the import's id; the progress bar's total). */
export async function fingerprint(file: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let index = chunk.indexOf(0x0a); index !== -1; index = chunk.indexOf(0x0a, index + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
  }
  if (last !== 0x0a) lines++;
  return { sha256: hash.digest('base64url'), lines };
}

function textStream(file: string, encoding: Encoding): Readable {
  const bytes = createReadStream(file);
  return encoding === 'utf-8'
    ? bytes.setEncoding('utf8')
    : (bytes.pipe(iconv.decodeStream('cp949')) as unknown as Readable);
}

export class FileProblem extends Error {}

/**
 * The rows with their row numbers (a CSV's header is row 1; an NDJSON file's first line is row 1). `onHeader` sees
 * the columns before any row (to refuse a file without a required column before anything is sent).
 */
export async function* readRows(
  file: string,
  encoding: Encoding,
  onHeader: (columns: readonly string[]) => void,
): AsyncGenerator<{ row: number; values: Row }> {
  if (isNdjson(file)) {
    const lines = createInterface({ input: textStream(file, encoding), crlfDelay: Number.POSITIVE_INFINITY });
    let row = 0;
    let headed = false;
    for await (const line of lines) {
      row++;
      if (line.trim() === '') continue;
      let values: unknown;
      try {
        values = JSON.parse(line);
      } catch {
        throw new FileProblem(`line ${row} is not JSON`);
      }
      if (typeof values !== 'object' || values === null || Array.isArray(values))
        throw new FileProblem(`line ${row} is not a JSON object`);
      if (!headed) {
        onHeader(Object.keys(values));
        headed = true;
      }
      yield { row, values: values as Row };
    }
    return;
  }
  const parser = textStream(file, encoding).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const columns = header.map((column) => column.trim());
        onHeader(columns);
        return columns;
      },
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }),
  );
  let row = 1;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      row++;
      yield { row, values: record };
    }
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    throw new FileProblem(`the CSV cannot be read after row ${row}: ${(error as Error).message}`);
  }
}
