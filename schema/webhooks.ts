// Webhooks out (`GET|POST|DELETE /admin/webhooks`): a subscriber's address and the events it wants, and the
// subscription as the API shows it. Delivery is EventBridge's (API destinations, docs/webhooks.md).
import * as z from 'zod/mini';
import './zod-locale.ts';
import { WEBHOOK_EVENTS } from './event-source.ts';

export { WEBHOOK_EVENTS };

/** Deliveries per second to one subscriber at most (an API destination's invocation rate limit, 1–300). */
export const DEFAULT_WEBHOOK_RATE = 10;

const eventList = z.array(z.enum(WEBHOOK_EVENTS)).check(
  z.minLength(1, 'Choose at least one event'),
  z.maxLength(WEBHOOK_EVENTS.length),
  z.refine((events) => new Set(events).size === events.length, 'Name each event once'),
);

/** `POST /admin/webhooks`. `eventTypes` is accepted as another name of `events`. */
export const webhookRequest = z
  .strictObject({
    /** Where the events go: HTTPS (plain HTTP to this machine only in the local stack). */
    url: z.url({ error: 'Give an absolute URL' }).check(z.maxLength(2000)),
    events: z.optional(eventList),
    eventTypes: z.optional(eventList),
    description: z.optional(z.string().check(z.maxLength(200))),
    /** Deliveries per second to this subscriber at most, 1–300 (default 10). */
    rateLimitPerSecond: z.optional(z.int().check(z.minimum(1), z.maximum(300))),
  })
  .check(
    z.refine((body) => (body.events === undefined) !== (body.eventTypes === undefined), {
      message: 'Give the events to deliver (events), once',
      path: ['events'],
    }),
  );
export type WebhookRequest = z.infer<typeof webhookRequest>;

export const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.optional(z.string()),
  rateLimitPerSecond: z.int(),
  /** `active` once its route delivers; `provisioning` while (or if) creating it failed part way — DELETE cleans up. */
  status: z.enum(['provisioning', 'active']),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type WebhookView = z.infer<typeof webhookView>;

/** The answer to a new subscription: the only time its signing secret is shown. */
export const webhookCreated = z.object({
  ...webhookView.shape,
  /** Standard Webhooks secret (`whsec_…`): verify `webhook-signature` over `webhook-id.webhook-timestamp.body`. */
  secret: z.string(),
});

export const webhookList = z.object({ items: z.array(webhookView) });
