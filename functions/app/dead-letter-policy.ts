// Where a queued event ends when it cannot be applied: one that can never apply goes to the dead-letter queue at
// once with its reason; one that fails unexpectedly is retried, and on its last receive goes there with the error as
// its reason instead of being redriven without one.
import { RejectedEvent } from './ingest-purchase.ts';

export interface DeadLetterSink {
  reject(body: string, reason: string, sourceMessageId: string): Promise<void>;
}

export interface QueuedRecord {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}

export type RecordOutcome = { applied: string } | { deadLettered: string };

export async function applyOrDeadLetter(
  record: QueuedRecord,
  apply: () => Promise<string>,
  sink: DeadLetterSink,
  maxReceiveCount: number,
): Promise<RecordOutcome> {
  try {
    return { applied: await apply() };
  } catch (error) {
    if (error instanceof RejectedEvent) {
      await sink.reject(record.body, error.reason, record.messageId);
      return { deadLettered: error.reason };
    }
    if (record.receiveCount < maxReceiveCount) throw error;
    const reason = `failed on all ${maxReceiveCount} attempts: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    await sink.reject(record.body, reason, record.messageId);
    return { deadLettered: reason };
  }
}
