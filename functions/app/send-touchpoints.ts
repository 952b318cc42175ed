// The send use cases, one module each: send-prepare (checks and claims), send-job (what both senders share),
// send-email-job, send-message-job, send-test. Handlers and tests import them from here.
export { sendEmailJob } from './send-email-job.ts';
export type { JobOutcome, RateLimiter, SenderDeps, SmsIdentity } from './send-job.ts';
export { type SendingBatch, sendingBatch, THROTTLE_RETRIES } from './send-job.ts';
export { sendMessageJob } from './send-message-job.ts';
export { STALE_SEND_MS } from './send-prepare.ts';
export { decodeRef, encodeRef, NoTimeLeft } from './sending-ports.ts';
