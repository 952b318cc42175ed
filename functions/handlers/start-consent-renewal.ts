// Schedule `consent-renewal` (monthly): the two-yearly notice of each member's consents (date, channels, how to withdraw).
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dispatchConsentRenewal } from '#app/dispatch-touchpoints';
import { logger } from '#shared/logger';
import { dispatchDeps } from '#shared/wiring';
import { traceHandler } from '#shared/tracing';

const deps = dispatchDeps({ pages: true, jobs: false });

export const handler = traceHandler(async (event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const result = await dispatchConsentRenewal(new Date(event.time), deps);
  logger.info('consent renewal dispatched', result);
  return result;
});
