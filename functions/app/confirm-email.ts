// Use case: someone follows a verification link — the double opt-in mail's (the e-mail address, and e-mail consent
// with it), the verification SMS's (the phone), or the guardian's SMS (a child's membership, PIPA §22-2). A contact
// starts to count: what was bought under it before enrolling joins the member, SMS consent takes effect,
// `Member Email Confirmed` / `Member Phone Verified` goes on the bus once. A guardian's confirmation activates the
// child's membership and asks for the child's own verification links.
import { bindingOf, type TokenClaims, verifyToken } from '#domain/signed-token';
import { STALE_CLAIM_MS } from '#domain/enrollment-rules';
import type { Locale } from '#schema/common';
import type { Member } from '#schema/member';
import type { EmailConfirmationRequested, MemberEmailConfirmed, MemberPhoneVerified } from '#schema/events';
import { ValidationError } from './validation.ts';
import { runStepOnce } from './member-step.ts';
import type { Clock, EventPublisher, MemberStore, TokenSecret } from './ports.ts';

export interface ConfirmDeps {
  readonly members: MemberStore;
  readonly events: EventPublisher;
  readonly secret: TokenSecret;
  readonly clock: Clock;
  /** Joins the purchases kept under a now verified contact to the member (each prospect at most once). */
  readonly absorbProspects?: (memberId: string, contacts: { email?: string; phone?: string }) => Promise<unknown>;
}

export type VerifiedContact = 'email' | 'phone' | 'guardian';

export interface ConfirmOutcome {
  readonly memberId: string;
  readonly locale: Locale;
  readonly contact: VerifiedContact;
  readonly result: 'confirmed' | 'already-confirmed';
  /** An address verified before (e-mail given again on the member's page): no welcome, the page says so. */
  readonly again?: boolean;
}

const invalidLink = (message: string) => new ValidationError([{ path: 'token', message }]);

const PURPOSES = { 'confirm-email': 'email', 'verify-phone': 'phone', 'guardian-consent': 'guardian' } as const;

/** The token's claims for whichever verification it is for; a link of another kind is not valid here. */
function checkToken(token: string, secret: string, now: Date): { claims: TokenClaims; contact: VerifiedContact } {
  let expired = false;
  for (const [purpose, contact] of Object.entries(PURPOSES) as [keyof typeof PURPOSES, VerifiedContact][]) {
    const check = verifyToken(token, purpose, secret, now);
    if (check.ok) return { claims: check.claims, contact };
    expired ||= check.reason === 'expired';
  }
  throw invalidLink(
    expired ? 'The confirmation link has expired: enroll again to get a new one' : 'The confirmation link is not valid',
  );
}

/** The member a verification link is for, if the link is sound; reads only, so opening a link changes nothing. */
async function linkedMember(token: string | undefined, deps: Pick<ConfirmDeps, 'members' | 'secret' | 'clock'>) {
  if (!token) throw invalidLink('The confirmation link has no token');
  const now = deps.clock();
  const secret = deps.secret.current();
  const { claims, contact } = checkToken(token, secret, now);
  const member = await deps.members.getMember(claims.sub);
  const value = contact === 'guardian' ? member?.guardian?.phone : member?.[contact];
  // A child's own contacts wait for the guardian; the guardian's link is for a pending membership only.
  const status = contact === 'guardian' ? ['pending', 'active'] : ['active'];
  if (!member || !status.includes(member.status) || !value || bindingOf(value, secret) !== claims.bind) {
    throw invalidLink('The confirmation link is not valid');
  }
  return { member, contact, value, now };
}

/**
 * What opening the link (GET) shows: the page with the button, in the member's language. Mail scanners and link
 * previews fetch links; they must confirm nothing, so only the button's POST does.
 */
export async function checkConfirmLink(
  token: string | undefined,
  deps: Pick<ConfirmDeps, 'members' | 'secret' | 'clock'>,
): Promise<{ locale: Locale; contact: VerifiedContact }> {
  const { member, contact } = await linkedMember(token, deps);
  return { locale: member.locale, contact };
}

export async function confirmEmail(token: string | undefined, deps: ConfirmDeps): Promise<ConfirmOutcome> {
  const { member, contact, value, now } = await linkedMember(token, deps);
  const at = now.toISOString();
  const result =
    contact === 'email'
      ? await deps.members.confirmEmail(member.memberId, value, at, emailConsentRecord(member, at))
      : contact === 'phone'
        ? // A member who hears from us by SMS only is welcomed by SMS (by e-mail, the confirmed address's welcome).
          await deps.members.verifyPhone(
            member.memberId,
            value,
            at,
            member.consents.sms.value && !member.consents.email.value,
          )
        : await deps.members.confirmGuardian(member.memberId, value, {
            memberId: member.memberId,
            channel: 'guardian',
            value: true,
            at,
            source: 'guardian-sms',
          });
  if (result === 'not-pending') throw invalidLink('This contact has nothing waiting for confirmation');

  // Also on a repeated click: a run that confirmed but crashed before publishing left the step open.
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  const policy = { now, staleBefore, once: true };
  if (contact === 'guardian') {
    // The membership is active now: the child's own contacts get their verification links.
    const detail: EmailConfirmationRequested = { memberId: member.memberId, requestedAt: at };
    await runStepOnce(deps.members, member.memberId, 'guardianConfirmedEvent', policy, () =>
      deps.events.publish('Email Confirmation Requested', detail),
    );
    return { memberId: member.memberId, locale: member.locale, contact, result };
  }
  const again = contact === 'email' && result === 'confirmed' && member.emailVerifiedAt !== undefined;
  if (contact === 'email') {
    const detail: MemberEmailConfirmed = { memberId: member.memberId, confirmedAt: at };
    await runStepOnce(deps.members, member.memberId, 'confirmedEvent', policy, () =>
      deps.events.publish('Member Email Confirmed', detail),
    );
  } else {
    const detail: MemberPhoneVerified = { memberId: member.memberId, verifiedAt: at };
    await runStepOnce(deps.members, member.memberId, 'phoneVerifiedEvent', policy, () =>
      deps.events.publish('Member Phone Verified', detail),
    );
  }
  // The contact is verified now: what was bought under it before enrolling becomes the member's (on a repeated
  // click too, so a join cut short by a crash is finished).
  await deps.absorbProspects?.(member.memberId, { [contact]: value });
  return { memberId: member.memberId, locale: member.locale, contact, result, ...(again && { again }) };
}

/** Following the mail's link confirms e-mail consent too, when the member gave it (double opt-in). */
function emailConsentRecord(member: Member, at: string) {
  if (!member.consents.email.value || member.consents.email.confirmedAt) return null;
  return { memberId: member.memberId, channel: 'email' as const, value: true, at, source: 'double-opt-in' };
}
