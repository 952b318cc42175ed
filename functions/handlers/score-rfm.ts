// SQS consumer (queue `rfm-scoring`): scores one page of members per message and enqueues the next page.
import { scoreRfmPage } from '#app/rfm-scoring';
import { rfmPageMessage } from '#schema/queue-messages';
import { logger } from '#shared/logger';
import { sqsHandler } from '#shared/sqs-handler';
import { rfmDeps } from '#shared/wiring';

const deps = rfmDeps();

export const handler = sqsHandler(rfmPageMessage, async (message) => {
  const stats = await scoreRfmPage(message, deps);
  logger.info('rfm page scored', { runId: message.runId, shard: message.shard, page: message.page, ...stats });
});
