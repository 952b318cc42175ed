// SNS front for the local stack: captures `Publish` to a PhoneNumber (which fauxqs lacks) and passes every other
// SNS call through to fauxqs, so one SNS endpoint serves SMS, topics and subscriptions as in AWS.
import { createServer, type Server } from 'node:http';
import { readBody, relay } from './http-relay.ts';
import { randomUUID } from 'node:crypto';

export interface CapturedSms {
  readonly messageId: string;
  readonly phoneNumber: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
  readonly at: string;
}

/** SNS query-protocol message attributes: MessageAttributes.entry.N.Name / .Value.StringValue. */
function messageAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    attributes[name] = form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return attributes;
}

export interface CapturedPost {
  readonly messageId: string;
  readonly topicArn: string;
  readonly record: unknown;
  readonly at: string;
}

export interface SmsCapture {
  readonly server: Server;
  readonly messages: CapturedSms[];
  /** The next `count` SMS are refused with SNS's throttling error (nothing sent). */
  throttle(count: number): void;
  /** The next `count` SMS are sent (captured), but the caller gets a 500 instead of SNS's answer. */
  loseAnswers(count: number): void;
  /** Publishes to the fulfilment topic: the address records of mailings. */
  readonly posts: CapturedPost[];
  stop(): Promise<void>;
}

export async function startSmsCapture(options: {
  port: number;
  fauxqsPort: number;
  fulfilmentTopicArn?: string;
}): Promise<SmsCapture> {
  const messages: CapturedSms[] = [];
  const posts: CapturedPost[] = [];
  const faults = { throttle: 0, loseAnswers: 0 };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const form = new URLSearchParams(body.toString('utf8'));
    if (request.method === 'POST' && form.get('Action') === 'Publish' && form.get('PhoneNumber')) {
      if (faults.throttle > 0) {
        faults.throttle -= 1;
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const messageId = randomUUID();
      messages.push({
        messageId,
        phoneNumber: form.get('PhoneNumber') ?? '',
        message: form.get('Message') ?? '',
        attributes: messageAttributes(form),
        at: new Date().toISOString(),
      });
      if (faults.loseAnswers > 0) {
        faults.loseAnswers -= 1;
        response.writeHead(500, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>An internal error occurred.</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    if (
      request.method === 'POST' &&
      form.get('Action') === 'Publish' &&
      options.fulfilmentTopicArn &&
      form.get('TopicArn') === options.fulfilmentTopicArn
    ) {
      const messageId = randomUUID();
      let record: unknown = form.get('Message');
      try {
        record = JSON.parse(String(record));
      } catch {
        // kept as text
      }
      posts.push({ messageId, topicArn: options.fulfilmentTopicArn, record, at: new Date().toISOString() });
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    if (request.method === 'GET' && request.url === '/messages') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ messages }));
      return;
    }
    relay(options.fauxqsPort, request, body, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    server,
    messages,
    posts,
    throttle: (count) => {
      faults.throttle += count;
    },
    loseAnswers: (count) => {
      faults.loseAnswers += count;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
