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
