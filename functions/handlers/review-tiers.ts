// SQS consumer (queue `tier-review`): reviews one page of due members per message and enqueues the next page.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { reviewPage, type ReviewPageMessage } from '#app/tier-review';
import { logger } from '#shared/logger';
import { reviewDeps } from '#shared/wiring';

const deps = reviewDeps();
const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  const message = JSON.parse(record.body) as ReviewPageMessage;
  const stats = await reviewPage(message, deps);
  logger.info('tier review page', { runId: message.runId, shard: message.shard, ...stats });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
