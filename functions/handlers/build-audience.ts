// SQS consumer (queue `dispatch`): one page of an audience → waves of send jobs, and the next page handed on.
import { dispatchPage } from '#app/dispatch-touchpoints';
import { dispatchMessage } from '#schema/queue-messages';
import { logger } from '#shared/logger';
import { count } from '#shared/metrics';
import { sqsHandler } from '#shared/sqs-handler';
import { dispatchDeps } from '#shared/wiring';

const deps = dispatchDeps({ pages: true, jobs: true });

export const handler = sqsHandler(dispatchMessage, async (message) => {
  const result = await dispatchPage(message, deps);
  logger.info('audience page', { entryId: message.entryId, source: message.source.type, ...result });
  count('AudiencePages', 1, { source: message.source.type });
});
