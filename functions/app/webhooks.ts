// Use cases of webhooks out (`GET|POST|DELETE /admin/webhooks`): a subscription is stored, then its route is built
// (EventBridge rule, queue, pipe, API destination and connection in AWS; nothing locally, where the local event
// endpoint reads the subscriptions), then marked active. Delivery, retries, rate limit and dead letters are
// EventBridge's; each delivery is signed (Standard Webhooks) with the subscription's secret, shown once.
import { randomBytes } from 'node:crypto';
import { webhookUrlProblem } from '#domain/webhooks';
import { DEFAULT_WEBHOOK_RATE, type WebhookView, webhookRequest } from '#schema/webhooks';
import { NotFound } from './errors.ts';
import type { AuditEntry, Clock } from './ports.ts';
import { fieldErrors, ValidationError } from './validation.ts';

export interface Webhook extends WebhookView {
  /** `whsec_` and the base64 of 32 random bytes (Standard Webhooks). */
  readonly secret: string;
}

export interface WebhookStore {
  /** Stores a new subscription (status provisioning) with its audit entry. */
  create(webhook: Webhook, audit: AuditEntry): Promise<void>;
  markActive(id: string): Promise<void>;
  get(id: string): Promise<Webhook | null>;
  list(): Promise<Webhook[]>;
  /** Removes the subscription with its audit entry. */
  remove(id: string, audit: AuditEntry): Promise<void>;
}

/** The delivery route of a subscription: built idempotently (a retry after a failure part way finishes it). */
export interface WebhookRoutes {
  provision(webhook: Webhook): Promise<void>;
  /** Removes whatever of the route exists. */
  remove(id: string): Promise<void>;
}

export interface WebhookDeps {
  readonly webhooks: WebhookStore;
  readonly routes: WebhookRoutes;
  readonly clock: Clock;
  /** Plain HTTP to this machine is allowed (the local stack only). */
  readonly allowLoopbackHttp: boolean;
}

/** A subscription as the API shows it: everything but its secret. */
export function webhookView({ secret: _secret, ...view }: Webhook): WebhookView {
  return view;
}

const newId = () => `wh_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

export async function createWebhook(body: unknown, by: string, deps: WebhookDeps): Promise<Webhook> {
  const parsed = webhookRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const problem = webhookUrlProblem(parsed.data.url, deps.allowLoopbackHttp);
  if (problem) throw new ValidationError([{ path: 'url', message: problem }]);
  const at = deps.clock().toISOString();
  const webhook: Webhook = {
    id: newId(),
    url: parsed.data.url,
    events: parsed.data.events ?? parsed.data.eventTypes ?? [],
    ...(parsed.data.description === undefined ? {} : { description: parsed.data.description }),
    rateLimitPerSecond: parsed.data.rateLimitPerSecond ?? DEFAULT_WEBHOOK_RATE,
    status: 'provisioning',
    createdAt: at,
    createdBy: by,
    secret: `whsec_${randomBytes(32).toString('base64')}`,
  };
  const audit = { who: by, action: 'webhook.create', target: webhook.id, beforeVersion: null, afterVersion: 1, at };
  await deps.webhooks.create(webhook, audit);
  await deps.routes.provision(webhook);
  await deps.webhooks.markActive(webhook.id);
  return { ...webhook, status: 'active' };
}

export async function listWebhooks(deps: Pick<WebhookDeps, 'webhooks'>): Promise<WebhookView[]> {
  return (await deps.webhooks.list()).map(webhookView);
}

/** Removes the route first (no delivery after the answer), then the subscription. */
export async function deleteWebhook(id: string, by: string, deps: WebhookDeps): Promise<void> {
  const webhook = await deps.webhooks.get(id);
  if (!webhook) throw new NotFound(`No webhook ${id}`);
  await deps.routes.remove(id);
  const at = deps.clock().toISOString();
  await deps.webhooks.remove(id, {
    who: by,
    action: 'webhook.delete',
    target: id,
    beforeVersion: 1,
    afterVersion: null,
    at,
  });
}

/** One event as the pipe's enrichment gets it: the subscription's id (from the pipe's template) and the event. */
export interface PipeDelivery {
  readonly webhookId: string;
  readonly event: { readonly id: string } & Record<string, unknown>;
}

export interface SignedForPipe {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  /** The event itself, the request's body (the pipe's target template takes `$.payload`). */
  readonly payload: unknown;
}

export interface SignerDeps {
  readonly webhooks: Pick<WebhookStore, 'get'>;
  readonly sign: (
    secret: string,
    event: { readonly id: string },
    now: Date,
  ) => { headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> };
  readonly clock: Clock;
}

/** The pipe's enrichment: signs each event with its subscription's secret (one answer per event, in order). */
export async function signForPipe(batch: readonly PipeDelivery[], deps: SignerDeps): Promise<SignedForPipe[]> {
  const secrets = new Map<string, string>();
  const signed: SignedForPipe[] = [];
  for (const { webhookId, event } of batch) {
    let secret = secrets.get(webhookId);
    if (secret === undefined) {
      const webhook = await deps.webhooks.get(webhookId);
      // Removed meanwhile: failing returns the message to its queue, which is being removed too.
      if (!webhook) throw new NotFound(`No webhook ${webhookId}`);
      secret = webhook.secret;
      secrets.set(webhookId, secret);
    }
    const { headers } = deps.sign(secret, event, deps.clock());
    signed.push({
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      payload: event,
    });
  }
  return signed;
}
