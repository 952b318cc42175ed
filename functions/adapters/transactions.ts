// A TransactWriteItems whose conditions may fail: true when written, false when a condition cancelled it.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

const MAX_CONFLICT_RETRIES = 4;

/**
 * The wait before attempt `attempt + 1` after a conflict or a throttle: up to 20 ms doubling (capped at 1.3 s), with
 * full jitter so that racers part instead of colliding again.
 */
export const conflictBackoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 6) + 5));

/**
 * False only when a condition decided against the write. A cancellation for a conflict with a concurrent
 * transaction on the same item (e.g. two events counted on one campaign) says nothing about the conditions: it is
 * retried with backoff, and thrown after a few attempts so that the caller's queue retries it.
 */
export async function transactUnlessCancelled(
  db: DynamoDBDocumentClient,
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const conflictOnly =
        reasons.some((reason) => reason.Code === 'TransactionConflict') &&
        !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
      if (!conflictOnly) return false;
      if (attempt >= MAX_CONFLICT_RETRIES) throw error;
      await conflictBackoff(attempt);
    }
  }
}
