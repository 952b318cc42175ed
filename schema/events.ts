// Events on the `loyalty` bus that dangol puts for other systems (out) and accepts from sales channels (in).
import * as z from 'zod/mini';
import './zod-locale.ts';
import { consents, isoInstant, locale } from './common.ts';

export const memberEnrolled = z.strictObject({
  memberId: z.string(),
  enrolledAt: isoInstant,
  locale,
  timeZone: z.string(),
  consents,
  emailConfirmationPending: z.boolean(),
  source: z.string(),
});
export type MemberEnrolled = z.infer<typeof memberEnrolled>;

export const memberEmailConfirmed = z.strictObject({ memberId: z.string(), confirmedAt: isoInstant });
export type MemberEmailConfirmed = z.infer<typeof memberEmailConfirmed>;

export const emailConfirmationRequested = z.strictObject({ memberId: z.string(), requestedAt: isoInstant });
export type EmailConfirmationRequested = z.infer<typeof emailConfirmationRequested>;

export const tierChangeReason = z.enum(['purchase', 'refund-review', 'review', 'manual']);
export type TierChangeReason = z.infer<typeof tierChangeReason>;

export const tierChanged = z.strictObject({
  memberId: z.string(),
  from: z.string(),
  to: z.string(),
  reason: tierChangeReason,
  at: isoInstant,
  ladderVersion: z.int(),
});
export type TierChanged = z.infer<typeof tierChanged>;



/** The EventBridge envelope as it arrives in SQS from a rule, for the events the enrollment mail sender reads. */
export const enrollmentMailEvent = z.object({
  'detail-type': z.enum(['Member Enrolled', 'Email Confirmation Requested', 'Member Email Confirmed']),
  detail: z.object({ memberId: z.string().check(z.minLength(1), z.maxLength(64)) }),
});
