// Rules of the double opt-in: when a member's e-mail awaits confirmation, how long links live, how often mail repeats.
import type { Member } from '#schema/member';

export const CONFIRMATION_VALID_DAYS = 7;
/** A repeated enrollment re-sends an unconfirmed confirmation mail at most this often. */
export const CONFIRMATION_RESEND_AFTER_MS = 10 * 60 * 1000;
/** A claim older than this whose side effect never completed (a crashed run) may be taken over. */
export const STALE_CLAIM_MS = 2 * 60 * 1000;

export function awaitsEmailConfirmation(member: Pick<Member, 'email' | 'consents'>): boolean {
  return member.email !== undefined && member.consents.email.value && member.consents.email.confirmedAt === undefined;
}
