// In-memory ports of the senders (ledger, mailer, messenger, rate limiter), for unit tests of the send use cases.
// They keep the ledger's rules — a claim only where no one holds one, a deferred item claimable again — so a test
// can run a job twice, lose an answer or throttle, and count what was sent.
import type { RateLimiter } from '#app/send-touchpoints';
import {
  type BulkDestination,
  type BulkMailer,
  type BulkResult,
  type CampaignDims,
  type ClaimResult,
  type DueItem,
  type DueRef,
  type EngagementStore,
  encodeRef,
  type LedgerEntry,
  type LedgerRef,
  type LedgerWrite,
  type MailTemplate,
  type Messenger,
  type SendProfile,
  type SendStore,
  ThrottledError,
} from '#app/sending-ports';
import type { CalendarEntry } from '#schema/calendar';
import type { Touch } from '#domain/attribution';
import type { Coupon } from '#domain/coupons';
import type { CouponStore } from '#app/coupons';

type Store = SendStore & EngagementStore;

export class MemorySendStore implements Store {
  readonly populationShards = 1;
  readonly profilesById = new Map<string, SendProfile>();
  readonly items = new Map<string, LedgerEntry>();
  readonly counters = new Map<string, number>();
  readonly dues: DueItem[] = [];
  readonly adLog = new Map<string, string[]>();
  /** Calls of each method, so a test can count what a job did. */
  readonly calls: Record<string, number> = {};

  private note(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }

  entry(ref: LedgerRef): LedgerEntry | undefined {
    return this.items.get(encodeRef(ref));
  }

  async zonesInUse(): Promise<string[]> {
    return ['Asia/Seoul'];
  }
  async readAudience(): Promise<never> {
    throw new Error('not used by the senders');
  }
  async removeDue(_items: readonly DueRef[]): Promise<void> {}
  async profiles(memberIds: readonly string[]): Promise<Map<string, SendProfile>> {
    this.note('profiles');
    return new Map(memberIds.flatMap((id) => (this.profilesById.has(id) ? [[id, this.profilesById.get(id)!]] : [])));
  }
  async ledger(refs: readonly LedgerRef[]): Promise<Map<string, LedgerEntry>> {
    return new Map(refs.flatMap((ref) => (this.entry(ref) ? [[encodeRef(ref), this.entry(ref)!]] : [])));
  }
  async claimAll(writes: readonly LedgerWrite[]): Promise<ClaimResult[]> {
    this.note('claimAll');
    return writes.map((write) => {
      const key = encodeRef(write.ref);
      const existing = this.items.get(key);
      if (existing && existing.state !== 'deferred') return { claimed: false, existing };
      const base = { ...write.ref };
      if ('claim' in write) {
        const { claimId, at, facts } = write.claim;
        this.items.set(key, { ...base, state: 'sending', claimId, claimedAt: at.toISOString(), ...facts });
      } else {
        this.items.set(key, { ...base, state: 'skipped', reason: write.skip.reason, ...write.skip.facts });
      }
      return { claimed: true };
    });
  }
  async finish(
    ref: LedgerRef,
    claimId: string,
    outcome: { state: 'sent'; messageId: string; at: Date } | { state: 'failed'; reason: string; at: Date },
  ): Promise<void> {
    const item = this.entry(ref);
    if (item?.claimId !== claimId) return;
    const done =
      outcome.state === 'sent'
        ? { state: 'sent' as const, messageId: outcome.messageId, sentAt: outcome.at.toISOString() }
        : { state: 'failed' as const, reason: outcome.reason };
    this.items.set(encodeRef(ref), { ...item, ...done });
  }
  async release(ref: LedgerRef, claimId: string): Promise<void> {
    this.note('release');
    if (this.entry(ref)?.claimId === claimId) this.items.delete(encodeRef(ref));
  }
  async markUnknown(ref: LedgerRef): Promise<void> {
    const item = this.entry(ref);
    if (item) this.items.set(encodeRef(ref), { ...item, state: 'failed', reason: 'outcome-unknown' });
  }
  async defer(ref: LedgerRef, claimId: string, until: Date): Promise<void> {
    const item = this.entry(ref);
    if (item?.claimId !== claimId) return;
    this.items.set(encodeRef(ref), { ...item, state: 'deferred' });
    this.dues.push({ memberId: ref.memberId, kind: 'deferred', ref: encodeRef(ref), dueAt: until, fields: {} });
  }
  readonly touches = new Map<string, Touch>();
  async noteTouch(memberId: string, touch: Touch, adSends?: { recent: readonly string[]; at: Date }): Promise<void> {
    this.note('noteTouch');
    this.touches.set(memberId, touch);
    if (adSends) this.adLog.set(memberId, [...(this.adLog.get(memberId) ?? []), adSends.at.toISOString()]);
  }
  async count(entryId: string, dims: CampaignDims, outcome: string, by: number): Promise<void> {
    this.note('count');
    const key = `${entryId}/${dims.tier}/${outcome}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }
  async putDue(memberId: string, kind: string, ref: string, dueAt: Date, fields: Readonly<Record<string, unknown>>) {
    this.dues.push({ memberId, kind, ref, dueAt, fields });
  }
  async putDues(items: readonly DueItem[]): Promise<void> {
    this.dues.push(...items);
  }
  async dispatched(): Promise<Set<string>> {
    return new Set();
  }
  async markDispatched(): Promise<void> {}
  async decidePretest(_entryId: string, _period: string, winner: string): Promise<string> {
    return winner;
  }
  async pretestCounts(): Promise<Record<string, { sent: number; opened: number; clicked: number }>> {
    return {};
  }
  async recordEvent(): Promise<LedgerEntry | null> {
    return null;
  }
  async recordSend(ref: LedgerRef, sent: { messageId: string; at: string }): Promise<LedgerEntry | null> {
    const item = this.entry(ref);
    if (!item || item.events?.['send']) return null;
    const updated = { ...item, events: { ...item.events, send: sent.at } };
    this.items.set(encodeRef(ref), updated);
    return updated;
  }
  async forgetEvent(ref: LedgerRef, type: string): Promise<void> {
    const item = this.entry(ref);
    if (!item?.events) return;
    const { [type]: _gone, ...events } = item.events;
    this.items.set(encodeRef(ref), { ...item, events });
  }
  async suppress(): Promise<void> {}
  async withdraw(): Promise<boolean> {
    return true;
  }
}

/** A bulk mailer that records every call; `failNext` makes the next calls throw what a test gives. */
export class RecordingBulkMailer implements BulkMailer {
  readonly calls: { template: MailTemplate; from: string; destinations: readonly BulkDestination[] }[] = [];
  readonly single: { to: string; subject: string }[] = [];
  failNext: Error[] = [];

  async sendBulk(
    template: MailTemplate,
    from: string,
    destinations: readonly BulkDestination[],
  ): Promise<BulkResult[]> {
    const failure = this.failNext.shift();
    if (failure) throw failure;
    this.calls.push({ template, from, destinations });
    return destinations.map((_, index) => ({ ok: true, messageId: `ses-${this.calls.length}-${index}` }));
  }
  async sendOne(mail: { to: string; subject: string }): Promise<string> {
    this.single.push({ to: mail.to, subject: mail.subject });
    return `ses-one-${this.single.length}`;
  }
  /** Every address mailed, once per time it was mailed. */
  get mailed(): string[] {
    return this.calls.flatMap((call) => call.destinations.map((destination) => destination.to));
  }
}

export class RecordingMessenger implements Messenger {
  readonly texts: { phone: string; text: string; type: string }[] = [];
  readonly posts: Readonly<Record<string, unknown>>[] = [];
  /**
   * What the next SMS calls do: throw (not sent), `{ lost }` (sent, but the answer is this error) or, for
   * `undefined`, send as usual.
   */
  failNext: (Error | { lost: Error } | undefined)[] = [];
  async sms(phone: string, text: string, type: 'Promotional' | 'Transactional'): Promise<string> {
    const failure = this.failNext.shift();
    if (failure instanceof Error) throw failure;
    this.texts.push({ phone, text, type });
    if (failure) throw failure.lost;
    return `sns-${this.texts.length}`;
  }
  async post(record: Readonly<Record<string, unknown>>): Promise<string> {
    this.posts.push(record);
    return `post-${this.posts.length}`;
  }
}

/** No waiting: counts what was acquired and what was given back for throttling. */
export class CountingLimiter implements RateLimiter {
  acquired = 0;
  throttledBack = 0;
  async acquire(count: number): Promise<void> {
    this.acquired += count;
  }
  throttled(count: number): void {
    this.throttledBack += count;
  }
}

export const throttle = () => new ThrottledError('SES throttled SendBulkEmail');

const at = '2026-01-05T00:00:00.000Z';

export function profile(memberId: string, overrides: Partial<SendProfile> = {}): SendProfile {
  return {
    memberId,
    status: 'active',
    name: '김민지',
    email: `${memberId}@d-${memberId}.test`,
    phone: '+821012345678',
    phoneVerified: true,
    locale: 'ko',
    timeZone: 'Asia/Seoul',
    tier: 'A',
    consents: {
      email: { value: true, at, confirmedAt: at },
      sms: { value: true, at },
      post: { value: false, at },
      nightTime: { value: false, at },
    },
    adSends: [],
    suppressed: false,
    ...overrides,
  };
}

export function entry(overrides: Partial<CalendarEntry> = {}): CalendarEntry {
  return {
    id: 'autumn-sale',
    name: 'Autumn sale',
    kind: 'custom',
    trigger: { type: 'once', at: '2027-07-03T03:00:00.000Z' },
    tiers: ['D', 'C', 'B', 'A', 'S'],
    channels: ['email', 'sms'],
    advertising: true,
    content: {
      email: {
        ko: { subject: '{{name}}님 특가', html: '<p>{{name}}님</p>', text: '{{name}}님 {{unsubscribeUrl}}' },
        en: { subject: 'Sale, {{name}}', html: '<p>{{name}}</p>', text: '{{name}} {{unsubscribeUrl}}' },
      },
      sms: { ko: { text: '{{name}}님 특가 안내' }, en: { text: 'Sale for {{name}}' } },
    },
    version: 1,
    updatedAt: at,
    updatedBy: 'test',
    ...overrides,
  } as CalendarEntry;
}

/** Coupons in memory: issued once per code, as the table keeps them. */
export class MemoryCouponStore implements CouponStore {
  readonly coupons = new Map<string, Coupon>();
  async issue(coupons: readonly Coupon[]): Promise<void> {
    for (const coupon of coupons) if (!this.coupons.has(coupon.code)) this.coupons.set(coupon.code, coupon);
  }
  async find(codes: readonly string[]): Promise<Map<string, Coupon>> {
    return new Map(codes.flatMap((code) => (this.coupons.has(code) ? [[code, this.coupons.get(code)!]] : [])));
  }
  async ofMember(memberId: string): Promise<Coupon[]> {
    return [...this.coupons.values()].filter((coupon) => coupon.memberId === memberId);
  }
  async markAnnounced(): Promise<void> {}
}
