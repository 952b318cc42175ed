// Use case: the member follows the double opt-in link; the e-mail channel becomes active and the welcome mail goes once.
import { bindingOf, verifyToken } from '#domain/signed-token';
import { welcomeMail } from '#domain/enrollment-mail';
import type { Locale } from '#schema/common';
import { ValidationError } from './validation.ts';
import type { Clock, Mailer, MemberStore, TokenSecret } from './ports.ts';
import { STALE_CLAIM_MS } from './enroll-member.ts';
import { runStepOnce } from './member-step.ts';

export interface ConfirmDeps {
  readonly members: MemberStore;
  readonly mailer: Mailer;
  readonly secret: TokenSecret;
  readonly clock: Clock;
}

export interface ConfirmOutcome {
  readonly memberId: string;
  readonly locale: Locale;
  readonly result: 'confirmed' | 'already-confirmed';
}

const invalidLink = (message: string) => new ValidationError([{ path: 'token', message }]);

export async function confirmEmail(token: string | undefined, deps: ConfirmDeps): Promise<ConfirmOutcome> {
  if (!token) throw invalidLink('The confirmation link has no token');
  const now = deps.clock();
  const secret = deps.secret.current();
  const check = verifyToken(token, 'confirm-email', secret, now);
  if (!check.ok) {
    throw invalidLink(check.reason === 'expired' ? 'The confirmation link has expired: enroll again to get a new one' : 'The confirmation link is not valid');
  }
  const member = await deps.members.getMember(check.claims.sub);
  if (!member || member.status !== 'active' || !member.email || bindingOf(member.email, secret) !== check.claims.bind) {
    throw invalidLink('The confirmation link is not valid');
  }
  const result = await deps.members.confirmEmail(member.memberId, member.email, {
    memberId: member.memberId,
    channel: 'email',
    value: true,
    at: now.toISOString(),
    source: 'double-opt-in',
  });
  if (result === 'not-pending') throw invalidLink('This address has no e-mail consent waiting for confirmation');

  // Also on a repeated click: a run that confirmed but crashed before the welcome left the step unclaimed or stale.
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  const email = member.email;
  await runStepOnce(deps.members, member.memberId, 'welcomeMail', { now, staleBefore, once: true }, () =>
    deps.mailer.send({ to: email, ...welcomeMail({ locale: member.locale, name: member.name }), tags: { touchpoint: 'welcome', kind: 'transactional' } }),
  );
  return { memberId: member.memberId, locale: member.locale, result };
}
