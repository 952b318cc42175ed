// Batches that DynamoDB keeps leaving unprocessed (throttling) are retried a bounded number of times with jittered
// waits, then given back to the caller's queue — never an endless loop inside a Lambda.
import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWrite } from '#adapters/send-items';

/** A client whose every answer leaves the whole batch unprocessed; it counts the calls. */
function throttledClient() {
  let calls = 0;
  const db = {
    send: async (command: { input: { RequestItems: Record<string, unknown> } }) => {
      calls += 1;
      const requests = command.input.RequestItems['t'] as { Keys?: unknown[] } | unknown[];
      return Array.isArray(requests) ? { UnprocessedItems: { t: requests } } : { UnprocessedKeys: { t: requests } };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, calls: () => calls };
}

describe('unprocessed batches', () => {
  it('stops writing after 8 tries and throws, so the queue retries the work later', async () => {
    const { db, calls } = throttledClient();
    await expect(batchWrite(db, 't', [{ PutRequest: { Item: { PK: 'A', SK: 'B' } } }])).rejects.toThrow(/unprocessed/);
    expect(calls()).toBe(8);
  });

  it('stops reading after 8 tries and throws', async () => {
    const { db, calls } = throttledClient();
    await expect(batchGetAll(db, 't', [{ PK: 'A', SK: 'B' }])).rejects.toThrow(/unprocessed/);
    expect(calls()).toBe(8);
  });
});
