// Where a page of a query stopped, as an opaque string for API clients and queue messages: no table key leaves the
// adapters in the clear, and a cursor that was not made here is refused.
import { InvalidCursor } from '#app/errors';

export const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const isKey = typeof key === 'object' && key !== null && !Array.isArray(key);
    if (isKey && Object.values(key).every((v) => typeof v === 'string')) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new InvalidCursor('Invalid cursor');
}
