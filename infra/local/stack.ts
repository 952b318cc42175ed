// The whole local stack in one process: DynamoDB Local (Java), the SES v2 emulator, fauxqs (SQS/SNS), the SMS
// capture, the PutEvents endpoint, the HTTP gateway, the queue pollers and the scheduler — all from the topology.
import { guardWrites } from './write-guard.ts';
import { createHash, randomBytes } from 'node:crypto';
import { Server as NetServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import sesServerModule from 'aws-ses-v2-local';
import { EVENT_BUS_NAME, queues, schedules } from '../topology.ts';
import { ensureTable, startDynamoLocal } from './dynamodb-local.ts';
import { startSmsCapture } from './sms-capture.ts';
import { startSesProxy, type SesSendEvent } from './ses-proxy.ts';
import { SqsJsonQueue } from '#adapters/json-queue';
import { startEventsEndpoint } from './events-endpoint.ts';
import { startGateway, type LocalRoute } from './gateway.ts';
import { partnerVerifier } from './partner-keys.ts';
import { startQueuePoller, type QueuePoller } from './queue-poller.ts';
import { fireSchedule, startScheduler } from './scheduler.ts';
import { adminVerifier } from './admin-keys.ts';
import { isolateHandlerEnvironments } from './lambda-runner.ts';
import { dlqVariable, queueVariable } from '#shared/capabilities';

export const LOCAL_REGION = 'ap-northeast-2';
export const LOCAL_TABLE_NAME = 'dangol';
/** Locally a failed message comes back after this many seconds, so redrive to the DLQ takes seconds, not minutes. */
export const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 1;

export interface LocalPorts {
  http: number;
  dynamodb: number;
  ses: number;
  sqsSns: number;
  sms: number;
  events: number;
  /** The SES API the handlers call: a front of the emulator that counts sending calls and injects throttling. */
  sesApi: number;
}

export const DEFAULT_PORTS: LocalPorts = {
  http: 3000,
  dynamodb: 8000,
  ses: 8005,
  sqsSns: 4566,
  sms: 8006,
  events: 4010,
  sesApi: 8007,
};

export interface LocalStack {
  readonly ports: LocalPorts;
  readonly urls: Record<keyof LocalPorts, string>;
  /** The environment the handlers run with (also set on this process). */
  readonly env: Record<string, string>;
  readonly queueUrls: ReadonlyMap<string, string>;
  /** Stops and restarts one queue's consumer (benchmarks measure one function at a time). */
  pauseConsumer(queue: string): Promise<void>;
  resumeConsumer(queue: string): void;
  stop(): Promise<void>;
}

type SesServer = (config?: { host?: string; port?: number }) => Promise<Server>;
const startSes: SesServer =
  (sesServerModule as unknown as { default?: SesServer }).default ?? (sesServerModule as unknown as SesServer);

/** An error's message, with those of each record when a whole SQS batch failed (Powertools' FullBatchFailureError). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const records = (error as { recordErrors?: unknown[] }).recordErrors;
  const details = Array.isArray(records)
    ? records.map((record) => (record instanceof Error ? `${record.name}: ${record.message}` : String(record)))
    : [];
  return [error.message, ...details].join(' | ');
}

/**
 * Runs `start` with every server it opens on all interfaces (`0.0.0.0`) bound to loopback instead. fauxqs 1.9.2
 * listens on 0.0.0.0 whatever its options say; the local stack serves this machine only.
 */
async function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const listen = NetServer.prototype.listen;
  NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]) {
    const [first] = args;
    if (first && typeof first === 'object' && (first as { host?: string }).host === '0.0.0.0')
      args[0] = { ...(first as object), host: '127.0.0.1' };
    return (listen as (...a: unknown[]) => NetServer).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    NetServer.prototype.listen = listen;
  }
}

function tokenSecret(dataDir: string | undefined): string {
  if (process.env['TOKEN_SECRET']) return process.env['TOKEN_SECRET'];
  if (!dataDir) return randomBytes(32).toString('hex');
  // With a data directory the members persist, so links in mails sent before a restart must still verify.
  const file = join(dataDir, 'token-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export function handlerEnvironment(ports: LocalPorts, secret: string): Record<string, string> {
  const base = (port: number) => `http://127.0.0.1:${port}`;
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: base(ports.dynamodb),
    AWS_ENDPOINT_URL_SESV2: base(ports.sesApi),
    AWS_ENDPOINT_URL_SQS: base(ports.sqsSns),
    AWS_ENDPOINT_URL_SNS: base(ports.sms),
    AWS_ENDPOINT_URL_EVENTBRIDGE: base(ports.events),
    TABLE_NAME: LOCAL_TABLE_NAME,
    EVENT_BUS_NAME,
    MAIL_FROM: 'dangol <members@dangol.example>',
    SES_CONFIGURATION_SET: 'dangol-local',
    PUBLIC_BASE_URL: base(ports.http),
    TOKEN_SECRET: secret,
    POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'WARN',
    // The business metrics (EMF lines on stdout) only when asked for, as the INFO logs: the integration tests do.
    POWERTOOLS_METRICS_DISABLED: process.env['POWERTOOLS_METRICS_DISABLED'] ?? 'true',
    LADDER_CACHE_SECONDS: '0',
    // Locally waves go out at once and the rate limit is high; AWS uses the defaults (60 s, 14/s) or the stack's.
    WAVE_INTERVAL_SECONDS: process.env['WAVE_INTERVAL_SECONDS'] ?? '0',
    // A held job looks at the kill switch again after a second locally (15 minutes in AWS).
    SENDING_HOLD_SECONDS: process.env['SENDING_HOLD_SECONDS'] ?? '1',
    MAX_SEND_RATE: process.env['MAX_SEND_RATE'] ?? '200',
    SEND_RATE_SHARE: '1',
    FULFILMENT_TOPIC_ARN: `arn:aws:sns:${LOCAL_REGION}:000000000000:dangol-fulfilment`,
    // The local programme's settings; in AWS they come from the deployment's config file (infra/config.ts).
    SMS_SENDER_NAME: 'dangol',
    SMS_OPT_OUT_NUMBER: '080-000-0000',
    PROGRAMME_CURRENCY: 'KRW',
    PROGRAMME_TIME_ZONE: 'Asia/Seoul',
    PHONE_COUNTRIES: process.env['PHONE_COUNTRIES'] ?? 'KR',
    // Locally one key, derived from the link secret so that a data directory keeps both stable together.
    CONTACT_HASH_KEYS:
      process.env['CONTACT_HASH_KEYS'] ?? createHash('sha256').update(`contact-hash:${secret}`).digest('hex'),
    // Locally the events endpoint plays the webhook routes AWS builds (infra/local/events-endpoint.ts).
    WEBHOOK_ROUTING: JSON.stringify({ kind: 'local' }),
  };
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  return response.json();
}

/** The answer to a fault injection whose counts are not positive integers. */
const invalidFaultCount = {
  status: 400,
  body: { title: 'Invalid request', status: 400, detail: '`throttle` or `loseAnswers` must be a positive integer' },
};

export async function startLocalStack(options: {
  ports: LocalPorts;
  dataDir?: string;
  log?: (line: string) => void;
  /** Fire the schedules on the real clock (default); tests fire them only through `/_local/schedules`. */
  clockSchedules?: boolean;
}): Promise<LocalStack> {
  const { ports } = options;
  const log = options.log ?? (() => undefined);
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await Promise.resolve(stopOne()).catch(() => undefined);
  };
  try {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const env = handlerEnvironment(ports, tokenSecret(options.dataDir));
    // The handlers read their configuration at import, so it is in place before the first one loads.
    Object.assign(process.env, env);

    const dynamo = await startDynamoLocal({
      port: ports.dynamodb,
      ...(options.dataDir && { dataDir: options.dataDir }),
    });
    stops.push(() => dynamo.stop());
    await ensureTable(dynamo.endpoint, LOCAL_TABLE_NAME);
    // The seed's benefit calendar exists from the first start (once; never over marketing's edits).
    const { DynamoCalendarStore } = await import('#adapters/calendar-store');
    const { DEFAULT_CALENDAR_RELEASES } = await import('#adapters/calendar-defaults');
    const { dynamoDocumentClient } = await import('#adapters/aws-clients');
    await new DynamoCalendarStore(dynamoDocumentClient(), LOCAL_TABLE_NAME, DEFAULT_CALENDAR_RELEASES).seedDefaults(
      new Date(),
    );
    // From here on each handler writes only the partitions it owns, as its IAM role allows in AWS.
    guardWrites(dynamoDocumentClient(), (message) => log(`[least privilege] ${message}`));

    const ses = await startSes({ host: '127.0.0.1', port: ports.ses });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          ses.closeAllConnections();
          ses.close(() => resolve());
        }),
    );

    // The configuration set's Send events go to the `ses-events` queue, which exists only a few steps below.
    let publishSesEvents: (events: SesSendEvent[]) => void = () => undefined;
    const sesProxy = await startSesProxy({
      port: ports.sesApi,
      sesPort: ports.ses,
      onSend: (sent) => publishSesEvents(sent),
    });
    stops.push(() => sesProxy.stop());

    const fauxqs = await onLoopback(() =>
      startFauxqs({
        port: ports.sqsSns,
        host: '127.0.0.1',
        logger: false,
        defaultRegion: LOCAL_REGION,
      }),
    );
    stops.push(() => fauxqs.stop());

    const sms = await startSmsCapture({
      port: ports.sms,
      fauxqsPort: ports.sqsSns,
      fulfilmentTopicArn: env['FULFILMENT_TOPIC_ARN'] ?? '',
    });
    stops.push(() => sms.stop());

    const sqs = new SQSClient({
      region: LOCAL_REGION,
      endpoint: env['AWS_ENDPOINT_URL_SQS'],
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // As the functions' clients (aws-clients.ts): no logger middleware copying every message for a log never written.
    sqs.middlewareStack.remove('loggerMiddleware');
    stops.push(() => sqs.destroy());
    const queueUrls = new Map<string, string>();
    const queueArns = new Map<string, string>();
    for (const spec of queues) {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${spec.name}-dlq` }));
      const dlqArn = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
      ).Attributes?.['QueueArn'];
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: spec.name,
          Attributes: {
            VisibilityTimeout: String(LOCAL_VISIBILITY_TIMEOUT_SECONDS),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
          },
        }),
      );
      const arn = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))
      ).Attributes?.['QueueArn'];
      queueUrls.set(spec.name, queue.QueueUrl ?? '');
      queueUrls.set(`${spec.name}-dlq`, dlq.QueueUrl ?? '');
      queueArns.set(spec.name, arn ?? '');
    }
    for (const spec of queues) {
      env[queueVariable(spec.name)] = queueUrls.get(spec.name) ?? '';
      env[dlqVariable(spec.name)] = queueUrls.get(`${spec.name}-dlq`) ?? '';
    }
    Object.assign(process.env, env);
    // Each handler is loaded with only the variables of its own capabilities, as in AWS.
    isolateHandlerEnvironments(env);
    const sesEvents = new SqsJsonQueue<unknown>(sqs, queueUrls.get('ses-events') ?? '');
    publishSesEvents = (sent) =>
      void sesEvents
        .enqueue(sent)
        .catch((error: unknown) => log(`[ses events] ${error instanceof Error ? error.message : String(error)}`));

    // Webhook deliveries that failed every attempt, as the stack's shared webhook dead-letter queue in AWS.
    const webhookDlq = await sqs.send(new CreateQueueCommand({ QueueName: 'webhooks-dlq' }));
    queueUrls.set('webhooks-dlq', webhookDlq.QueueUrl ?? '');
    const { DynamoWebhookStore } = await import('#adapters/webhook-store');
    const webhookStore = new DynamoWebhookStore(dynamoDocumentClient(), LOCAL_TABLE_NAME);
    const events = await startEventsEndpoint({
      port: ports.events,
      sqs,
      queueUrls,
      region: LOCAL_REGION,
      log,
      webhooks: {
        subscriptions: () => webhookStore.list(),
        deadLetterUrl: webhookDlq.QueueUrl ?? '',
        maxAttempts: Number(process.env['WEBHOOK_MAX_ATTEMPTS'] ?? 5),
        retryDelayMs: Number(process.env['WEBHOOK_RETRY_DELAY_MS'] ?? 200),
      },
    });
    stops.push(() => events.stop());

    const pollers: QueuePoller[] = queues.map((spec) =>
      startQueuePoller({
        sqs,
        spec,
        queueUrl: queueUrls.get(spec.name) ?? '',
        queueArn: queueArns.get(spec.name) ?? '',
        region: LOCAL_REGION,
        visibilityTimeoutSeconds: LOCAL_VISIBILITY_TIMEOUT_SECONDS,
        onError: (error) => log(`[queue ${spec.name}] ${describeError(error)}`),
      }),
    );
    stops.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    });

    if (options.clockSchedules !== false) {
      const scheduler = startScheduler({
        region: LOCAL_REGION,
        onError: (name, error) => log(`[schedule ${name}] ${error instanceof Error ? error.message : String(error)}`),
      });
      stops.push(() => scheduler.stop());
    }

    const localRoutes: LocalRoute[] = [
      async (request, _body, url) => {
        if (request.method !== 'GET' || url.pathname !== '/_local/outbox') return null;
        const store = (await fetchJson(`http://127.0.0.1:${ports.ses}/store`)) as { emails?: unknown[] };
        return {
          status: 200,
          body: {
            email: store.emails ?? [],
            sms: sms.messages,
            post: sms.posts,
            events: events.events,
            sesCalls: sesProxy.calls,
          },
        };
      },
      async (request, _body, url) => {
        if (request.method !== 'POST' || url.pathname !== '/_local/outbox/clear') return null;
        await fetch(`http://127.0.0.1:${ports.ses}/clear-store`, { method: 'POST' });
        sms.messages.length = 0;
        sms.posts.length = 0;
        events.events.length = 0;
        sesProxy.calls.length = 0;
        return { status: 200, body: { cleared: true } };
      },
      async (request, body, url) => {
        if (request.method !== 'POST' || url.pathname !== '/_local/faults/sns') return null;
        const input = JSON.parse(body.toString('utf8') || '{}') as { throttle?: unknown; loseAnswers?: unknown };
        const count = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) >= 1);
        if (!count(input.throttle) || !count(input.loseAnswers) || (!input.throttle && !input.loseAnswers))
          return invalidFaultCount;
        if (input.throttle) sms.throttle(input.throttle as number);
        if (input.loseAnswers) sms.loseAnswers(input.loseAnswers as number);
        return { status: 200, body: { throttle: input.throttle ?? null, loseAnswers: input.loseAnswers ?? null } };
      },
      async (request, body, url) => {
        if (request.method !== 'POST' || url.pathname !== '/_local/faults/ses') return null;
        const input = JSON.parse(body.toString('utf8') || '{}') as {
          throttle?: number;
          loseAnswers?: number;
          latencyMs?: number;
          domain?: string;
        };
        const count = (value: unknown) => Number.isInteger(value) && (value as number) >= 1;
        const latency = input.latencyMs;
        if (latency !== undefined) {
          if (!Number.isInteger(latency) || latency < 0 || latency > 10_000)
            return {
              status: 400,
              body: { title: 'Invalid request', status: 400, detail: '`latencyMs` must be an integer from 0 to 10000' },
            };
          sesProxy.delay(latency);
          if (input.throttle === undefined && input.loseAnswers === undefined)
            return { status: 200, body: { latencyMs: latency } };
        }
        if (input.throttle !== undefined ? !count(input.throttle) : !count(input.loseAnswers)) {
          return invalidFaultCount;
        }
        if (input.throttle !== undefined) sesProxy.throttle(input.throttle, input.domain);
        if (input.loseAnswers !== undefined) sesProxy.loseAnswers(input.loseAnswers, input.domain);
        return {
          status: 200,
          body: {
            throttle: input.throttle ?? null,
            loseAnswers: input.loseAnswers ?? null,
            domain: input.domain ?? null,
          },
        };
      },
      async (request, body, url) => {
        // SES-shaped events (delivery, open, bounce…) onto the same queue the configuration set's topic feeds in AWS.
        if (request.method !== 'POST' || url.pathname !== '/_local/ses-events') return null;
        const parsed = JSON.parse(body.toString('utf8') || '[]') as unknown;
        const list = Array.isArray(parsed) ? parsed : [parsed];
        await sesEvents.enqueue(list);
        return { status: 202, body: { queued: list.length } };
      },
      async (request, body, url) => {
        const match = /^\/_local\/schedules\/([\w-]+)$/.exec(url.pathname);
        if (request.method !== 'POST' || !match) return null;
        const name = match[1] ?? '';
        if (!schedules.some((spec) => spec.name === name)) {
          return {
            status: 404,
            body: {
              title: 'Not Found',
              status: 404,
              detail: `No schedule ${name}; known: ${schedules.map((s) => s.name).join(', ')}`,
            },
          };
        }
        let at = new Date();
        if (body.length > 0) {
          const input = JSON.parse(body.toString('utf8')) as { at?: string };
          if (input.at !== undefined) at = new Date(input.at);
          if (Number.isNaN(at.getTime()))
            return {
              status: 400,
              body: { title: 'Invalid request', status: 400, detail: '`at` must be an ISO 8601 time' },
            };
        }
        try {
          const result = await fireSchedule(name, at, LOCAL_REGION);
          return { status: 200, body: { rule: name, at: at.toISOString(), result: result ?? null } };
        } catch (error) {
          // As EventBridge would retry the target; locally the caller sees why (local routes only, never in AWS).
          const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          log(`[schedule ${name}] ${detail}`);
          return { status: 500, body: { title: 'Schedule failed', status: 500, detail } };
        }
      },
    ];
    const verifyAdmin = await adminVerifier(options.dataDir ? join(options.dataDir, 'local-admin') : undefined);
    const verifyPartner = partnerVerifier(options.dataDir ? join(options.dataDir, 'local-partner') : undefined);
    // The console: built now (esbuild, well under a second), its sign-in the local key pair's tokens.
    const { buildConsole, CONSOLE_OUT } = await import('../web/build.ts');
    buildConsole();
    const adminDir = options.dataDir ? join(options.dataDir, 'local-admin') : undefined;
    localRoutes.push(async (request, body, url) => {
      if (request.method !== 'POST' || url.pathname !== '/_local/console/token') return null;
      let group: unknown;
      try {
        group = (JSON.parse(body.toString('utf8') || '{}') as { group?: unknown }).group;
      } catch {
        group = undefined;
      }
      if (group !== 'marketing' && group !== 'viewer' && group !== 'privacy')
        return {
          status: 400,
          body: {
            title: 'Invalid request',
            status: 400,
            errors: [{ path: 'group', message: 'One of marketing, viewer, privacy' }],
          },
        };
      const { signAdminToken } = await import('./admin-keys.ts');
      return {
        status: 200,
        body: {
          token: await signAdminToken({
            group,
            subject: `console-${group}`,
            expiresIn: '8h',
            // A privacy officer finds members before exporting or erasing them: privacy with viewer, as such a
            // person is set up in Cognito (look-ups need marketing or viewer).
            ...(group === 'privacy' && { claims: { 'cognito:groups': ['viewer', 'privacy'] } }),
            ...(adminDir && { dir: adminDir }),
          }),
        },
      };
    });
    const gateway = await startGateway({
      port: ports.http,
      localRoutes,
      verifyAdmin,
      verifyPartner,
      console: {
        dir: CONSOLE_OUT,
        config: {
          auth: { kind: 'local' },
          sms: {
            senderName: env['SMS_SENDER_NAME'] ?? 'dangol',
            optOutNumber: env['SMS_OPT_OUT_NUMBER'] ?? '080-000-0000',
          },
        },
      },
    });
    stops.push(() => gateway.stop());

    const url = (port: number) => `http://127.0.0.1:${port}`;
    return {
      ports,
      urls: {
        http: url(ports.http),
        dynamodb: url(ports.dynamodb),
        ses: url(ports.ses),
        sqsSns: url(ports.sqsSns),
        sms: url(ports.sms),
        events: url(ports.events),
        sesApi: url(ports.sesApi),
      },
      env,
      queueUrls,
      pauseConsumer: async (queue) => {
        await pollers[queues.findIndex((spec) => spec.name === queue)]?.pause();
      },
      resumeConsumer: (queue) => pollers[queues.findIndex((spec) => spec.name === queue)]?.resume(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
