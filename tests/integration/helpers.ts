// Helpers for integration tests: HTTP against the local gateway, the SES emulator's store, polling.
import { expect, inject } from 'vitest';
import { localDynamoClient } from '#infra/local/dynamodb-local';

export const urls = () => inject('stackUrls');

export async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${urls().http}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, any>,
  };
}

export interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

/** The member that owns an e-mail or phone, as enrollment recorded it (the API does not tell: CONTRACT.md). */
export async function memberIdOf(contact: { email?: string; phone?: string }): Promise<string | undefined> {
  const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const { keys } = await import('#adapters/keys');
  const { normaliseEmail, normalisePhone } = await import('#domain/identity');
  const email = contact.email ? normaliseEmail(contact.email) : null;
  const phone = contact.phone ? normalisePhone(contact.phone) : null;
  const key = email ? keys.emailOwner(email) : phone ? keys.phoneOwner(phone) : null;
  if (!key) return undefined;
  const { Item } = await localDynamoClient(urls().dynamodb).send(
    new GetItemCommand({ TableName: 'dangol', Key: { PK: { S: key.PK }, SK: { S: key.SK } }, ConsistentRead: true }),
  );
  return Item?.['memberId']?.S;
}

/** Enrolls through the public API (which answers the same 202 for everyone) and finds the member it made. */
export async function enroll(person: Record<string, unknown>): Promise<{ memberId: string }> {
  const reply = await post('/members', person);
  if (reply.status !== 202) throw new Error(`enrollment answered ${reply.status}: ${reply.text}`);
  const memberId = await memberIdOf(person as { email?: string; phone?: string });
  if (!memberId) throw new Error('enrollment made no member');
  return { memberId };
}

export async function mailsTo(address: string): Promise<StoredMail[]> {
  const store = (await (await fetch(`${urls().ses}/store`)).json()) as { emails: StoredMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function confirmLink(mail: StoredMail): string {
  const match = /href="([^"]+\/members\/confirm\?token=[^"]+)"/.exec(mail.body.html ?? '');
  if (!match?.[1]) throw new Error('no confirmation link in the mail');
  return match[1].replace(/&amp;/g, '&');
}

export function dynamo() {
  return localDynamoClient(urls().dynamodb);
}

let counter = 0;
/** A fresh, valid enrollment body with unique contact data. */
export function newPerson(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const unique = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return {
    name: '김민지',
    email: `member-${unique}@example.com`,
    phone: `010-${digits.slice(0, 4)}-${digits.slice(4)}`,
    locale: 'ko',
    consents: { email: true, sms: false, post: false, nightTime: false },
    privacyNotice: true,
    ...overrides,
  };
}

const localAws = { region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** Puts events on the local bus through the real EventBridge client, as a sales channel would. */
export async function putEvents(entries: { detailType: string; detail: unknown; source?: string }[]): Promise<void> {
  const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const bus = new EventBridgeClient({ ...localAws, endpoint: urls().events });
  for (let i = 0; i < entries.length; i += 10) {
    const result = await bus.send(
      new PutEventsCommand({
        Entries: entries.slice(i, i + 10).map((entry) => ({
          EventBusName: 'loyalty',
          Source: entry.source ?? 'test.shop',
          DetailType: entry.detailType,
          Detail: JSON.stringify(entry.detail),
        })),
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
  }
  bus.destroy();
}

export async function sqs() {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  return new SQSClient({ ...localAws, endpoint: urls().sqsSns });
}

/** Waits until a queue has no visible and no in-flight messages. */
/** Messages a queue holds: waiting, in flight (a consumer has them) and delayed (waves). */
async function busyCount(queue: string): Promise<number> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const client = await sqs();
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: inject('queueUrls')[queue],
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes['ApproximateNumberOfMessages']) +
    Number(Attributes['ApproximateNumberOfMessagesNotVisible']) +
    Number(Attributes['ApproximateNumberOfMessagesDelayed'] ?? 0)
  );
}

/**
 * Waits until every one of these queues has been empty at once for a moment. A consumer hands work on before its
 * own message is deleted, so a chain of queues is never all empty while work is under way.
 */
export async function drained(queues: string | readonly string[], timeoutMs = 30_000): Promise<void> {
  const list = typeof queues === 'string' ? [queues] : queues;
  let quietSince = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const busy = (await Promise.all(list.map(busyCount))).reduce((sum, count) => sum + count, 0);
    if (busy === 0) {
      // Quiet for a while, not for one look: a hand-on between two queues can fall between two reads.
      if (quietSince && Date.now() - quietSince > 600) return;
      quietSince ||= Date.now();
    } else quietSince = 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`queue ${list.join(', ')} did not drain in ${timeoutMs} ms`);
}

/** Reads (and deletes) what is in a dead-letter queue, with the reason attribute. */
export async function takeDeadLetters(queue: string): Promise<{ body: string; reason?: string }[]> {
  const { ReceiveMessageCommand, DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
  const client = await sqs();
  const QueueUrl = inject('queueUrls')[`${queue}-dlq`];
  const out: { body: string; reason?: string }[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return out;
    for (const message of Messages) {
      const reason = message.MessageAttributes?.['reason']?.StringValue;
      out.push({ body: message.Body ?? '', ...(reason && { reason }) });
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

export interface AdminReply {
  status: number;
  etag: string | null;
  headers: Headers;
  body: Record<string, any>;
}

/** Calls an /admin route with a bearer token, as marketing's tools would. */
export function adminCaller(token: () => string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<AdminReply> => {
    const response = await fetch(`${urls().http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get('etag'),
      headers: response.headers,
      body: (text ? JSON.parse(text) : {}) as Record<string, any>,
    };
  };
}

/**
 * Runs `during` with the calendar entry `id` as `change` makes it (a PUT with If-Match, as marketing edits), then
 * puts the entry back as it was, so that later tests find the default programme.
 */
export async function whileEdited(
  call: ReturnType<typeof adminCaller>,
  id: string,
  change: (input: Record<string, any>) => Record<string, any>,
  during: () => Promise<void>,
): Promise<void> {
  const {
    id: _id,
    version,
    updatedAt: _at,
    updatedBy: _by,
    ...input
  } = (await call('GET', `/admin/calendar/${id}`)).body;
  const put = (body: unknown, at: number) => call('PUT', `/admin/calendar/${id}`, body, { 'if-match': `"${at}"` });
  const edited = await put(change(input), version);
  expect(edited.status, JSON.stringify(edited.body)).toBe(200);
  try {
    await during();
  } finally {
    expect((await put(input, edited.body['version'])).status).toBe(200);
  }
}

export interface CapturedSms {
  phoneNumber: string;
  message: string;
  attributes: Record<string, string>;
}

/** The SMS the local stack captured for a phone (any common form; compared as E.164). */
export async function smsTo(phone: string): Promise<CapturedSms[]> {
  const { normalisePhone } = await import('#domain/identity');
  const e164 = normalisePhone(phone);
  const box = (await (await fetch(`${urls().http}/_local/outbox`)).json()) as { sms: CapturedSms[] };
  return box.sms.filter((sms) => sms.phoneNumber === e164);
}

/** The token of the verification link in an SMS. */
export function smsToken(sms: CapturedSms): string {
  const match = /https?:\/\/\S+\/members\/confirm\?token=\S+/.exec(sms.message);
  if (!match) throw new Error('no verification link in the SMS');
  return new URL(match[0]).searchParams.get('token') ?? '';
}

/**
 * Calls a /partner route as a shop would: signed with AWS SigV4 (service execute-api) with the local key pair of
 * `npm run partner-credentials`; `unsigned` sends no signature, `tamper` changes the body after signing.
 */
export async function partnerCall(
  method: string,
  path: string,
  body?: unknown,
  options: { unsigned?: boolean; tamper?: (body: string) => string; secret?: string } = {},
): Promise<{ status: number; body: Record<string, any> }> {
  const { partnerCredentials, signPartnerRequest } = await import('#infra/local/partner-keys');
  const url = new URL(`${urls().http}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const credentials = partnerCredentials();
  const headers = options.unsigned
    ? { 'content-type': 'application/json' }
    : await signPartnerRequest(url, method, text, {
        ...credentials,
        ...(options.secret && { secretAccessKey: options.secret }),
      });
  const { host: _host, ...sent } = headers as Record<string, string>;
  const response = await fetch(url, {
    method,
    headers: sent,
    ...(text !== undefined && { body: options.tamper ? options.tamper(text) : text }),
  });
  const reply = await response.text();
  return { status: response.status, body: (reply ? JSON.parse(reply) : {}) as Record<string, any> };
}

/** Members a test made, retired after it, so that later campaigns (sent to every active member) skip them. */
export async function retire(memberIds: readonly string[]): Promise<void> {
  const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
  await Promise.all(
    memberIds.map((memberId) =>
      dynamo().send(
        new UpdateItemCommand({
          TableName: 'dangol',
          Key: { PK: { S: `MEMBER#${memberId}` }, SK: { S: 'PROFILE' } },
          UpdateExpression: 'SET #status = :retired',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':retired': { S: 'retired' } },
        }),
      ),
    ),
  );
}
