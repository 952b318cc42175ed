// The member as stored and as the use cases see it.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { isoInstant, locale } from './common.ts';
import { postalAddress, survey } from './enrollment.ts';

export const consentState = z.strictObject({
  value: z.boolean(),
  at: isoInstant,
  source: z.string(),
  /** E-mail only: when the member confirmed the address (double opt-in). */
  confirmedAt: z.optional(isoInstant),
});
export type ConsentState = z.infer<typeof consentState>;

export const consentChannel = z.enum(['email', 'sms', 'post', 'nightTime', 'guardian']);
export type ConsentChannel = z.infer<typeof consentChannel>;

/** One line of the consent history kept for the law: who agreed to what, when, through which source. */
export const consentRecord = z.strictObject({
  memberId: z.string(),
  channel: consentChannel,
  value: z.boolean(),
  at: isoInstant,
  source: z.string(),
});
export type ConsentRecord = z.infer<typeof consentRecord>;

/** `pending`: a child under 14 whose guardian has not yet confirmed by the SMS link (PIPA §22-2). */
export const memberStatus = z.enum(['active', 'pending', 'erased']);

/** Progress of a side effect that must happen once (a mail, an event): claimed before, done after. */
export const stepState = z.strictObject({ claimedAt: isoInstant, doneAt: z.optional(isoInstant) });
export type StepState = z.infer<typeof stepState>;

export const member = z.strictObject({
  memberId: z.string(),
  status: memberStatus,
  name: z.string(),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  /** When the member proved the e-mail address theirs (the link in the confirmation mail). */
  emailVerifiedAt: z.optional(isoInstant),
  /** When the member proved the phone theirs (the link in the verification SMS). */
  phoneVerifiedAt: z.optional(isoInstant),
  /** A new e-mail or phone the member asked for, waiting for its link (it replaces the old one once verified). */
  pendingContact: z.optional(
    z.strictObject({ channel: z.enum(['email', 'sms']), value: z.string(), requestedAt: isoInstant }),
  ),
  /** The contact a change replaced, until the notice to it has gone (then removed). */
  replacedContact: z.optional(z.strictObject({ channel: z.enum(['email', 'sms']), value: z.string() })),
  birthday: z.optional(z.string()),
  anniversary: z.optional(z.string()),
  postalAddress: z.optional(postalAddress),
  locale,
  timeZone: z.string(),
  consents: z.strictObject({
    email: consentState,
    sms: consentState,
    post: consentState,
    nightTime: consentState,
  }),
  guardianConsent: z.optional(z.boolean()),
  /** The guardian of a member under 14: name and phone (E.164). */
  guardian: z.optional(z.strictObject({ name: z.string(), phone: z.string() })),
  /** When the guardian confirmed the membership by the link in the SMS to their phone. */
  guardianConfirmedAt: z.optional(isoInstant),
  /** Consent to the collection-and-use notice: which version of the notice, and when. */
  privacyNotice: z.optional(z.strictObject({ version: z.string(), at: isoInstant })),
  survey: z.optional(survey),
  enrolledAt: isoInstant,
  source: z.string(),
  steps: z.record(z.string(), stepState),
});
export type Member = z.infer<typeof member>;
