// SQS consumer (rule `purchases`): applies Purchase Completed / Purchase Refunded exactly once. An event that can
// never apply goes to the dead-letter queue at once with its reason; an unexpected failure is reported for that
// record only and retried by SQS, and on its last receive goes to the DLQ with the error as its reason.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { recordPurchase, recordRefund, RejectedEvent } from '#app/ingest-purchase';
import { applyOrDeadLetter } from '#app/dead-letter-policy';
import { busEventMessage } from '#schema/queue-messages';
import { logger } from '#shared/logger';
import { PURCHASES_MAX_RECEIVES } from '#shared/capabilities';
import { count } from '#shared/metrics';
import { sqsHandler } from '#shared/sqs-handler';
import { contactHashing, purchaseDeadLetters, purchaseDeps } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = purchaseDeps();
const deadLetters = purchaseDeadLetters();

async function apply(detailType: string, detail: unknown): Promise<string> {
  if (detailType === 'Purchase Completed') return recordPurchase(detail, deps);
  if (detailType === 'Purchase Refunded') return recordRefund(detail, deps);
  throw new RejectedEvent(`unexpected detail-type ${JSON.stringify(detailType)}`);
}

function receiveCount(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

/** The members a batch names by id, read in one BatchGetItem instead of one GetItem each. */
function memberIdsOf(event: SQSEvent): string[] {
  const ids: string[] = [];
  for (const record of event.Records) {
    try {
      const parsed = JSON.parse(record.body) as {
        'detail-type'?: string;
        detail?: { member?: { memberId?: unknown } };
      };
      const id = parsed.detail?.member?.memberId;
      if (parsed['detail-type'] === 'Purchase Completed' && typeof id === 'string' && id.length <= 64) ids.push(id);
    } catch {
      // A malformed record is rejected by its own handling.
    }
  }
  return ids;
}

export const handler = sqsHandler(
  busEventMessage,
  async (event, record) => {
    const queued = { messageId: record.messageId, body: record.body, receiveCount: receiveCount(record) };
    const outcome = await applyOrDeadLetter(
      queued,
      () => apply(event['detail-type'], event.detail),
      deadLetters,
      PURCHASES_MAX_RECEIVES,
    );
    if ('deadLettered' in outcome) {
      count('PurchasesRejected', 1);
      logger.warn('purchase event sent to the DLQ', { messageId: record.messageId, reason: outcome.deadLettered });
    } else {
      count(outcome.applied === 'duplicate' ? 'PurchasesDuplicate' : 'PurchasesApplied', 1);
      logger.info('purchase event', { messageId: record.messageId, outcome: outcome.applied });
    }
  },
  {
    onMalformed: async (record, error) => {
      await deadLetters.reject(record.body, error.message, record.messageId);
      count('PurchasesRejected', 1);
      logger.warn('purchase event sent to the DLQ', { messageId: record.messageId, reason: error.message });
    },
    before: async (event) => {
      try {
        await deps.store.prefetchMembers(memberIdsOf(event));
      } catch (error) {
        // Only an optimisation: each record reads its member itself when the batch read fails.
        logger.warn('member prefetch failed', { error: error instanceof Error ? error.name : 'unknown' });
      }
    },
    after: () => deps.store.forgetPrefetched(),
  },
);
