// Use case: the member follows the double opt-in link; the e-mail channel becomes active and
// `Member Email Confirmed` goes on the bus once (the mail sender sends the welcome mail from it).
import { bindingOf, verifyToken } from '#domain/signed-token';
import { STALE_CLAIM_MS } from '#domain/enrollment-rules';
import type { Locale } from '#schema/common';
import type { MemberEmailConfirmed } from '#schema/events';
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

export interface ConfirmOutcome {
  readonly memberId: string;
  readonly locale: Locale;
  readonly result: 'confirmed' | 'already-confirmed';
}

const invalidLink = (message: string) => new ValidationError([{ path: 'token', message }]);

/** The member a confirmation link is for, if the link is sound; reads only, so opening a link changes nothing. */
async function linkedMember(token: string | undefined, deps: Pick<ConfirmDeps, 'members' | 'secret' | 'clock'>) {
  if (!token) throw invalidLink('The confirmation link has no token');
  const now = deps.clock();
  const secret = deps.secret.current();
  const check = verifyToken(token, 'confirm-email', secret, now);
  if (!check.ok) {
    throw invalidLink(
      check.reason === 'expired'
        ? 'The confirmation link has expired: enroll again to get a new one'
        : 'The confirmation link is not valid',
    );
  }
  const member = await deps.members.getMember(check.claims.sub);
  if (member?.status !== 'active' || !member.email || bindingOf(member.email, secret) !== check.claims.bind) {
    throw invalidLink('The confirmation link is not valid');
  }
  return { member: { ...member, email: member.email }, now };
}

/**
 * What opening the link (GET) shows: the page with the button, in the member's language. Mail scanners and link
 * previews fetch links; they must confirm nothing, so only the button's POST does.
 */
export async function checkConfirmLink(
  token: string | undefined,
  deps: Pick<ConfirmDeps, 'members' | 'secret' | 'clock'>,
): Promise<{ locale: Locale }> {
  const { member } = await linkedMember(token, deps);
  return { locale: member.locale };
}

export async function confirmEmail(token: string | undefined, deps: ConfirmDeps): Promise<ConfirmOutcome> {
  const { member, now } = await linkedMember(token, deps);
  const confirmedAt = now.toISOString();
  const result = await deps.members.confirmEmail(member.memberId, member.email, {
    memberId: member.memberId,
    channel: 'email',
    value: true,
    at: confirmedAt,
    source: 'double-opt-in',
  });
  if (result === 'not-pending') throw invalidLink('This address has no e-mail consent waiting for confirmation');

  // Also on a repeated click: a run that confirmed but crashed before publishing left the step open.
  const detail: MemberEmailConfirmed = { memberId: member.memberId, confirmedAt };
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  await runStepOnce(deps.members, member.memberId, 'confirmedEvent', { now, staleBefore, once: true }, () =>
    deps.events.publish('Member Email Confirmed', detail),
  );
  // The address is verified now: what was bought under it before enrolling becomes the member's (on a repeated
  // click too, so a join cut short by a crash is finished).
  await deps.absorbProspects?.(member.memberId, { email: member.email });
  return { memberId: member.memberId, locale: member.locale, result };
}
