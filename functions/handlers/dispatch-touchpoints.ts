// Schedule `dispatcher` (hourly, on the hour): hands every calendar entry due this hour to the dispatch queue.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dispatchHour } from '#app/dispatch-touchpoints';
import { logger } from '#shared/logger';
import { dispatchDeps } from '#shared/wiring';
import { traceHandler } from '#shared/tracing';

const deps = dispatchDeps({ pages: true, jobs: false });

export const handler = traceHandler(async (event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const result = await dispatchHour(new Date(event.time), deps);
  logger.info('dispatched', result);
  return result;
});
