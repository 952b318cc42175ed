// Use case: the transactional messages of enrollment, sent from bus events through a queue — the double opt-in mail,
// the phone's verification SMS, the guardian's consent SMS for a child (on `Member Enrolled` / `Email Confirmation Requested`), the "already a member"
// answers, and the welcome (on `Member Email Confirmed`), each at most once however often the event is delivered,
// and at most a few per contact and day however many enroll with it.
import { randomUUID } from 'node:crypto';
import { bindingOf, signToken, type TokenPurpose } from '#domain/signed-token';
import {
  alreadyMemberMail,
  alreadyMemberSms,
  confirmationMail,
  guardianSms,
  type RenderedMail,
  contactChangeMail,
  contactChangeSms,
  contactReplacedMail,
  contactReplacedSms,
  erasureMail,
  erasureSms,
  signInMail,
  signInSms,
  verificationSms,
  welcomeFromEntry,
  welcomeMail,
} from '#domain/enrollment-mail';
import { isActive } from '#domain/calendar-due';
import { DEFAULT_WELCOME } from '#domain/default-calendar';
import type { CalendarEntry } from '#schema/calendar';
import {
  awaitsEmailConfirmation,
  awaitsPhoneVerification,
  CONFIRMATION_RESEND_AFTER_MS,
  CONFIRMATION_VALID_DAYS,
  emailVerified,
  phoneVerified,
  STALE_CLAIM_MS,
} from '#domain/enrollment-rules';
import type { Member } from '#schema/member';
import { runStepOnce } from './member-step.ts';
import type { Clock, Mailer, MemberStep, MemberStore, TokenSecret } from './ports.ts';
import type { Messenger } from './sending-ports.ts';

/** At most this many enrollment mails (or SMS) go to one address (or phone) per day, however many enroll. */
export const MAILS_PER_ADDRESS_PER_DAY = 3;

export interface ContactLimits {
  /** Takes one of `max` sends of `kind` to `contact` on the day of `at`; false when none is left. */
  take(kind: string, contact: string, at: Date, max: number): Promise<boolean>;
}

export interface EnrollmentMailDeps {
  /** Daily per-contact limits; without them (unit tests of other rules) nothing is limited. */
  readonly limits?: ContactLimits;
  readonly members: MemberStore;
  readonly mailer: Mailer;
  /** SMS for phones, with the deployment's sender name; without it (unit tests of mail) phones get nothing. */
  readonly texts?: { readonly messenger: Pick<Messenger, 'sms'>; readonly sender: string };
  readonly secret: TokenSecret;
  readonly clock: Clock;
  readonly publicBaseUrl: string;
  /**
   * The benefit calendar, whose welcome entry the welcome mail is (marketing edits it, or deletes it to send none);
   * without it (unit tests of other rules) the built-in welcome goes.
   */
  readonly calendar?: WelcomeSource;
}

export interface WelcomeSource {
  list(): Promise<CalendarEntry[]>;
  /** Whether the default calendar was ever written: before, its welcome stands; after, only what the calendar has. */
  seeded(): Promise<boolean>;
}

export type EnrollmentMailOutcome = 'sent' | 'already-sent' | 'not-needed' | 'limited';

/** What one event did, per contact. */
export interface EnrollmentOutcome {
  readonly email: EnrollmentMailOutcome;
  readonly phone: EnrollmentMailOutcome;
}

async function activeMember(memberId: string, deps: EnrollmentMailDeps): Promise<Member | null> {
  const member = await deps.members.getMember(memberId);
  return member?.status === 'active' ? member : null;
}

/**
 * `Member Enrolled`: the links that verify each contact given — or, for a child under 14, first only the SMS that
 * asks the guardian's consent (nothing goes to the child before it: PIPA §22-2).
 */
export async function sendVerifications(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentOutcome> {
  const member = await deps.members.getMember(memberId);
  if (member?.status === 'pending') return { email: 'not-needed', phone: await sendGuardianSms(member, deps) };
  if (member?.status !== 'active') return { email: 'not-needed', phone: 'not-needed' };
  return { email: await confirmationMailTo(member, deps), phone: await verificationSmsTo(member, deps) };
}

/**
 * The answer to someone who enrolled again (`Email Confirmation Requested`), per contact: its verification link
 * while it waits for one, else — an existing member — "you are already a member" with a link to the member's page.
 */
export async function sendRequestedMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentOutcome> {
  const member = await activeMember(memberId, deps);
  if (!member) return { email: 'not-needed', phone: 'not-needed' };
  const email =
    awaitsEmailConfirmation(member) || consentAwaitsConfirmation(member)
      ? await confirmationMailTo(member, deps)
      : member.email && emailVerified(member)
        ? await sendAlreadyMemberMail(member, member.email, deps)
        : 'not-needed';
  const phone = awaitsPhoneVerification(member)
    ? await verificationSmsTo(member, deps)
    : member.phone && phoneVerified(member)
      ? await sendAlreadyMemberSms(member, member.phone, deps)
      : 'not-needed';
  return { email, phone };
}

function verificationUrl(
  purpose: TokenPurpose,
  memberId: string,
  contact: string,
  now: Date,
  deps: EnrollmentMailDeps,
): string {
  const secret = deps.secret.current();
  const token = signToken(
    {
      purpose,
      sub: memberId,
      exp: Math.floor(now.getTime() / 1000) + CONFIRMATION_VALID_DAYS * 86_400,
      bind: bindingOf(contact, secret),
    },
    secret,
  );
  return `${deps.publicBaseUrl}/members/confirm?token=${encodeURIComponent(token)}`;
}

/** The double opt-in mail, while the address waits for confirmation. */
export async function sendConfirmationMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const member = await activeMember(memberId, deps);
  return member ? confirmationMailTo(member, deps) : 'not-needed';
}

/** E-mail consent given again (on the member's page) to a verified address: it waits for the mail's link too. */
function consentAwaitsConfirmation(member: Member): boolean {
  return emailVerified(member) && member.consents.email.value && !member.consents.email.confirmedAt;
}

async function confirmationMailTo(member: Member, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  if (!member.email || !(awaitsEmailConfirmation(member) || consentAwaitsConfirmation(member))) return 'not-needed';
  const step = awaitsEmailConfirmation(member) ? 'confirmationMail' : 'consentConfirmationMail';
  const { memberId } = member;
  const email = member.email;
  return sendWithinLimits(memberId, 'enrollment-mail', email, step, deps, async (now) => {
    const mail = confirmationMail({
      locale: member.locale,
      name: member.name,
      confirmUrl: verificationUrl('confirm-email', memberId, email, now, deps),
      validDays: CONFIRMATION_VALID_DAYS,
      consented: member.consents.email.value,
    });
    await deps.mailer.send({ to: email, ...mail, tags: { touchpoint: 'email-confirmation', kind: 'transactional' } });
  });
}

/** The SMS with the link that verifies the phone, while it waits for verification. */
async function verificationSmsTo(member: Member, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const phone = member.phone;
  if (!phone || !awaitsPhoneVerification(member)) return 'not-needed';
  return enrollmentSms(member, phone, 'verificationSms', deps, (sender, now) =>
    verificationSms({
      locale: member.locale,
      sender,
      url: verificationUrl('verify-phone', member.memberId, phone, now, deps),
      validDays: CONFIRMATION_VALID_DAYS,
    }),
  );
}

/** The SMS with the link that lets a pending child's guardian consent; at most 3 a day to one guardian phone. */
async function sendGuardianSms(member: Member, deps: EnrollmentMailDeps): Promise<EnrollmentMailOutcome> {
  const guardian = member.guardian;
  if (!guardian) return 'not-needed';
  return enrollmentSms(member, guardian.phone, 'guardianSms', deps, (sender, now) =>
    guardianSms({
      locale: member.locale,
      sender,
      childName: member.name,
      url: verificationUrl('guardian-consent', member.memberId, guardian.phone, now, deps),
      validDays: CONFIRMATION_VALID_DAYS,
    }),
  );
}

/** One transactional SMS of enrollment to `phone`, within the step's spacing and the phone's daily limit. */
async function enrollmentSms(
  member: Member,
  phone: string,
  step: MemberStep,
  deps: EnrollmentMailDeps,
  textOf: (sender: string, now: Date) => string,
): Promise<EnrollmentMailOutcome> {
  const texts = deps.texts;
  if (!texts) return 'not-needed';
  return sendWithinLimits(member.memberId, 'enrollment-sms', phone, step, deps, async (now) => {
    await texts.messenger.sms(phone, textOf(texts.sender, now), 'Transactional');
  });
}

/**
 * Sends one enrollment message at most once per 10 minutes (the member step) and within the contact's daily limit:
 * `limited` when the day's messages to the contact are used up, `already-sent` when the step was taken recently.
 */
async function sendWithinLimits(
  memberId: string,
  kind: 'enrollment-mail' | 'enrollment-sms',
  contact: string,
  step: MemberStep,
  deps: EnrollmentMailDeps,
  send: (now: Date) => Promise<void>,
): Promise<EnrollmentMailOutcome> {
  const now = deps.clock();
  const staleBefore = new Date(now.getTime() - CONFIRMATION_RESEND_AFTER_MS);
  try {
    const policy = { now, staleBefore, once: false, abandonedBefore: new Date(now.getTime() - STALE_CLAIM_MS) };
    const sent = await runStepOnce(deps.members, memberId, step, policy, async () => {
      const allowed = deps.limits ? await deps.limits.take(kind, contact, now, MAILS_PER_ADDRESS_PER_DAY) : true;
      if (!allowed) throw new DailyLimitReached();
      await send(now);
    });
    return sent ? 'sent' : 'already-sent';
  } catch (error) {
    if (error instanceof DailyLimitReached) return 'limited';
    throw error;
  }
}

async function sendAlreadyMemberMail(
  member: Member,
  email: string,
  deps: EnrollmentMailDeps,
): Promise<EnrollmentMailOutcome> {
  return sendWithinLimits(member.memberId, 'enrollment-mail', email, 'alreadyMemberMail', deps, async () => {
    await deps.mailer.send({
      to: email,
      ...alreadyMemberMail({ locale: member.locale, name: member.name, signInUrl: `${deps.publicBaseUrl}/me/sign-in` }),
      tags: { touchpoint: 'already-member', kind: 'transactional' },
    });
  });
}

async function sendAlreadyMemberSms(
  member: Member,
  phone: string,
  deps: EnrollmentMailDeps,
): Promise<EnrollmentMailOutcome> {
  return enrollmentSms(member, phone, 'alreadyMemberSms', deps, (sender) =>
    alreadyMemberSms({ locale: member.locale, sender, signInUrl: `${deps.publicBaseUrl}/me/sign-in` }),
  );
}

class DailyLimitReached extends Error {
  constructor() {
    super('daily limit of enrollment messages to this contact reached');
    this.name = 'DailyLimitReached';
  }
}

/** The calendar's active welcome entry (triggered by the confirmed enrollment, on e-mail), rendered for the member. */
async function welcomeFor(member: Member, now: Date, deps: EnrollmentMailDeps): Promise<RenderedMail | null> {
  const input = { locale: member.locale, name: member.name };
  if (!deps.calendar) return welcomeMail(input);
  const entry = (await deps.calendar.list()).find(
    (candidate) =>
      candidate.kind === 'welcome' &&
      candidate.trigger.type === 'event' &&
      candidate.trigger.event === 'enrollment_confirmed' &&
      candidate.channels.includes('email') &&
      isActive(candidate, now),
  );
  if (entry) return welcomeFromEntry(entry, input);
  // No welcome entry: the default calendar is not written yet (its welcome stands), or marketing removed it.
  return (await deps.calendar.seeded()) ? null : welcomeFromEntry(DEFAULT_WELCOME, input);
}

export async function sendWelcomeMail(memberId: string, deps: EnrollmentMailDeps): Promise<EnrollmentOutcome> {
  const member = await activeMember(memberId, deps);
  if (!member?.email || !member.consents.email.confirmedAt) return { email: 'not-needed', phone: 'not-needed' };
  const email = member.email;
  const now = deps.clock();
  const welcome = await welcomeFor(member, now, deps);
  if (!welcome) return { email: 'not-needed', phone: 'not-needed' };
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  // Abandoned after STALE_CLAIM_MS: a run that crashed after its claim leaves the welcome to a redelivery.
  const policy = { now, staleBefore, once: true, abandonedBefore: staleBefore };
  const sent = await runStepOnce(deps.members, memberId, 'welcomeMail', policy, () =>
    deps.mailer.send({
      to: email,
      ...welcome,
      tags: { touchpoint: 'welcome', kind: 'transactional' },
    }),
  );
  return { email: sent ? 'sent' : 'already-sent', phone: 'not-needed' };
}

/** A sign-in link works this long, once. */
export const SIGN_IN_VALID_MINUTES = 15;
/** An erasure link works this long. */
export const ERASURE_VALID_MINUTES = 60;

const MEMBER_LINKS = {
  'sign-in': {
    path: '/me/sign-in',
    minutes: SIGN_IN_VALID_MINUTES,
    mail: signInMail,
    sms: signInSms,
    touchpoint: 'sign-in',
  },
  erase: {
    path: '/me/erase',
    minutes: ERASURE_VALID_MINUTES,
    mail: erasureMail,
    sms: erasureSms,
    touchpoint: 'erasure',
  },
  'change-contact': {
    path: '/me/contacts/confirm',
    minutes: 60,
    mail: contactChangeMail,
    sms: contactChangeSms,
    touchpoint: 'contact-change',
  },
} as const;

/**
 * `Sign-in Requested` / `Erasure Requested`: the link to the member's page, or the one that confirms their erasure,
 * to the verified contact it was asked for — a new link each time (each with its own id), at most a few a day per
 * contact. The token is made here, never carried in an event.
 */
export async function sendMemberLink(
  memberId: string,
  channel: 'email' | 'sms',
  purpose: 'sign-in' | 'erase' | 'change-contact',
  deps: EnrollmentMailDeps,
): Promise<EnrollmentMailOutcome> {
  const member = await activeMember(memberId, deps);
  // A new contact's link goes to the new contact (the one it verifies); the others to a verified contact.
  const pending =
    purpose === 'change-contact' && member?.pendingContact?.channel === channel ? member.pendingContact : null;
  const contact = pending ? pending.value : channel === 'email' ? member?.email : member?.phone;
  const verified =
    member && (pending !== null || (channel === 'email' ? emailVerified(member) : phoneVerified(member)));
  if (!member || !contact || !verified || (purpose === 'change-contact' && !pending)) return 'not-needed';
  const kind = MEMBER_LINKS[purpose];
  const now = deps.clock();
  if (deps.limits && !(await deps.limits.take(`${purpose}-${channel}`, contact, now, MAILS_PER_ADDRESS_PER_DAY)))
    return 'limited';
  const secret = deps.secret.current();
  const token = signToken(
    {
      purpose,
      sub: memberId,
      exp: Math.floor(now.getTime() / 1000) + kind.minutes * 60,
      bind: bindingOf(contact, secret),
      jti: randomUUID(),
    },
    secret,
  );
  const url = `${deps.publicBaseUrl}${kind.path}?token=${encodeURIComponent(token)}`;
  const input = { locale: member.locale, name: member.name, url, validMinutes: kind.minutes };
  if (channel === 'email') {
    await deps.mailer.send({
      to: contact,
      ...kind.mail(input),
      tags: { touchpoint: kind.touchpoint, kind: 'transactional' },
    });
    return 'sent';
  }
  const texts = deps.texts;
  if (!texts) return 'not-needed';
  await texts.messenger.sms(contact, kind.sms({ ...input, sender: texts.sender }), 'Transactional');
  return 'sent';
}

/** `Contact Changed`: the replaced contact is told it gets nothing more (once it went, the old value is forgotten). */
export async function sendContactReplacedNotice(
  memberId: string,
  deps: EnrollmentMailDeps,
): Promise<EnrollmentMailOutcome> {
  const member = await activeMember(memberId, deps);
  const replaced = member?.replacedContact;
  if (!member || !replaced) return 'not-needed';
  const signInUrl = `${deps.publicBaseUrl}/me/sign-in`;
  if (replaced.channel === 'email') {
    await deps.mailer.send({
      to: replaced.value,
      ...contactReplacedMail({ locale: member.locale, name: member.name, signInUrl }),
      tags: { touchpoint: 'contact-replaced', kind: 'transactional' },
    });
  } else if (deps.texts) {
    await deps.texts.messenger.sms(
      replaced.value,
      contactReplacedSms({ locale: member.locale, sender: deps.texts.sender, signInUrl }),
      'Transactional',
    );
  }
  await deps.members.forgetReplacedContact(memberId);
  return 'sent';
}
