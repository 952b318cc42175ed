// Signs a webhook delivery the Standard Webhooks way (standardwebhooks.com): `webhook-id` (the event's id, the same
// on every retry, so a receiver can drop repeats), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,` and
// the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's base64 key after `whsec_`). Written on
// node:crypto — the spec is these three lines — rather than bundling the reference library (CommonJS, so it would
// ride in every function that shares the wiring); the tests verify every signature with that library.
import { createHmac } from 'node:crypto';

export interface SignedDelivery {
  readonly headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
  /** The exact body that was signed: the EventBridge event as JSON. */
  readonly body: string;
}

export function signDelivery(secret: string, event: { readonly id: string }, now: Date): SignedDelivery {
  const body = JSON.stringify(event);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${event.id}.${timestamp}.${body}`).digest('base64');
  return {
    headers: { 'webhook-id': event.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` },
    body,
  };
}
