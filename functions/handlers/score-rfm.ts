// SQS consumer (queue `rfm-scoring`): scores one page of members per message and enqueues the next page.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { scoreRfmPage, type RfmPageMessage } from '#app/rfm-scoring';
import { logger } from '#shared/logger';
import { rfmDeps } from '#shared/wiring';

const deps = rfmDeps();
const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  const message = JSON.parse(record.body) as RfmPageMessage;
  const stats = await scoreRfmPage(message, deps);
  logger.info('rfm page scored', { runId: message.runId, shard: message.shard, page: message.page, ...stats });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
