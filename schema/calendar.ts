// The benefit calendar: which touchpoint goes to which tier, when, how, with which text and offer.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { isoInstant } from './common.ts';

export const touchpointKind = z.enum([
  'welcome',
  'vip_entry',
  'birthday',
  'anniversary',
  'enrollment_anniversary',
  'newsletter',
  'new_product',
  'thank_you_event',
  'quarterly_mailing',
  'tier_downgrade_notice',
  'consent_renewal',
  'custom',
]);

export const trigger = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('event'),
    event: z.enum(['enrollment_confirmed', 'tier_entered', 'tier_downgrade_due', 'consent_renewal_due']),
  }),
  z.strictObject({
    type: z.literal('member_date'),
    field: z.enum(['birthday', 'anniversary', 'enrolledAt']),
    offsetDays: z.int().check(z.minimum(-30), z.maximum(30)),
    localHour: z.int().check(z.minimum(0), z.maximum(23)),
  }),
  // Every month, every quarter (January, April, July, October) or every year in `month`, on `day` at `hour` in the
  // programme's zone: the newsletter, the quarterly mailing, the yearly thank-you event and seasonal mailings.
  z
    .strictObject({
      type: z.literal('recurring'),
      every: z.enum(['month', 'quarter', 'year']),
      month: z.optional(z.int().check(z.minimum(1), z.maximum(12))),
      day: z.int().check(z.minimum(1), z.maximum(28)),
      hour: z.int().check(z.minimum(0), z.maximum(23)),
    })
    .check(
      z.refine((recurring) => (recurring.every === 'year') === (recurring.month !== undefined), {
        message: 'A month for every: year, and only then',
        path: ['month'],
      }),
    ),
  z.strictObject({ type: z.literal('once'), at: isoInstant }),
]);

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const perLocale = <T extends z.ZodMiniType>(schema: T) =>
  z.strictObject({ ko: z.optional(schema), en: z.optional(schema) });

export const calendarContent = z.strictObject({
  email: z.optional(perLocale(z.strictObject({ subject: text(200), html: text(100_000), text: text(50_000) }))),
  sms: z.optional(perLocale(z.strictObject({ text: text(2000) }))),
  post: z.optional(perLocale(z.strictObject({ title: text(200) }))),
});

export const calendarEntryInput = z.strictObject({
  name: text(100),
  kind: touchpointKind,
  trigger,
  /** Tier codes targeted; at least one. */
  tiers: z.array(z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,15}$/))).check(z.minLength(1), z.maxLength(12)),
  segments: z.optional(z.array(z.enum(['most-frequent', 'frequent', 'average', 'occasional'])).check(z.maxLength(4))),
  channels: z.array(z.enum(['email', 'sms', 'post'])).check(z.minLength(1), z.maxLength(3)),
  advertising: z.boolean(),
  content: calendarContent,
  offer: z.optional(
    z.strictObject({
      percentBy: z.enum(['tier', 'rfm']),
      percents: z.record(z.string().check(z.maxLength(20)), z.int().check(z.minimum(0), z.maximum(90))),
      /** A fixed amount off (programme currency) by the same keys, for a key whose percent is 0 or absent. */
      amounts: z.optional(
        z.record(z.string().check(z.maxLength(20)), z.int().check(z.minimum(0), z.maximum(10_000_000))),
      ),
      /** The least a basket must come to for the coupon to apply (programme currency); 0 when absent. */
      minSpend: z.optional(z.int().check(z.minimum(0), z.maximum(100_000_000))),
      validityDays: z.int().check(z.minimum(1), z.maximum(365)),
    }),
  ),
  /** Days after a touchpoint within which a member's purchase counts as its conversion (last touch); 7 when absent. */
  attributionDays: z.optional(z.int().check(z.minimum(1), z.maximum(90))),
  /**
   * A control group: this share of the entry's audience, drawn stably per member and entry, is not sent to, so the
   * report can compare what the touchpoint changed. Off when absent; `{}` keeps the default 5 %.
   */
  holdout: z.optional(z.strictObject({ percent: z._default(z.int().check(z.minimum(1), z.maximum(50)), 5) })),
  followUp: z.optional(
    z.strictObject({
      delayHours: z.int().check(z.minimum(1), z.maximum(168)),
      max: z.int().check(z.minimum(1), z.maximum(2)),
      alternates: z
        .array(z.strictObject({ subject: text(200), senderName: text(60) }))
        .check(z.minLength(1), z.maxLength(2)),
    }),
  ),
  preTest: z.optional(
    z.strictObject({
      sampleFraction: z.number().check(z.minimum(0.01), z.maximum(0.5)),
      variants: z.array(z.strictObject({ name: text(40), subject: text(200) })).check(z.minLength(2), z.maxLength(4)),
      metric: z.enum(['open', 'click']),
      decisionDelayHours: z.int().check(z.minimum(1), z.maximum(72)),
    }),
  ),
  frequencyCap: z.optional(
    z.strictObject({
      max: z.int().check(z.minimum(1), z.maximum(31)),
      perDays: z.int().check(z.minimum(1), z.maximum(365)),
    }),
  ),
  activeFrom: z.optional(isoInstant),
  activeTo: z.optional(isoInstant),
});
export type CalendarEntryInput = z.infer<typeof calendarEntryInput>;

export interface CalendarEntry extends CalendarEntryInput {
  readonly id: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** `POST /admin/calendar/{id}/test-send`: the entry rendered with sample values to one address or phone, marked as a test. */
export const testSendRequest = z.strictObject({
  channel: z.enum(['email', 'sms']),
  /** An e-mail address for `email`, a phone number (Korean or E.164) for `sms`. */
  to: z.string().check(z.minLength(3), z.maxLength(254)),
  locale: z._default(z.enum(['ko', 'en']), 'ko'),
});
export type TestSendRequest = z.infer<typeof testSendRequest>;
