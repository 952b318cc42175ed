// A local EventBridge `PutEvents` endpoint (JSON protocol): applies the topology's rules and delivers each matching
// event to its SQS queue in fauxqs, in the same envelope EventBridge uses. It also plays the webhook routes that AWS
// builds per subscription (functions/adapters/webhook-routes.ts): the same rule, the same signature, retries with
// back-off, a rate limit per subscriber and the dead-letter queue after the last attempt.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_BUS_NAME, eventRules } from '../topology.ts';
import type { Webhook } from '#app/webhooks';
import { signDelivery } from '#adapters/webhook-signing';
import { matchesWebhook, webhookEventPattern } from '#domain/webhooks';
import { EVENT_SOURCE, WEBHOOK_EVENTS } from '#schema/event-source';

/** How the local stack plays webhook routes. */
export interface LocalWebhooks {
  /** The subscriptions now (read from the table after each event, so a new one takes the next event). */
  subscriptions(): Promise<readonly Webhook[]>;
  /** The shared dead-letter queue (as in AWS, `webhooks-dlq`). */
  deadLetterUrl: string;
  /** Attempts per event and subscriber before the dead-letter queue (AWS: the queue's maxReceiveCount). */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles. */
  retryDelayMs: number;
}

export interface WebhookDelivery {
  readonly webhookId: string;
  readonly eventId: string;
  readonly detailType: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'dead-lettered';
  lastStatus?: number | string;
}

/** Whether EventBridge would retry an API destination that answered this (or failed to connect). */
const retryable = (status: number | string) =>
  typeof status === 'string' || status >= 500 || status === 429 || status === 408 || status === 409;

export interface BusEvent {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly time: string;
  readonly deliveredTo: string[];
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: string | number;
  Resources?: string[];
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const busMatches = (name: string | undefined) =>
  name === undefined || name === EVENT_BUS_NAME || name.endsWith(`:event-bus/${EVENT_BUS_NAME}`);

function entryError(entry: PutEventsEntry): { ErrorCode: string; ErrorMessage: string } | null {
  if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
  }
  if (!busMatches(entry.EventBusName))
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${entry.EventBusName} does not exist.` };
  try {
    const detail: unknown = JSON.parse(entry.Detail);
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new Error('not an object');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return null;
}

export interface EventsEndpoint {
  readonly server: Server;
  readonly events: BusEvent[];
  stop(): Promise<void>;
}

export async function startEventsEndpoint(options: {
  port: number;
  sqs: SQSClient;
  queueUrls: ReadonlyMap<string, string>;
  region: string;
  webhooks?: LocalWebhooks;
  log?: (line: string) => void;
}): Promise<EventsEndpoint> {
  const events: BusEvent[] = [];
  const deliveries: WebhookDelivery[] = [];
  // One chain per subscriber: deliveries to it in order, spaced by its rate limit (an API destination's).
  const lanes = new Map<string, Promise<void>>();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function attempt(webhook: Webhook, envelope: { id: string }): Promise<number | string> {
    const { headers, body } = signDelivery(webhook.secret, envelope, new Date());
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'x-dangol-webhook': webhook.id },
        body,
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async function deliver(webhook: Webhook, envelope: { id: string; 'detail-type': string }, hooks: LocalWebhooks) {
    const record: WebhookDelivery = {
      webhookId: webhook.id,
      eventId: envelope.id,
      detailType: envelope['detail-type'],
      attempts: 0,
      state: 'pending',
    };
    deliveries.push(record);
    const spacing = 1000 / webhook.rateLimitPerSecond;
    for (;;) {
      record.attempts += 1;
      const status = await attempt(webhook, envelope);
      record.lastStatus = status;
      await sleep(spacing);
      if (typeof status === 'number' && status >= 200 && status < 300) {
        record.state = 'delivered';
        return;
      }
      if (!retryable(status) || record.attempts >= hooks.maxAttempts) break;
      await sleep(hooks.retryDelayMs * 2 ** (record.attempts - 1));
    }
    record.state = 'dead-lettered';
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: hooks.deadLetterUrl,
        MessageBody: JSON.stringify(envelope),
        MessageAttributes: {
          webhookId: { DataType: 'String', StringValue: webhook.id },
          reason: { DataType: 'String', StringValue: `after ${record.attempts} attempts: ${record.lastStatus}` },
        },
      }),
    );
  }

  /** Hands an event to every subscriber whose rule matches, after the put has answered. */
  function toWebhooks(envelope: { id: string; source: string; 'detail-type': string }) {
    const hooks = options.webhooks;
    if (!hooks || !(WEBHOOK_EVENTS as readonly string[]).includes(envelope['detail-type'])) return;
    void hooks
      .subscriptions()
      .then((webhooks) => {
        for (const webhook of webhooks) {
          if (webhook.status !== 'active') continue;
          const event = { source: envelope.source, detailType: envelope['detail-type'] };
          if (!matchesWebhook(webhookEventPattern(webhook.events, EVENT_SOURCE), event)) continue;
          const lane = (lanes.get(webhook.id) ?? Promise.resolve()).then(() => deliver(webhook, envelope, hooks));
          lanes.set(
            webhook.id,
            lane.catch((error: unknown) => options.log?.(`[webhook ${webhook.id}] ${String(error)}`)),
          );
        }
      })
      .catch((error: unknown) => options.log?.(`[webhooks] ${String(error)}`));
  }

  async function put(entries: PutEventsEntry[]) {
    const results = [];
    for (const entry of entries) {
      const error = entryError(entry);
      if (error) {
        results.push(error);
        continue;
      }
      const id = randomUUID();
      const time =
        entry.Time === undefined
          ? new Date()
          : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
      const detail: unknown = JSON.parse(entry.Detail ?? '{}');
      const envelope = {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: '000000000000',
        time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: options.region,
        resources: entry.Resources ?? [],
        detail,
      };
      const deliveredTo: string[] = [];
      for (const rule of eventRules) {
        if (!rule.detailTypes.includes(entry.DetailType ?? '')) continue;
        const source = entry.Source ?? '';
        if ('only' in rule.sources ? !rule.sources.only.includes(source) : rule.sources.except.includes(source))
          continue;
        const queueUrl = options.queueUrls.get(rule.targetQueue);
        if (!queueUrl) throw new Error(`rule ${rule.name} targets unknown queue ${rule.targetQueue}`);
        await options.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(envelope) }));
        deliveredTo.push(rule.targetQueue);
      }
      toWebhooks({ ...envelope, source: entry.Source ?? '', 'detail-type': entry.DetailType ?? '' });
      events.push({
        id,
        source: entry.Source ?? '',
        detailType: entry.DetailType ?? '',
        detail,
        time: envelope.time,
        deliveredTo,
      });
      results.push({ EventId: id });
    }
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  const server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    try {
      const body = await readBody(request);
      if (request.method === 'GET' && request.url === '/events') return reply(200, { events });
      if (request.method === 'GET' && request.url === '/webhooks/deliveries') return reply(200, { deliveries });
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        return reply(400, {
          __type: 'UnknownOperationException',
          message: `Only AWSEvents.PutEvents is served locally (got ${target || 'none'})`,
        });
      }
      if (Buffer.byteLength(body) > MAX_REQUEST_BYTES)
        return reply(400, { __type: 'ValidationException', message: 'Total size of the entries exceeds 256 KB' });
      const input = JSON.parse(body) as { Entries?: PutEventsEntry[] };
      const entries = input.Entries ?? [];
      if (entries.length === 0 || entries.length > MAX_ENTRIES) {
        return reply(400, { __type: 'ValidationException', message: `Entries must hold 1 to ${MAX_ENTRIES} items` });
      }
      reply(200, await put(entries));
    } catch (error) {
      reply(500, { __type: 'InternalException', message: error instanceof Error ? error.message : 'internal error' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return { server, events, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
