// SQS consumer (queue `email-sends`): one job = one SendBulkEmail of ≤ 50 destinations, exactly once per recipient.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { sendEmailJob } from '#app/send-touchpoints';
import { parseSendJob } from '#app/send-job';
import { SesBulkMailer } from '#adapters/ses-bulk-mailer';
import { sesSendingClient } from '#adapters/ses-mailer';
import { logFailure, logger } from '#shared/logger';
import { readConfig } from '#shared/config';
import { senderDeps } from '#shared/wiring';

const mail = readConfig('mail');
const deps = {
  ...(await senderDeps()),
  mailer: new SesBulkMailer(sesSendingClient(), mail.SES_CONFIGURATION_SET),
  from: mail.MAIL_FROM,
  publicBaseUrl: mail.PUBLIC_BASE_URL.replace(/\/$/, ''),
};
const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  const job = parseSendJob(record.body);
  const outcome = await logFailure('e-mail job failed', { entryId: job.entryId, period: job.period, wave: job.wave }, () => sendEmailJob(job, deps));
  logger.info('e-mail job', { entryId: job.entryId, period: job.period, wave: job.wave, test: Boolean(job.test), ...outcome });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
