// The capability contract: what a handler may touch, and the environment variables each capability brings.
// infra/topology.ts lists each handler's capabilities; from this one map the CDK stack derives env vars and IAM
// grants, the local stack the environment it gives each handler, and `readConfig` the sections it may read.

/** Queues of the topology that a handler can be given (send to) or a consumer's dead-letter queue. */
export type QueueName =
  | 'enrollment-mail'
  | 'purchases'
  | 'tier-review'
  | 'rfm-scoring'
  | 'dispatch'
  | 'email-sends'
  | 'message-sends'
  | 'ses-events';

export type Capability =
  /** GetItem, Query, BatchGetItem on the table and its indexes; nothing written. */
  | 'tableRead'
  /** Reads and writes (conditional puts, updates, transactions) on the table. */
  | 'tableWrite'
  /** Adds entries to the audit log (PutItem on `AUDIT#` items only): for read-only handlers that record access. */
  | 'auditWrite'
  /** PutEvents on the loyalty bus. */
  | 'bus'
  /** SES v2 sending through the configuration set, links to the public base URL. */
  | 'mail'
  /** SNS Publish to phone numbers with the configured sender name and opt-out number, links to the member's page. */
  | 'sms'
  /** Publish to the fulfilment topic (post). */
  | 'fulfilment'
  /** Reads the link-signing secret. */
  | 'tokens'
  /** The programme's currency and time zone. */
  | 'programme'
  /** Wave spacing of campaigns. */
  | 'waves'
  /** The countries whose phones may enroll. */
  | 'phones'
  /** Reads the keys of the contact hash (prospects, suppression, per-contact limits are keyed by it). */
  | 'contactHashes'
  /** Builds and removes webhook routes (EventBridge rules, connections, API destinations, queues, pipes). */
  | 'webhooks'
  /** SendMessage to a queue. */
  | `queue:${QueueName}`
  /** SendMessage to a queue's dead-letter queue (events that can never apply go there at once). */
  | `dlq:${QueueName}`;

/** Receives of a purchase event before its queue dead-letters it (the consumer writes the reason on the last). */
export const PURCHASES_MAX_RECEIVES = 5;

/** Capabilities that are not queues, with the variables each one needs. */
export const CAPABILITY_VARIABLES = {
  tableRead: ['TABLE_NAME'],
  tableWrite: ['TABLE_NAME'],
  auditWrite: ['TABLE_NAME'],
  bus: ['EVENT_BUS_NAME'],
  mail: ['MAIL_FROM', 'SES_CONFIGURATION_SET', 'PUBLIC_BASE_URL', 'MAX_SEND_RATE', 'SEND_RATE_SHARE'],
  sms: ['SMS_SENDER_NAME', 'SMS_OPT_OUT_NUMBER', 'MAX_SEND_RATE', 'PUBLIC_BASE_URL'],
  fulfilment: ['FULFILMENT_TOPIC_ARN'],
  // In AWS the secret's ARN (read through the Parameters and Secrets extension); locally the secret itself.
  tokens: ['TOKEN_SECRET_ARN', 'TOKEN_SECRET'],
  programme: ['PROGRAMME_CURRENCY', 'PROGRAMME_TIME_ZONE'],
  waves: ['WAVE_INTERVAL_SECONDS', 'SENDING_HOLD_SECONDS'],
  phones: ['PHONE_COUNTRIES'],
  // In AWS the secret's ARN; locally the keys themselves.
  contactHashes: ['CONTACT_HASH_SECRET_ARN', 'CONTACT_HASH_KEYS'],
  // JSON: in AWS where routes are built (names, bus, pipe role, signer, dead-letter queue); locally `{"kind":"local"}`.
  webhooks: ['WEBHOOK_ROUTING'],
} as const satisfies Record<string, readonly string[]>;

/** Variables of a capability that are one of a set (the provider gives the one it has). */
const ONE_OF: Partial<Record<Capability, readonly string[]>> = {
  tokens: ['TOKEN_SECRET_ARN', 'TOKEN_SECRET'],
  contactHashes: ['CONTACT_HASH_SECRET_ARN', 'CONTACT_HASH_KEYS'],
};

export const queueVariable = (queue: QueueName) => `${queue.toUpperCase().replace(/-/g, '_')}_QUEUE_URL`;
export const dlqVariable = (queue: QueueName) => `${queue.toUpperCase().replace(/-/g, '_')}_DLQ_URL`;

/** Every environment variable a capability brings. */
export function variablesOf(capability: Capability): readonly string[] {
  if (capability.startsWith('queue:')) return [queueVariable(capability.slice(6) as QueueName)];
  if (capability.startsWith('dlq:')) return [dlqVariable(capability.slice(4) as QueueName)];
  return CAPABILITY_VARIABLES[capability as keyof typeof CAPABILITY_VARIABLES];
}

/**
 * The environment of a handler with these capabilities, its values taken from `values` (CDK tokens in AWS, local
 * endpoints locally). A variable the provider lacks stops synth or `npm start`, naming the handler and variable.
 */
export function environmentFor(
  handler: string,
  capabilities: readonly Capability[],
  values: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const capability of capabilities) {
    const oneOf = ONE_OF[capability];
    if (oneOf) {
      const present = oneOf.filter((name) => values[name] !== undefined);
      if (present.length === 0)
        throw new Error(`${handler}: capability ${capability} needs one of ${oneOf.join(', ')}`);
      for (const name of present) env[name] = values[name] as string;
      continue;
    }
    for (const name of variablesOf(capability)) {
      const value = values[name];
      if (value === undefined) throw new Error(`${handler}: capability ${capability} needs ${name}, which is not set`);
      env[name] = value;
    }
  }
  return env;
}
