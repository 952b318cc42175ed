// SQS consumer (rule `enrollment-mail`): sends the double opt-in and welcome mails; failed records are reported
// one by one so the rest of the batch is not retried, and a record that keeps failing ends in the DLQ.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord, Context } from 'aws-lambda';
import { sendConfirmationMail, sendWelcomeMail } from '#app/send-enrollment-mail';
import { enrollmentMailEvent } from '#schema/events';
import { logger } from '#shared/logger';
import { mailer, memberStore, systemClock, tokenSecret } from '#shared/wiring';

const deps = { members: memberStore(), ...mailer(), secret: await tokenSecret(), clock: systemClock };
const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  const parsed = enrollmentMailEvent.safeParse(JSON.parse(record.body));
  if (!parsed.success) throw new Error(`malformed event: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  const event = parsed.data;
  const outcome =
    event['detail-type'] === 'Member Email Confirmed'
      ? await sendWelcomeMail(event.detail.memberId, deps)
      : await sendConfirmationMail(event.detail.memberId, deps);
  logger.info('enrollment mail', { detailType: event['detail-type'], memberId: event.detail.memberId, outcome });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
