// Schedule `tier-review` (monthly): starts the review, one message per shard of the review index.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { startTierReview } from '#app/tier-review';
import { logger } from '#shared/logger';
import { startReviewDeps } from '#shared/wiring';
import { traceHandler } from '#shared/tracing';

const deps = startReviewDeps();

export const handler = traceHandler(async (event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const messages = await startTierReview(new Date(event.time), deps);
  logger.info('tier review started', { reviewAt: event.time, shards: messages.length });
  return { reviewAt: new Date(event.time).toISOString(), shards: messages.length };
});
