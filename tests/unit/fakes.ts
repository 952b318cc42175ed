// In-memory stand-ins for the ports, for unit tests of use cases only (integration tests use the real emulators).
import type { ConsentRecord, Member } from '#schema/member';
import type { CreateMemberResult, EventPublisher, Mailer, MemberStep, MemberStore, OutgoingMail } from '#app/ports';

export class MemoryMemberStore implements MemberStore {
  readonly members = new Map<string, Member>();
  readonly history: ConsentRecord[] = [];

  /** Contact → owning member and whether the contact is verified (as the DynamoDB store's owner items). */
  readonly ownership = new Map<string, { memberId: string; verified: boolean }>();

  async createMember(member: Member, consentHistory: readonly ConsentRecord[]): Promise<CreateMemberResult> {
    const keys = [member.email && `EMAIL#${member.email}`, member.phone && `PHONE#${member.phone}`].filter(
      (key): key is string => Boolean(key),
    );
    const owners = keys.map((key) => this.ownership.get(key));
    const verified = owners.find((owner) => owner?.verified);
    if (verified) return { created: false, existingMemberId: verified.memberId };
    for (const owner of owners) {
      const earlier = owner && this.members.get(owner.memberId);
      if (earlier && earlier.name === member.name && earlier.email === member.email && earlier.phone === member.phone)
        return { created: false, existingMemberId: earlier.memberId };
    }
    for (const [index, key] of keys.entries()) {
      const earlier = owners[index] && this.members.get(owners[index].memberId);
      if (earlier) delete earlier[key.startsWith('EMAIL#') ? 'email' : 'phone'];
      this.ownership.set(key, { memberId: member.memberId, verified: false });
    }
    this.members.set(member.memberId, structuredClone(member));
    this.history.push(...consentHistory);
    return { created: true };
  }

  get owners(): Map<string, string> {
    return new Map([...this.ownership].map(([key, owner]) => [key, owner.memberId]));
  }

  async getMember(memberId: string) {
    const member = this.members.get(memberId);
    return member ? structuredClone(member) : null;
  }

  async claimStep(
    memberId: string,
    step: MemberStep,
    now: Date,
    staleBefore: Date,
    once: boolean,
    abandonedBefore?: Date,
  ) {
    const member = this.members.get(memberId);
    if (!member) return false;
    const state = member.steps[step];
    const stale = state !== undefined && state.claimedAt < staleBefore.toISOString();
    const abandoned =
      abandonedBefore !== undefined &&
      state !== undefined &&
      state.doneAt === undefined &&
      state.claimedAt < abandonedBefore.toISOString();
    const free = state === undefined || abandoned || (once ? stale && state.doneAt === undefined : stale);
    if (!free) return false;
    member.steps[step] = { claimedAt: now.toISOString() };
    return true;
  }

  async completeStep(memberId: string, step: MemberStep, now: Date) {
    const state = this.members.get(memberId)?.steps[step];
    if (state) state.doneAt = now.toISOString();
  }

  async releaseStep(memberId: string, step: MemberStep, claimedAt: Date) {
    const member = this.members.get(memberId);
    const state = member?.steps[step];
    if (member && state?.claimedAt === claimedAt.toISOString() && !state.doneAt) delete member.steps[step];
  }

  async confirmEmail(memberId: string, email: string, at: string, consent: ConsentRecord | null) {
    const result = this.verify(memberId, 'email', email, at);
    if (result === 'confirmed' && consent) {
      const member = this.members.get(memberId);
      if (member) member.consents.email.confirmedAt = at;
      this.history.push(consent);
    }
    return result;
  }

  async confirmGuardian(memberId: string, guardianPhone: string, record: ConsentRecord) {
    const member = this.members.get(memberId);
    if (member?.guardian?.phone !== guardianPhone) return 'not-pending' as const;
    if (member.guardianConfirmedAt) return 'already-confirmed' as const;
    if (member.status !== 'pending') return 'not-pending' as const;
    member.status = 'active';
    member.guardianConsent = true;
    member.guardianConfirmedAt = record.at;
    this.history.push(record);
    return 'confirmed' as const;
  }

  async forgetReplacedContact(memberId: string): Promise<void> {
    const member = this.members.get(memberId);
    if (member) delete member.replacedContact;
  }

  async verifyPhone(memberId: string, phone: string, at: string, _welcomeBySms?: boolean) {
    return this.verify(memberId, 'phone', phone, at);
  }

  private verify(memberId: string, field: 'email' | 'phone', value: string, at: string) {
    const member = this.members.get(memberId);
    const owner = this.ownership.get(`${field === 'email' ? 'EMAIL' : 'PHONE'}#${value}`);
    const verifiedField = field === 'email' ? 'emailVerifiedAt' : 'phoneVerifiedAt';
    if (member?.status !== 'active' || member[field] !== value) return 'not-pending' as const;
    if (member[verifiedField]) return 'already-confirmed' as const;
    if (owner?.memberId !== memberId) return 'not-pending' as const;
    member[verifiedField] = at;
    owner.verified = true;
    return 'confirmed' as const;
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failNext = false;
  async send(mail: OutgoingMail) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SES is down');
    }
    this.sent.push(mail);
    return { messageId: `m-${this.sent.length}` };
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: object }[] = [];
  async publish(detailType: string, detail: object) {
    this.published.push({ detailType, detail });
  }
}

export class ManualClock {
  constructor(private time: Date) {}
  readonly now = () => new Date(this.time);
  advance(ms: number) {
    this.time = new Date(this.time.getTime() + ms);
  }
}
