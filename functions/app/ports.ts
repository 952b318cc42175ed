// What the use cases need from the outside world; adapters implement these for AWS, tests for memory.
import type { ConsentRecord, Member, StepState } from '#schema/member';

export type Clock = () => Date;

export type CreateMemberResult = { created: true } | { created: false; existingMemberId: string };

export type VerifyResult = 'confirmed' | 'already-confirmed' | 'not-pending';

/** A side effect tracked on the member item so it runs once however often the request is repeated. */
export type MemberStep =
  | 'confirmationMail'
  /** The confirmation mail of an e-mail consent given again on the member's page (its own spacing). */
  | 'consentConfirmationMail'
  | 'enrolledEvent'
  | 'confirmedEvent'
  | 'welcomeMail'
  | 'alreadyMemberMail'
  | 'verificationSms'
  | 'alreadyMemberSms'
  | 'phoneVerifiedEvent'
  | 'guardianSms'
  | 'guardianConfirmedEvent';

export interface MemberStore {
  /**
   * Creates the member, its e-mail and phone ownership records and consent history in one transaction; a contact
   * that a verified member owns, or the same unverified enrollment again, names that member instead.
   */
  createMember(member: Member, consentHistory: readonly ConsentRecord[]): Promise<CreateMemberResult>;
  getMember(memberId: string): Promise<Member | null>;
  /**
   * Claims a step: succeeds when it was never claimed, or (when not `once`) was claimed before `staleBefore`,
   * or (when `once`) was claimed before `staleBefore` and never completed; and, given `abandonedBefore`, when it was
   * claimed before that and never completed (a run that crashed mid-way).
   */
  claimStep(
    memberId: string,
    step: MemberStep,
    now: Date,
    staleBefore: Date,
    once: boolean,
    abandonedBefore?: Date,
  ): Promise<boolean>;
  completeStep(memberId: string, step: MemberStep, now: Date): Promise<void>;
  /** Gives a claim back after the side effect failed, so a retry may claim it again. */
  releaseStep(memberId: string, step: MemberStep, claimedAt: Date): Promise<void>;
  /**
   * Marks the address verified if the member still has and owns it (the one the token was made for); with a consent
   * record, the e-mail consent is confirmed too (double opt-in).
   */
  confirmEmail(memberId: string, email: string, at: string, consent: ConsentRecord | null): Promise<VerifyResult>;
  /**
   * The guardian of a pending child confirmed by the SMS link: the membership becomes active, and the guardian's
   * consent is recorded, if the guardian's phone is still the one the token was made for.
   */
  confirmGuardian(memberId: string, guardianPhone: string, record: ConsentRecord): Promise<VerifyResult>;
  /**
   * Marks the phone verified if the member still has and owns it (the one the token was made for); with
   * `welcomeBySms`, the welcome is due by SMS in the same write (a member who hears from us by SMS only).
   */
  verifyPhone(memberId: string, phone: string, at: string, welcomeBySms?: boolean): Promise<VerifyResult>;
  /** The notice to a contact a change replaced went: its value is forgotten. */
  forgetReplacedContact(memberId: string): Promise<void>;
}

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** SES message tags, for the configuration set's event destination. No PII. */
  readonly tags: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

export interface EventPublisher {
  publish(detailType: string, detail: object): Promise<void>;
}

export interface TokenSecret {
  current(): string;
}

export type { StepState };

/** One admin write as the audit log keeps it (who, what, which versions, when). */
export interface AuditEntry {
  readonly who: string;
  readonly action: string;
  readonly target: string;
  readonly beforeVersion: number | null;
  readonly afterVersion: number | null;
  readonly at: string;
}

export interface AuditPage {
  readonly items: AuditEntry[];
  readonly next?: string;
}

export interface AuditReader {
  /** A month's entries (`YYYY-MM`), newest first; `cursor` from the previous page. Throws `InvalidCursor`. */
  read(month: string, limit: number, cursor?: string): Promise<AuditPage>;
}
