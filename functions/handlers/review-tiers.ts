// SQS consumer (queue `tier-review`): reviews one page of due members per message and enqueues the next page.
import { reviewPage } from '#app/tier-review';
import { reviewPageMessage } from '#schema/queue-messages';
import { logger } from '#shared/logger';
import { count } from '#shared/metrics';
import { sqsHandler } from '#shared/sqs-handler';
import { reviewDeps } from '#shared/wiring';

const deps = reviewDeps();

export const handler = sqsHandler(reviewPageMessage, async (message) => {
  const stats = await reviewPage(message, deps);
  logger.info('tier review page', { runId: message.runId, shard: message.shard, ...stats });
  count('TierChanges', stats.changed, { cause: 'review' });
  count('TierNotices', stats.notices);
});
