// One SDK client per service and container, created on first use: the only place that constructs one. Endpoints
// come from the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables, which the local stack sets to the emulators.
// Each client is a function, so a handler's bundle holds only the clients it calls.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PipesClient } from '@aws-sdk/client-pipes';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './tracing.ts';

let documentClient: DynamoDBDocumentClient | undefined;
let events: EventBridgeClient | undefined;
let pipes: PipesClient | undefined;
let ses: SESv2Client | undefined;
let sns: SNSClient | undefined;
let sqs: SQSClient | undefined;

/**
 * Every client: traced (tracing.ts), and without the SDK's logger middleware: with the default no-op logger it still builds a log-safe copy of every input
 * and output (`schemaLogFilter`), about 4 % of the sender's CPU in the bench, for logs nobody writes — dangol never
 * logs through the SDK. Errors are thrown as before.
 */
function instrumented<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  // Each call an X-Ray subsegment where the function runs with active tracing (tracing.ts).
  return traced(client);
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(instrumented(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function eventBridgeClient(): EventBridgeClient {
  events ??= instrumented(new EventBridgeClient({}));
  return events;
}

export function pipesClient(): PipesClient {
  pipes ??= instrumented(new PipesClient({}));
  return pipes;
}

export function snsClient(): SNSClient {
  sns ??= instrumented(new SNSClient({}));
  return sns;
}

export function sqsClient(): SQSClient {
  // The queue URL is the one the stack passed; the SDK's endpoint (env or AWS default) already serves it.
  sqs ??= instrumented(new SQSClient({ useQueueUrlAsEndpoint: false }));
  return sqs;
}

/** Socket failures where no answer came back and the request was, as a rule, never read (a reused idle socket). */
const UNANSWERED_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_RETRIES = 2;

interface Attempts {
  getRetryCount(): number;
  getRetryDelay(): number;
}
const attempts = (count: number): Attempts => ({
  getRetryCount: () => count,
  getRetryDelay: () => (count === 0 ? 0 : 100 * 2 ** (count - 1)),
});

/**
 * The SDK's retries for bulk sends: only a connection that failed without any answer (twice at most). Never a
 * throttle (the sender backs off itself, under its rate), a 5xx or a timeout: SES may have sent, and a retry
 * would send the whole call again — the ledger settles those from SES's Send events.
 */
export const connectionRetriesOnly = {
  acquireInitialRetryToken: async (): Promise<Attempts> => attempts(0),
  refreshRetryTokenForRetry: async (token: Attempts, info: { error?: unknown }): Promise<Attempts> => {
    const error = info.error as { code?: string; name?: string; $response?: unknown } | undefined;
    const code = error?.code ?? error?.name ?? '';
    if (
      !UNANSWERED_CONNECTION.has(code) ||
      error?.$response !== undefined ||
      token.getRetryCount() >= CONNECTION_RETRIES
    )
      throw error;
    return attempts(token.getRetryCount() + 1);
  },
  recordSuccess: (): void => undefined,
};

/** For bulk sends (see `connectionRetriesOnly`). */
export function sesSendingClient(): SESv2Client {
  return instrumented(new SESv2Client({ retryStrategy: connectionRetriesOnly }));
}

/** For SMS and post sends: as `sesSendingClient`, no retry after a request that may have been sent. */
export function snsSendingClient(): SNSClient {
  return instrumented(new SNSClient({ retryStrategy: connectionRetriesOnly }));
}

export function sesClient(): SESv2Client {
  ses ??= instrumented(new SESv2Client({}));
  return ses;
}
