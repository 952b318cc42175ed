// Use case: the transactional mails of enrollment, sent from bus events through a queue — the double opt-in mail
// (on `Member Enrolled` / `Email Confirmation Requested`) and the welcome (on `Member Email Confirmed`), each at
// most once however often the event is delivered.
import { bindingOf, signToken } from '#domain/signed-token';
import { alreadyMemberMail, confirmationMail, welcomeMail } from '#domain/enrollment-mail';
import {
  awaitsEmailConfirmation,
  CONFIRMATION_RESEND_AFTER_MS,
  CONFIRMATION_VALID_DAYS,
  STALE_CLAIM_MS,
} from '#domain/enrollment-rules';
import { runStepOnce } from './member-step.ts';
import type { Clock, Mailer, MemberStore, TokenSecret } from './ports.ts';

/** At most this many confirmation (or already-a-member) mails go to one address per day, however many enroll. */
export const MAILS_PER_ADDRESS_PER_DAY = 3;

export interface ContactLimits {
  /** Takes one of `max` sends of `kind` to `contact` on the day of `at`; false when none is left. */
  take(kind: string, contact: string, at: Date, max: number): Promise<boolean>;
}

export interface EnrollmentMailDeps {
  /** Daily per-address limits; without them (unit tests of other rules) nothing is limited. */
  readonly limits?: ContactLimits;
  readonly members: MemberStore;
  readonly mailer: Mailer;
  readonly secret: TokenSecret;
  readonly clock: Clock;
  readonly publicBaseUrl: string;
}

export type EnrollmentMailOutcome = 'sent' | 'already-sent' | 'not-needed' | 'limited';

/** A flood of enrollments with one address must not become a flood of mail to it. */
async function withinDailyLimit(email: string, deps: EnrollmentMailDeps): Promise<boolean> {
  return deps.limits ? deps.limits.take('enrollment-mail', email, deps.clock(), MAILS_PER_ADDRESS_PER_DAY) : true;
}

/**
 * The answer to someone who enrolled again (`Email Confirmation Requested`): the double opt-in mail while the address
 * waits for confirmation, else — an existing member — the "you are already a member" mail with a sign-in link;
 * each at most once per 10 minutes, so a flood of enrollments does not become a flood of mail.
 */
export async function sendRequestedMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const member = await deps.members.getMember(memberId);
  if (member?.status !== 'active' || !member.email) return 'not-needed';
  if (awaitsEmailConfirmation(member)) return sendConfirmationMail(memberId, deps);
  if (!member.consents.email.confirmedAt) return 'not-needed';
  return sendAlreadyMemberMail(member.memberId, member.email, member.locale, member.name, deps);
}

/** The double opt-in mail (on `Member Enrolled`, or asked for again), while the address waits for confirmation. */
export async function sendConfirmationMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const member = await deps.members.getMember(memberId);
  if (member?.status !== 'active' || !member.email || !awaitsEmailConfirmation(member)) return 'not-needed';
  const email = member.email;
  return sendWithinLimits(memberId, email, 'confirmationMail', deps, async (now) => {
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
  });
}

/**
 * Sends one enrollment mail at most once per 10 minutes (the member step) and within the address's daily limit:
 * `limited` when the day's mails to the address are used up, `already-sent` when the step was taken recently.
 */
async function sendWithinLimits(
  memberId: string,
  email: string,
  step: 'confirmationMail' | 'alreadyMemberMail',
  deps: EnrollmentMailDeps,
  send: (now: Date) => Promise<void>,
): Promise<EnrollmentMailOutcome> {
  const now = deps.clock();
  const staleBefore = new Date(now.getTime() - CONFIRMATION_RESEND_AFTER_MS);
  try {
    const sent = await runStepOnce(deps.members, memberId, step, { now, staleBefore, once: false }, async () => {
      if (!(await withinDailyLimit(email, deps))) throw new DailyLimitReached();
      await send(now);
    });
    return sent ? 'sent' : 'already-sent';
  } catch (error) {
    if (error instanceof DailyLimitReached) return 'limited';
    throw error;
  }
}

async function sendAlreadyMemberMail(
  memberId: string,
  email: string,
  locale: 'ko' | 'en',
  name: string,
  deps: EnrollmentMailDeps,
): Promise<EnrollmentMailOutcome> {
  return sendWithinLimits(memberId, email, 'alreadyMemberMail', deps, async () => {
    await deps.mailer.send({
      to: email,
      ...alreadyMemberMail({ locale, name, signInUrl: `${deps.publicBaseUrl}/me/sign-in` }),
      tags: { touchpoint: 'already-member', kind: 'transactional' },
    });
  });
}

class DailyLimitReached extends Error {
  constructor() {
    super('daily limit of mails to this address reached');
    this.name = 'DailyLimitReached';
  }
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
