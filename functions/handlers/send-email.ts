// SQS consumer (queue `email-sends`): one job = one SendBulkEmail of ≤ 50 destinations, exactly once per recipient.
import { sendEmailJob } from '#app/send-touchpoints';
import { sendJobMessage } from '#schema/queue-messages';
import { logFailure, logger } from '#shared/logger';
import { countTouchpoints } from '#shared/metrics';
import { senderBatches } from '#shared/sender-batches';
import { sqsHandler } from '#shared/sqs-handler';
import { contactHashing, emailChannel, senderDeps, sendingHold } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = { ...(await senderDeps()), ...(await emailChannel()), hold: sendingHold('email-sends') };

const batches = senderBatches(deps);

export const handler = sqsHandler(
  sendJobMessage,
  async (job, _record, context) => {
    const facts = { entryId: job.entryId, period: job.period, wave: job.wave };
    const outcome = await logFailure('e-mail job failed', facts, () => sendEmailJob(job, batches.forJob(context)));
    logger.info('e-mail job', { ...facts, test: Boolean(job.test), ...outcome });
    countTouchpoints(outcome, 'email');
  },
  batches.options,
);
