// Use case: the transactional mails of enrollment, sent from bus events through a queue — the double opt-in mail
// (on `Member Enrolled` / `Email Confirmation Requested`) and the welcome (on `Member Email Confirmed`), each at
// most once however often the event is delivered.
import { bindingOf, signToken } from '#domain/signed-token';
import { confirmationMail, welcomeMail } from '#domain/enrollment-mail';
import {
  awaitsEmailConfirmation,
  CONFIRMATION_RESEND_AFTER_MS,
  CONFIRMATION_VALID_DAYS,
  STALE_CLAIM_MS,
} from '#domain/enrollment-rules';
import { runStepOnce } from './member-step.ts';
import type { Clock, Mailer, MemberStore, TokenSecret } from './ports.ts';

export interface EnrollmentMailDeps {
  readonly members: MemberStore;
  readonly mailer: Mailer;
  readonly secret: TokenSecret;
  readonly clock: Clock;
  readonly publicBaseUrl: string;
}

export type EnrollmentMailOutcome = 'sent' | 'already-sent' | 'not-needed';

export async function sendConfirmationMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const member = await deps.members.getMember(memberId);
  if (member?.status !== 'active' || !member.email || !awaitsEmailConfirmation(member)) return 'not-needed';
  const email = member.email;
  const now = deps.clock();
  const staleBefore = new Date(now.getTime() - CONFIRMATION_RESEND_AFTER_MS);
  const sent = await runStepOnce(
    deps.members,
    memberId,
    'confirmationMail',
    { now, staleBefore, once: false },
    async () => {
      const secret = deps.secret.current();
      const token = signToken(
        {
          purpose: 'confirm-email',
          sub: memberId,
          exp: Math.floor(now.getTime() / 1000) + CONFIRMATION_VALID_DAYS * 86_400,
          bind: bindingOf(email, secret),
        },
        secret,
      );
      const confirmUrl = `${deps.publicBaseUrl}/members/confirm?token=${encodeURIComponent(token)}`;
      const mail = confirmationMail({
        locale: member.locale,
        name: member.name,
        confirmUrl,
        validDays: CONFIRMATION_VALID_DAYS,
      });
      await deps.mailer.send({ to: email, ...mail, tags: { touchpoint: 'email-confirmation', kind: 'transactional' } });
    },
  );
  return sent ? 'sent' : 'already-sent';
}

export async function sendWelcomeMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const member = await deps.members.getMember(memberId);
  if (member?.status !== 'active' || !member.email || !member.consents.email.confirmedAt) return 'not-needed';
  const email = member.email;
  const now = deps.clock();
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  const sent = await runStepOnce(deps.members, memberId, 'welcomeMail', { now, staleBefore, once: true }, () =>
    deps.mailer.send({
      to: email,
      ...welcomeMail({ locale: member.locale, name: member.name }),
      tags: { touchpoint: 'welcome', kind: 'transactional' },
    }),
  );
  return sent ? 'sent' : 'already-sent';
}
