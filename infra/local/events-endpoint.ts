// A local EventBridge `PutEvents` endpoint (JSON protocol): applies the topology's rules and delivers each matching
// event to its SQS queue in fauxqs, in the same envelope EventBridge uses.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_BUS_NAME, eventRules } from '../topology.ts';

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
}): Promise<EventsEndpoint> {
  const events: BusEvent[] = [];

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
