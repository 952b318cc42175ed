// Environment read and checked once, at cold start; a missing variable fails the first invocation loudly.
// Each section belongs to the capabilities that provide its variables (functions/shared/capabilities.ts): a handler
// can read only what its capabilities in infra/topology.ts bring, and tests/unit/capabilities.test.ts proves it.
import * as z from 'zod/mini';
import '#schema/zod-locale';
import { type Capability, dlqVariable, type QueueName, queueVariable } from './capabilities.ts';

const _url = () => z.string().check(z.regex(/^https?:\/\//));
const required = () => z.string().check(z.minLength(1));

const sections = {
  table: z.object({ TABLE_NAME: required() }),
  bus: z.object({ EVENT_BUS_NAME: required() }),
  mail: z.object({
    MAIL_FROM: z.string().check(z.minLength(3)),
    SES_CONFIGURATION_SET: required(),
    PUBLIC_BASE_URL: z.url(),
    /** SES messages per second this function may use (the configured rate split over the sender's instances). */
    MAX_SEND_RATE: z.coerce.number().check(z.positive()),
    /** The fraction of the account's SES rate that belongs to one instance (1 / the sender's concurrency). */
    SEND_RATE_SHARE: z.coerce.number().check(z.positive(), z.maximum(1)),
  }),
  sms: z.object({
    SMS_SENDER_NAME: z.string().check(z.minLength(1), z.maxLength(20)),
    /** The free opt-out number every advertising SMS ends with (080 number in Korea). */
    SMS_OPT_OUT_NUMBER: z.string().check(z.regex(/^[0-9+][0-9-]{5,19}$/)),
    MAX_SEND_RATE: z.coerce.number().check(z.positive()),
    /** Where links in SMS lead (the member's page). */
    PUBLIC_BASE_URL: z.url(),
  }),
  fulfilment: z.object({ FULFILMENT_TOPIC_ARN: required() }),
  tokens: z.object({
    TOKEN_SECRET: z.optional(z.string().check(z.minLength(32))),
    TOKEN_SECRET_ARN: z.optional(required()),
  }),
  programme: z.object({
    PROGRAMME_CURRENCY: z.string().check(z.regex(/^[A-Z]{3}$/)),
    PROGRAMME_TIME_ZONE: required(),
  }),
  contactHashes: z.object({
    CONTACT_HASH_KEYS: z.optional(z.string().check(z.minLength(32))),
    CONTACT_HASH_SECRET_ARN: z.optional(required()),
  }),
  phones: z.object({
    /** Comma-separated ISO 3166 countries, e.g. `KR` or `KR,JP`. */
    PHONE_COUNTRIES: z.string().check(z.regex(/^[A-Z]{2}(,[A-Z]{2})*$/)),
  }),
  webhooks: z.object({
    /** How webhook routes are built, as JSON (parsed by functions/shared/webhook-wiring.ts). */
    WEBHOOK_ROUTING: z.string().check(z.startsWith('{')),
  }),
  waves: z.object({
    /** Seconds between waves of a campaign (SQS delay, capped at 900). */
    WAVE_INTERVAL_SECONDS: z.coerce.number().check(z.minimum(0)),
    /** Seconds a held job waits on its queue before the sender looks at the kill switch again (SQS cap 900). */
    SENDING_HOLD_SECONDS: z.coerce.number().check(z.minimum(0), z.maximum(900)),
  }),
};

type Sections = typeof sections;
export type ConfigSection = keyof Sections;

/** The capabilities that provide each section's variables. */
export const SECTION_CAPABILITIES: Record<ConfigSection, readonly Capability[]> = {
  table: ['tableRead', 'tableWrite', 'auditWrite'],
  bus: ['bus'],
  mail: ['mail'],
  sms: ['sms'],
  fulfilment: ['fulfilment'],
  tokens: ['tokens'],
  programme: ['programme'],
  waves: ['waves'],
  phones: ['phones'],
  contactHashes: ['contactHashes'],
  webhooks: ['webhooks'],
};

function fail(names: string): never {
  throw new Error(`configuration: missing or invalid environment variables: ${names}`);
}

export function readConfig<S extends ConfigSection>(section: S): z.infer<Sections[S]> {
  const parsed = sections[section].safeParse(process.env);
  if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.path.join('.')).join(', '));
  return parsed.data as z.infer<Sections[S]>;
}

/** The URL of a queue the handler sends to (capability `queue:<name>`). */
export function queueUrl(queue: QueueName): string {
  const name = queueVariable(queue);
  const value = process.env[name];
  if (!value || !/^https?:\/\//.test(value)) fail(name);
  return value;
}

/** The URL of a queue's dead-letter queue (capability `dlq:<name>`). */
export function dlqUrl(queue: QueueName): string {
  const name = dlqVariable(queue);
  const value = process.env[name];
  if (!value || !/^https?:\/\//.test(value)) fail(name);
  return value;
}
