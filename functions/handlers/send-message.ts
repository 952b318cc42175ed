// SQS consumer (queue `message-sends`): SMS through SNS Publish (night window held) and post to the fulfilment topic.
import { sendMessageJob } from '#app/send-touchpoints';
import { sendJobMessage } from '#schema/queue-messages';
import { logFailure, logger } from '#shared/logger';
import { countTouchpoints } from '#shared/metrics';
import { senderBatches } from '#shared/sender-batches';
import { sqsHandler } from '#shared/sqs-handler';
import { contactHashing, eventPublisher, messageChannel, senderDeps, sendingHold } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = {
  ...(await senderDeps()),
  ...messageChannel(),
  events: eventPublisher(),
  hold: sendingHold('message-sends'),
};

const batches = senderBatches(deps);

export const handler = sqsHandler(
  sendJobMessage,
  async (job, _record, context) => {
    const facts = { entryId: job.entryId, period: job.period, wave: job.wave };
    const outcome = await logFailure('message job failed', facts, () => sendMessageJob(job, batches.forJob(context)));
    logger.info('message job', { ...facts, channel: job.channel, test: Boolean(job.test), ...outcome });
    countTouchpoints(outcome, job.channel);
  },
  batches.options,
);
