// Schedule `rfm-scoring` (monthly): recomputes the RFM breakpoints and starts scoring, one message per shard.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { startRfmScoring } from '#app/rfm-scoring';
import { logger } from '#shared/logger';
import { rfmDeps } from '#shared/wiring';
import { traceHandler } from '#shared/tracing';

const deps = rfmDeps();

export const handler = traceHandler(async (event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const started = await startRfmScoring(new Date(event.time), deps);
  logger.info('rfm scoring started', { runId: started.runId });
  return started;
});
