// SQS consumer (queue `ses-events`, subscribed to the configuration set's SNS topic): SES events onto the ledger,
// the campaign counters, suppression after a permanent bounce or a complaint, and `Touchpoint Sent` on SES's Send event.
import { recordSesEvent, unwrapSesEvent } from '#app/engagement';
import { sesEventMessage } from '#schema/queue-messages';
import { count } from '#shared/metrics';
import { logger } from '#shared/logger';
import { MalformedMessage, sqsHandler } from '#shared/sqs-handler';
import { contactHashing, engagementStore, eventPublisher, systemClock } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = { store: engagementStore(), events: eventPublisher(), clock: systemClock };

export const handler = sqsHandler(sesEventMessage, async (message) => {
  const event = unwrapSesEvent(message);
  if (!event) throw new MalformedMessage('not an SES event');
  const outcome = await recordSesEvent(event, deps);
  const eventType = String(event.eventType ?? event.notificationType ?? 'unknown');
  logger.info('ses event', { eventType, messageId: event.mail?.messageId, outcome });
  count('SesEvents', 1, { eventType });
});
