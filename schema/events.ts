// Events on the `loyalty` bus that dangol puts for other systems (out) and accepts from sales channels (in).
import * as z from 'zod/mini';
import './zod-locale.ts';
import { consents, isoInstant, locale } from './common.ts';
import { ENROLLMENT_MAIL_EVENTS } from './event-source.ts';

export { EVENT_SOURCE } from './event-source.ts';

export const memberEnrolled = z.strictObject({
  memberId: z.string(),
  enrolledAt: isoInstant,
  locale,
  timeZone: z.string(),
  consents,
  emailConfirmationPending: z.boolean(),
  /** A phone was given and waits for the link in the verification SMS. */
  phoneVerificationPending: z.optional(z.boolean()),
  /** A member under 14 whose guardian must first confirm by the SMS link: nothing else is sent before. */
  guardianConfirmationPending: z.optional(z.boolean()),
  source: z.string(),
});
export type MemberEnrolled = z.infer<typeof memberEnrolled>;

export const memberEmailConfirmed = z.strictObject({ memberId: z.string(), confirmedAt: isoInstant });
export type MemberEmailConfirmed = z.infer<typeof memberEmailConfirmed>;

export const memberPhoneVerified = z.strictObject({ memberId: z.string(), verifiedAt: isoInstant });
export type MemberPhoneVerified = z.infer<typeof memberPhoneVerified>;

/** Someone enrolled again with a member's contact: the verification links again, or "already a member". */
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

/** A touchpoint left for one member on one channel (no personal data: ids, kind, channel, when). */
export const touchpointSent = z.strictObject({
  memberId: z.string(),
  entryId: z.string(),
  kind: z.string(),
  channel: z.enum(['email', 'sms', 'post']),
  /** 1 or 2 for a reached-not-opened follow-up. */
  followUp: z.optional(z.int()),
  /** The period the touchpoint is for (`2027` for a birthday, `2027-04` for a newsletter, `once`, …): with member, entry and channel it names the send once. */
  period: z.string(),
  /** SES's or SNS's message id. */
  messageId: z.string(),
  sentAt: isoInstant,
  tier: z.optional(z.string()),
  variant: z.optional(z.string()),
});
export type TouchpointSent = z.infer<typeof touchpointSent>;

/** A member's consent to a channel changed (ids, channel, value, who: no contact data). */
export const consentChanged = z.strictObject({
  memberId: z.string(),
  channel: z.enum(['email', 'sms', 'post', 'nightTime']),
  value: z.boolean(),
  /** `member` (their page), `one-click`/`unsubscribe-page`, `ses-complaint`, `admin`… */
  source: z.string(),
  at: isoInstant,
});
export type ConsentChanged = z.infer<typeof consentChanged>;

/** A purchase redeemed a coupon (ids and amounts only: the code is no contact data). */
export const couponRedeemed = z.strictObject({
  code: z.string(),
  memberId: z.string(),
  /** The calendar entry that issued the coupon, and its period: the campaign the order counts for. */
  campaignId: z.string(),
  period: z.string(),
  channel: z.string(),
  orderId: z.string(),
  /** The discount the coupon gave on the order, in the programme currency. */
  discount: z.int(),
  redeemedAt: isoInstant,
});
export type CouponRedeemed = z.infer<typeof couponRedeemed>;

/** The EventBridge envelope as it arrives in SQS from a rule, for the events the enrollment mail sender reads. */
export const enrollmentMailEvent = z.object({
  'detail-type': z.enum(ENROLLMENT_MAIL_EVENTS),
  detail: z.object({
    memberId: z.string().check(z.minLength(1), z.maxLength(64)),
    channel: z.optional(z.enum(['email', 'sms'])),
  }),
});

/** A member asked for a sign-in link to their page on a verified contact (the link itself never travels). */
export const signInRequested = z.strictObject({
  memberId: z.string(),
  channel: z.enum(['email', 'sms']),
  requestedAt: isoInstant,
});
export type SignInRequested = z.infer<typeof signInRequested>;

/** A member asked to delete their membership: the confirming link goes to a verified contact (it never travels). */
export const erasureRequested = signInRequested;
export type ErasureRequested = SignInRequested;

/** A member changed their profile: which fields, never their values (no personal data in events). */
export const profileChanged = z.strictObject({ memberId: z.string(), fields: z.array(z.string()), at: isoInstant });
export type ProfileChanged = z.infer<typeof profileChanged>;

/** A member asked to replace their e-mail or phone: the link goes to the new one (which never travels in events). */
export const contactChangeRequested = signInRequested;

/** A member's e-mail or phone was replaced by a verified new one (ids and the channel only). */
export const contactChanged = z.strictObject({
  memberId: z.string(),
  channel: z.enum(['email', 'sms']),
  at: isoInstant,
});
export type ContactChanged = z.infer<typeof contactChanged>;

/** A member's personal data was erased at their own confirmed request (ids only). */
export const memberErased = z.strictObject({
  memberId: z.string(),
  erasedAt: isoInstant,
  by: z.enum(['member', 'admin']),
});
export type MemberErased = z.infer<typeof memberErased>;

/** One member merged into another (`memberId` now resolves to `into`), or such a merge undone (ids only). */
export const membersMerged = z.strictObject({
  mergeId: z.string(),
  memberId: z.string(),
  into: z.string(),
  at: isoInstant,
  undone: z.optional(z.boolean()),
});
export type MembersMerged = z.infer<typeof membersMerged>;
