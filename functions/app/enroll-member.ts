// Use case: a person enrolls through the web form. One member per e-mail and per phone, consents recorded,
// `Member Enrolled` put on the bus (the mail sender sends the double opt-in mail from it); safe to repeat and to
// run concurrently.
import type { IdentityIndex } from './identity-candidates.ts';
import { randomUUID } from 'node:crypto';
import { enrollmentRequest, type EnrollmentRequest, type EnrollmentResponse } from '#schema/enrollment';
import type { ConsentRecord, Member } from '#schema/member';
import type { EmailConfirmationRequested, MemberEnrolled } from '#schema/events';
import { normaliseEmail, normaliseName, normalisePhone, phoneCountry } from '#domain/identity';
import { canonicalZone } from '#domain/local-time';
import { isInFuture, localDate, needsGuardianConsent, parseMemberDate } from '#domain/member-date';
import {
  awaitsEmailConfirmation,
  awaitsPhoneVerification,
  CONFIRMATION_RESEND_AFTER_MS,
  STALE_CLAIM_MS,
} from '#domain/enrollment-rules';
import { fieldErrors, ValidationError } from './validation.ts';
import { runStepOnce } from './member-step.ts';
import type { Clock, EventPublisher, MemberStore } from './ports.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Seoul';
export const ENROLLMENT_SOURCE = 'join-form';

export interface EnrollDeps {
  readonly members: MemberStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId?: () => string;
  /** Notes the member's identity evidence: a near miss with another member becomes a candidate for review. */
  readonly identity?: Pick<IdentityIndex, 'note'>;
  /** ISO countries whose phones may enroll (the deployment's allow-list; SMS abroad costs more and invites abuse). */
  readonly phoneCountries?: readonly string[];
  /** Joins purchases made before enrollment (kept as a prospect under the same e-mail or phone). */
}

/**
 * Validates the body: shape and formats (zod), then the rules that need today's date and the phone countries the
 * deployment allows.
 */
export function parseEnrollment(body: unknown, now: Date, phoneCountries?: readonly string[]): EnrollmentRequest {
  const parsed = enrollmentRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const request = parsed.data;
  const today = localDate(now, request.timeZone ?? DEFAULT_TIME_ZONE);
  const errors = [];
  const birthday = request.birthday === undefined ? null : parseMemberDate(request.birthday);
  if (birthday && isInFuture(birthday, today))
    errors.push({ path: 'birthday', message: 'Birthday lies in the future' });
  else if (birthday && needsGuardianConsent(birthday, today) && !request.guardian) {
    errors.push({
      path: 'guardian',
      message: 'Members under 14 need a legal guardian: give the guardian’s name and phone',
    });
  }
  const anniversary = request.anniversary === undefined ? null : parseMemberDate(request.anniversary);
  if (anniversary && isInFuture(anniversary, today))
    errors.push({ path: 'anniversary', message: 'Anniversary lies in the future' });
  const phones = [
    ['phone', request.phone],
    ['guardian.phone', request.guardian?.phone],
  ] as const;
  for (const [path, phone] of phones) {
    const country = phone === undefined ? undefined : phoneCountry(phone);
    if (phone !== undefined && phoneCountries && !(country && phoneCountries.includes(country)))
      errors.push({ path, message: `Phone numbers of ${country ?? 'this country'} cannot enroll here` });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return request;
}

export function buildMember(
  request: EnrollmentRequest,
  memberId: string,
  now: Date,
): { member: Member; history: ConsentRecord[] } {
  const at = now.toISOString();
  const email = request.email === undefined ? undefined : (normaliseEmail(request.email) ?? undefined);
  const phone = request.phone === undefined ? undefined : (normalisePhone(request.phone) ?? undefined);
  const consent = (value: boolean) => ({ value, at, source: ENROLLMENT_SOURCE });
  const birthday = request.birthday === undefined ? null : parseMemberDate(request.birthday);
  const today = localDate(now, request.timeZone ?? DEFAULT_TIME_ZONE);
  const child = request.guardian !== undefined && birthday !== null && needsGuardianConsent(birthday, today);
  const member: Member = {
    memberId,
    // A child's membership waits for the guardian's confirmation by SMS link (PIPA §22-2).
    status: child ? 'pending' : 'active',
    name: normaliseName(request.name),
    ...(email && { email }),
    ...(phone && { phone }),
    ...(request.birthday && { birthday: request.birthday }),
    ...(request.anniversary && { anniversary: request.anniversary }),
    ...(request.postalAddress && {
      postalAddress: { ...request.postalAddress, country: request.postalAddress.country ?? 'KR' },
    }),
    locale: request.locale,
    timeZone: canonicalZone(request.timeZone ?? DEFAULT_TIME_ZONE),
    consents: {
      email: consent(request.consents.email),
      sms: consent(request.consents.sms),
      post: consent(request.consents.post),
      nightTime: consent(request.consents.nightTime),
    },
    ...(request.guardianConsent !== undefined && { guardianConsent: request.guardianConsent }),
    ...(request.guardian && {
      guardian: {
        name: normaliseName(request.guardian.name),
        phone: normalisePhone(request.guardian.phone) ?? request.guardian.phone,
      },
    }),
    privacyNotice: { version: PRIVACY_NOTICE_VERSION, at },
    ...(request.survey && { survey: request.survey }),
    enrolledAt: at,
    source: ENROLLMENT_SOURCE,
    steps: {},
  };
  const channels = ['email', 'sms', 'post', 'nightTime'] as const;
  const history: ConsentRecord[] = channels.map((channel) => ({
    memberId,
    channel,
    value: request.consents[channel],
    at,
    source: ENROLLMENT_SOURCE,
  }));
  if (request.guardianConsent !== undefined) {
    history.push({ memberId, channel: 'guardian', value: request.guardianConsent, at, source: ENROLLMENT_SOURCE });
  }
  return { member, history };
}

/** The version of the collection-and-use notice on the join form; stored with each member's consent to it. */
export const PRIVACY_NOTICE_VERSION = '2026-12';

export async function enrollMember(body: unknown, deps: EnrollDeps): Promise<EnrollmentResponse> {
  const now = deps.clock();
  const request = parseEnrollment(body, now, deps.phoneCountries);
  const memberId = (deps.newId ?? randomUUID)();
  const { member, history } = buildMember(request, memberId, now);

  const result = await deps.members.createMember(member, history);
  const stored = result.created ? member : await deps.members.getMember(result.existingMemberId);
  if (!stored) throw new Error('member owning the contact vanished');

  // Every time, not only when created: noting is idempotent, and a crash may have come right after the creation.
  await deps.identity?.note([stored], now.toISOString());
  await publishEnrolledOnce(stored, now, deps);
  // Purchases kept under this e-mail or phone join the member only once the contact is verified (confirm-email):
  // whoever enrolls with someone else's address inherits nothing.
  if (!result.created) await requestConfirmationAgain(stored, now, deps);
  // The same answer for everyone: nothing tells a stranger whether the person is a member (CONTRACT.md).
  return { status: 'received' };
}

async function publishEnrolledOnce(member: Member, now: Date, deps: EnrollDeps): Promise<void> {
  const detail: MemberEnrolled = {
    memberId: member.memberId,
    enrolledAt: member.enrolledAt,
    locale: member.locale,
    timeZone: member.timeZone,
    consents: {
      email: member.consents.email.value,
      sms: member.consents.sms.value,
      post: member.consents.post.value,
      nightTime: member.consents.nightTime.value,
    },
    emailConfirmationPending: awaitsEmailConfirmation(member),
    phoneVerificationPending: awaitsPhoneVerification(member),
    guardianConfirmationPending: member.status === 'pending',
    source: member.source,
  };
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  await runStepOnce(deps.members, member.memberId, 'enrolledEvent', { now, staleBefore, once: true }, () =>
    deps.events.publish('Member Enrolled', detail),
  );
}

/**
 * Enrolling again asks for each contact's step again: its verification link while it waits for one, else the
 * "already a member" message (the sender allows one of each per 10 minutes and a few per contact and day).
 */
async function requestConfirmationAgain(member: Member, now: Date, deps: EnrollDeps): Promise<void> {
  const steps = [
    ...(member.email ? [awaitsEmailConfirmation(member) ? 'confirmationMail' : 'alreadyMemberMail'] : []),
    ...(member.phone ? [awaitsPhoneVerification(member) ? 'verificationSms' : 'alreadyMemberSms'] : []),
  ] as const;
  const due = steps.some((step) => {
    const last = member.steps[step]?.claimedAt;
    return !last || Date.parse(last) <= now.getTime() - CONFIRMATION_RESEND_AFTER_MS;
  });
  if (!due) return;
  const detail: EmailConfirmationRequested = { memberId: member.memberId, requestedAt: now.toISOString() };
  await deps.events.publish('Email Confirmation Requested', detail);
}
