// SQS consumer (rule `purchases`): applies Purchase Completed / Purchase Refunded exactly once. An event that can
// never apply goes to the dead-letter queue at once with its reason; an unexpected failure is reported for that
// record only and retried by SQS, and on its last receive goes to the DLQ with the error as its reason.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { recordPurchase, recordRefund, RejectedEvent } from '#app/ingest-purchase';
import { applyOrDeadLetter } from '#app/dead-letter-policy';
import { queues } from '#infra/topology';
import { DeadLetters, sqsClient } from '#adapters/dead-letters';
import { readConfig } from '#shared/config';
import { logger } from '#shared/logger';
import { purchaseDeps } from '#shared/wiring';

const deps = purchaseDeps();
const deadLetters = new DeadLetters(sqsClient(), readConfig('purchasesDlq').PURCHASES_DLQ_URL);
const processor = new BatchProcessor(EventType.SQS);

function envelope(body: string): { detailType: unknown; detail: unknown } {
  try {
    const parsed = JSON.parse(body) as { 'detail-type'?: unknown; detail?: unknown };
    return { detailType: parsed['detail-type'], detail: parsed.detail };
  } catch {
    throw new RejectedEvent('malformed message: not JSON');
  }
}

async function apply(record: SQSRecord): Promise<string> {
  const { detailType, detail } = envelope(record.body);
  if (detailType === 'Purchase Completed') return recordPurchase(detail, deps);
  if (detailType === 'Purchase Refunded') return recordRefund(detail, deps);
  throw new RejectedEvent(`unexpected detail-type ${JSON.stringify(detailType)}`);
}

const MAX_RECEIVES = queues.find((queue) => queue.name === 'purchases')?.maxReceiveCount ?? 5;

async function handleRecord(record: SQSRecord): Promise<void> {
  const outcome = await applyOrDeadLetter(
    { messageId: record.messageId, body: record.body, receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1 },
    () => apply(record),
    deadLetters,
    MAX_RECEIVES,
  );
  if ('deadLettered' in outcome) logger.warn('purchase event sent to the DLQ', { messageId: record.messageId, reason: outcome.deadLettered });
  else logger.info('purchase event', { messageId: record.messageId, outcome: outcome.applied });
}

/** The members a batch names by id, read in one BatchGetItem instead of one GetItem each. */
function memberIdsOf(event: SQSEvent): string[] {
  const ids: string[] = [];
  for (const record of event.Records) {
    try {
      const parsed = JSON.parse(record.body) as { 'detail-type'?: string; detail?: { member?: { memberId?: unknown } } };
      const id = parsed.detail?.member?.memberId;
      if (parsed['detail-type'] === 'Purchase Completed' && typeof id === 'string' && id.length <= 64) ids.push(id);
    } catch {
      // A malformed record is rejected by its own handling below.
    }
  }
  return ids;
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  try {
    await deps.store.prefetchMembers(memberIdsOf(event));
  } catch (error) {
    // Only an optimisation: each record reads its member itself when the batch read fails.
    logger.warn('member prefetch failed', { error: error instanceof Error ? error.message : String(error) });
  }
  try {
    return await processPartialResponse(event, handleRecord, processor, { context });
  } finally {
    deps.store.forgetPrefetched();
  }
};
