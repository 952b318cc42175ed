// SES API front for the local stack: passes every call to the SES v2 emulator and records which sending calls
// were made (so tests can count SendBulkEmail calls), can answer the next N sending calls to a domain with SES's
// own throttling error or send them and lose the answer, or answer every sending call only after a delay, as SES in
// AWS takes tens of milliseconds (`POST /_local/faults/ses`), and publishes the
// configuration set's `Send` event of each accepted message — things the emulator cannot do.
import { createServer, type Server } from 'node:http';
import { readBody, relay } from './http-relay.ts';

export interface SesCall {
  readonly action: 'SendEmail' | 'SendBulkEmail';
  readonly to: readonly string[];
  readonly throttled: boolean;
  readonly at: string;
}

export interface SesProxy {
  readonly server: Server;
  readonly calls: SesCall[];
  /** Throttle the next `count` sending calls that include an address at `domain` (any domain when absent). */
  throttle(count: number, domain?: string): void;
  /** The next `count` such calls are sent, but the caller gets a 500 instead of SES's answer (a lost answer). */
  loseAnswers(count: number, domain?: string): void;
  /** Every sending call from now on is answered `ms` later (0: at once, the default). */
  delay(ms: number): void;
  stop(): Promise<void>;
}

function recipientsOf(path: string, body: Buffer): { action: SesCall['action']; to: string[] } | null {
  if (!path.startsWith('/v2/email/outbound-')) return null;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      Destination?: { ToAddresses?: string[] };
      BulkEmailEntries?: { Destination?: { ToAddresses?: string[] } }[];
    };
    if (path.startsWith('/v2/email/outbound-bulk-emails'))
      return {
        action: 'SendBulkEmail',
        to: (parsed.BulkEmailEntries ?? []).flatMap((entry) => entry.Destination?.ToAddresses ?? []),
      };
    if (path.startsWith('/v2/email/outbound-emails'))
      return { action: 'SendEmail', to: parsed.Destination?.ToAddresses ?? [] };
  } catch {
    return null;
  }
  return null;
}

/** SES's `Send` event (event publishing through a configuration set), as SNS delivers it raw. */
export interface SesSendEvent {
  readonly eventType: 'Send';
  readonly mail: {
    readonly messageId: string;
    readonly timestamp: string;
    readonly destination: readonly string[];
    readonly tags: Record<string, string[]>;
  };
}

type Tag = { Name?: string; Value?: string };
function tagMap(...lists: (readonly Tag[] | undefined)[]): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const tag of lists.flatMap((list) => list ?? []))
    if (tag.Name && tag.Value !== undefined) tags[tag.Name] = [tag.Value];
  return tags;
}

/** The `Send` events of an accepted SendEmail / SendBulkEmail call, from its request and the emulator's answer. */
function sendEvents(action: SesCall['action'], requestBody: Buffer, replyBody: Buffer): SesSendEvent[] {
  const timestamp = new Date().toISOString();
  const request = JSON.parse(requestBody.toString('utf8')) as {
    Destination?: { ToAddresses?: string[] };
    EmailTags?: Tag[];
    DefaultEmailTags?: Tag[];
    BulkEmailEntries?: { Destination?: { ToAddresses?: string[] }; ReplacementTags?: Tag[] }[];
  };
  const reply = JSON.parse(replyBody.toString('utf8')) as {
    MessageId?: string;
    BulkEmailEntryResults?: { Status?: string; MessageId?: string }[];
  };
  if (action === 'SendEmail') {
    return reply.MessageId
      ? [
          {
            eventType: 'Send',
            mail: {
              messageId: reply.MessageId,
              timestamp,
              destination: request.Destination?.ToAddresses ?? [],
              tags: tagMap(request.EmailTags),
            },
          },
        ]
      : [];
  }
  return (reply.BulkEmailEntryResults ?? []).flatMap((result, index) => {
    const entry = request.BulkEmailEntries?.[index];
    if (result.Status !== 'SUCCESS' || !result.MessageId || !entry) return [];
    return [
      {
        eventType: 'Send' as const,
        mail: {
          messageId: result.MessageId,
          timestamp,
          destination: entry.Destination?.ToAddresses ?? [],
          tags: tagMap(request.DefaultEmailTags, entry.ReplacementTags),
        },
      },
    ];
  });
}

export async function startSesProxy(options: {
  port: number;
  sesPort: number;
  onSend: (events: SesSendEvent[]) => void;
  /** The account's SES sending rate that GetAccount reports (default 500 per second). */
  maxSendRate?: number;
}): Promise<SesProxy> {
  const calls: SesCall[] = [];
  const faults: { kind: 'throttle' | 'lost-answer'; domain?: string; remaining: number }[] = [];
  let latencyMs = 0;
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (latencyMs > 0 && request.method === 'POST' && (request.url ?? '').startsWith('/v2/email/outbound-'))
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
    // GetAccount, which the emulator lacks: a production account with the local quota (as SES answers it).
    if (request.method === 'GET' && (request.url ?? '').split('?')[0] === '/v2/email/account') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ProductionAccessEnabled: true,
          SendingEnabled: true,
          EnforcementStatus: 'HEALTHY',
          SendQuota: {
            Max24HourSend: 1_000_000,
            MaxSendRate: options.maxSendRate ?? 500,
            SentLast24Hours: calls.length,
          },
        }),
      );
      return;
    }
    const sending = request.method === 'POST' ? recipientsOf(request.url ?? '', body) : null;
    const publish = (status: number, reply: Buffer) => {
      if (sending && status === 200) options.onSend(sendEvents(sending.action, body, reply));
    };
    if (sending) {
      const fault = faults.find(
        (candidate) =>
          candidate.remaining > 0 &&
          (!candidate.domain || sending.to.some((to) => to.endsWith(`@${candidate.domain}`))),
      );
      calls.push({ ...sending, throttled: fault?.kind === 'throttle', at: new Date().toISOString() });
      if (fault?.kind === 'lost-answer') {
        fault.remaining -= 1;
        // The emulator sends (and the Send events go out), but the caller hears only a server error.
        relay(options.sesPort, request, body, null, (status, reply) => {
          publish(status, reply);
          response.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
          response.end(JSON.stringify({ message: 'An internal error occurred.' }));
        });
        return;
      }
      if (fault) {
        fault.remaining -= 1;
        response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        response.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
    }
    relay(options.sesPort, request, body, response, sending ? publish : undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    server,
    calls,
    throttle: (count, domain) => faults.push({ kind: 'throttle', remaining: count, ...(domain && { domain }) }),
    loseAnswers: (count, domain) => faults.push({ kind: 'lost-answer', remaining: count, ...(domain && { domain }) }),
    delay: (ms) => {
      latencyMs = ms;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
