// SQS consumer (queue `ses-events`, subscribed to the configuration set's SNS topic): SES events onto the ledger,
// the campaign counters, suppression after a permanent bounce or a complaint, and `Touchpoint Sent` on SES's Send event.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { recordSesEvent, unwrapSesEvent } from '#app/engagement';
import { logger } from '#shared/logger';
import { engagementStore, eventPublisher, systemClock } from '#shared/wiring';

const deps = { store: engagementStore(), events: eventPublisher(), clock: systemClock };
const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  const event = unwrapSesEvent(JSON.parse(record.body) as unknown);
  if (!event) throw new Error('not an SES event');
  const outcome = await recordSesEvent(event, deps);
  logger.info('ses event', { eventType: event.eventType ?? event.notificationType, messageId: event.mail?.messageId, outcome });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
