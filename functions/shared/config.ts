// Environment read and checked once, at cold start; a missing variable fails the first invocation loudly.
import * as z from 'zod/mini';
import '#schema/zod-locale';

const sections = {
  table: z.object({ TABLE_NAME: z.string().check(z.minLength(1)) }),
  bus: z.object({ EVENT_BUS_NAME: z.string().check(z.minLength(1)) }),
  mail: z.object({
    MAIL_FROM: z.string().check(z.minLength(3)),
    SES_CONFIGURATION_SET: z.string().check(z.minLength(1)),
    PUBLIC_BASE_URL: z.url(),
  }),
  programme: z.object({
    PROGRAMME_CURRENCY: z._default(z.string().check(z.regex(/^[A-Z]{3}$/)), 'KRW'),
    PROGRAMME_TIME_ZONE: z._default(z.string().check(z.minLength(1)), 'Asia/Seoul'),
  }),
  reviewQueue: z.object({ TIER_REVIEW_QUEUE_URL: z.string().check(z.regex(/^https?:\/\//)) }),
  rfmQueue: z.object({ RFM_SCORING_QUEUE_URL: z.string().check(z.regex(/^https?:\/\//)) }),
  dispatchQueue: z.object({ DISPATCH_QUEUE_URL: z.string().check(z.regex(/^https?:\/\//)) }),
  emailSendsQueue: z.object({ EMAIL_SENDS_QUEUE_URL: z.string().check(z.regex(/^https?:\/\//)) }),
  messageSendsQueue: z.object({ MESSAGE_SENDS_QUEUE_URL: z.string().check(z.regex(/^https?:\/\//)) }),
  fulfilment: z.object({ FULFILMENT_TOPIC_ARN: z.optional(z.string().check(z.minLength(1))) }),
  sending: z.object({
    /** SES maximum send rate (messages per second) this function may use. */
    MAX_SEND_RATE: z._default(z.coerce.number().check(z.positive()), 14),
    /** Seconds between waves of a campaign (SQS delay, capped at 900). */
    WAVE_INTERVAL_SECONDS: z._default(z.coerce.number().check(z.minimum(0)), 60),
    SMS_SENDER_NAME: z._default(z.string().check(z.minLength(1), z.maxLength(20)), 'dangol'),
    /** The free opt-out number every advertising SMS ends with (080 number in Korea). */
    SMS_OPT_OUT_NUMBER: z._default(z.string().check(z.minLength(3)), '080-000-0000'),
  }),
  purchasesDlq: z.object({ PURCHASES_DLQ_URL: z.string().check(z.regex(/^https?:\/\//)) }),
  tokens: z.object({
    TOKEN_SECRET: z.optional(z.string().check(z.minLength(32))),
    TOKEN_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  }),
};

type Sections = typeof sections;

export function readConfig<S extends keyof Sections>(section: S): z.infer<Sections[S]> {
  const parsed = sections[section].safeParse(process.env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`configuration: missing or invalid environment variables: ${names}`);
  }
  return parsed.data as z.infer<Sections[S]>;
}
