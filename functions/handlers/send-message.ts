// SQS consumer (queue `message-sends`): SMS through SNS Publish (night window held) and post to the fulfilment topic.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { sendMessageJob } from '#app/send-touchpoints';
import { parseSendJob } from '#app/send-job';
import { SnsMessenger, snsClient } from '#adapters/sns-messenger';
import { logFailure, logger } from '#shared/logger';
import { readConfig } from '#shared/config';
import { eventPublisher, senderDeps } from '#shared/wiring';

const base = await senderDeps();
const deps = {
  ...base,
  events: eventPublisher(),
  messenger: new SnsMessenger(snsClient(), readConfig('fulfilment').FULFILMENT_TOPIC_ARN, base.sms.name),
  from: base.sms.name,
  publicBaseUrl: '',
};
const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  const job = parseSendJob(record.body);
  const outcome = await logFailure('message job failed', { entryId: job.entryId, period: job.period, wave: job.wave }, () => sendMessageJob(job, deps));
  logger.info('message job', { entryId: job.entryId, period: job.period, channel: job.channel, test: Boolean(job.test), ...outcome });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
