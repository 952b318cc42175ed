// Rules of verification: when a member's e-mail or phone awaits its link, how long links live, how often they repeat.
import type { Member } from '#schema/member';

export const CONFIRMATION_VALID_DAYS = 7;
/** A repeated enrollment re-sends an unconfirmed confirmation mail at most this often. */
export const CONFIRMATION_RESEND_AFTER_MS = 10 * 60 * 1000;
/** A claim older than this whose side effect never completed (a crashed run) may be taken over. */
export const STALE_CLAIM_MS = 2 * 60 * 1000;

type Contacts = Pick<Member, 'email' | 'phone' | 'consents' | 'emailVerifiedAt' | 'phoneVerifiedAt'>;

/** The e-mail address is proven the member's: the link in the confirmation mail was followed (double opt-in). */
export function emailVerified(member: Contacts): boolean {
  return member.email !== undefined && (member.emailVerifiedAt ?? member.consents.email.confirmedAt) !== undefined;
}

/** The phone is proven the member's: the link in the verification SMS was followed. */
export function phoneVerified(member: Contacts): boolean {
  return member.phone !== undefined && member.phoneVerifiedAt !== undefined;
}

/**
 * An address that is not yet proven the member's waits for the confirmation mail's link, whatever the consent: the
 * address counts for nothing (sign-in, purchases made before enrolling) until then, and e-mail consent needs it.
 */
export function awaitsEmailConfirmation(member: Contacts): boolean {
  return member.email !== undefined && !emailVerified(member);
}

export function awaitsPhoneVerification(member: Contacts): boolean {
  return member.phone !== undefined && !phoneVerified(member);
}
