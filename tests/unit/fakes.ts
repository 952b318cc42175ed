// In-memory stand-ins for the ports, for unit tests of use cases only (integration tests use the real emulators).
import type { ConsentRecord, Member } from '#schema/member';
import type { CreateMemberResult, EventPublisher, Mailer, MemberStep, MemberStore, OutgoingMail } from '#app/ports';

export class MemoryMemberStore implements MemberStore {
  readonly members = new Map<string, Member>();
  readonly owners = new Map<string, string>();
  readonly history: ConsentRecord[] = [];

  async createMember(member: Member, consentHistory: readonly ConsentRecord[]): Promise<CreateMemberResult> {
    for (const key of [member.email && `EMAIL#${member.email}`, member.phone && `PHONE#${member.phone}`]) {
      const owner = key ? this.owners.get(key) : undefined;
      if (owner) return { created: false, existingMemberId: owner };
    }
    if (member.email) this.owners.set(`EMAIL#${member.email}`, member.memberId);
    if (member.phone) this.owners.set(`PHONE#${member.phone}`, member.memberId);
    this.members.set(member.memberId, structuredClone(member));
    this.history.push(...consentHistory);
    return { created: true };
  }

  async getMember(memberId: string) {
    const member = this.members.get(memberId);
    return member ? structuredClone(member) : null;
  }

  async claimStep(memberId: string, step: MemberStep, now: Date, staleBefore: Date, once: boolean) {
    const member = this.members.get(memberId);
    if (!member) return false;
    const state = member.steps[step];
    const stale = state !== undefined && state.claimedAt < staleBefore.toISOString();
    const free = state === undefined || (once ? stale && state.doneAt === undefined : stale);
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

  async confirmEmail(memberId: string, email: string, record: ConsentRecord) {
    const member = this.members.get(memberId);
    if (!member || member.email !== email || !member.consents.email.value) return 'not-pending' as const;
    if (member.consents.email.confirmedAt) return 'already-confirmed' as const;
    member.consents.email.confirmedAt = record.at;
    this.history.push(record);
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
