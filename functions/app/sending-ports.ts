// What the sending use cases need from the outside (ledger and audiences on DynamoDB, SES, SNS, queues), and the
// messages that travel between dispatcher, audience pages and senders.
import type { Touch } from '#domain/attribution';
import type { MailTemplate } from '#domain/message-content';
import type { OfferGroup } from '#domain/offers';
import type { DateField } from '#domain/calendar-due';
import type { Channel, SkipReason } from '#domain/send-checks';
import type { CalendarEntry, CalendarEntryInput } from '#schema/calendar';

/** Where an audience comes from; every one is an index query, never a Scan. */
export type AudienceSource =
  | {
      readonly type: 'date';
      readonly field: DateField;
      readonly monthDay: string;
      readonly timeZone: string;
      readonly enrolledSince?: string;
      readonly enrolledBefore?: string;
    }
  | { readonly type: 'population'; readonly shard: number }
  | { readonly type: 'due'; readonly kind: string; readonly upTo: string };

/** One page of the dispatcher's work: an audience source, where it stopped, and how many waves came before. */
export interface DispatchMessage {
  /** The entry of a date or population audience; due items name their entries themselves. */
  readonly entryId?: string;
  /** Entries that send from a due kind (e.g. every `tier_entered` entry for `vip_entry`). */
  readonly entryIds?: readonly string[];
  readonly period?: string;
  readonly source: AudienceSource;
  readonly cursor?: string;
  readonly waveBase: number;
  /** Pre-test: only the sample (each member gets their variant), or the rest with the winner. */
  readonly phase?: 'sample' | 'rollout';
  readonly variant?: string;
  /** Consent renewal: only members whose consent anniversary falls in this month (`YYYY-MM`). */
  readonly consentMonth?: string;
  /** The hour the dispatcher ran for; the jobs carry it on. */
  readonly at?: string;
}

export interface Recipient {
  readonly memberId: string;
  /** Overrides the job's period (due touchpoints: each its own). */
  readonly period?: string;
  /** Variables the due item brought (keepBy, deltaToRetain, consent details). */
  readonly vars?: Readonly<Record<string, string>>;
  readonly variant?: string;
}

/** A send job: up to 50 recipients of one entry on one channel — one `SendBulkEmail` call for e-mail. */
export interface SendJob {
  readonly entryId: string;
  readonly period: string;
  readonly channel: Channel;
  readonly wave: number;
  /** When the job was scheduled for: the sender never treats it as earlier (night window, timestamps). */
  readonly at?: string;
  /** Not to be sent before this time (a wave beyond SQS's 900 s delay comes back to its queue until then). */
  readonly notBefore?: string;
  readonly recipients: readonly Recipient[];
  /** 1 or 2: a reached-not-opened follow-up. */
  readonly followUp?: number;
  /** A test send from the admin API: to this address or phone, marked as a test, no ledger. */
  readonly test?: { readonly to: string; readonly locale: 'ko' | 'en'; readonly by: string };
}

export interface AudienceMember {
  readonly memberId: string;
  readonly domain?: string;
  readonly tier?: string;
  readonly segment?: OfferGroup;
  /** Due items: which one (removed once handed out), and what they say. */
  readonly dueItem?: DueRef;
  /** What the due item is about: the period of its touchpoint. */
  readonly dueRef?: string;
  readonly due?: Readonly<Record<string, unknown>>;
  readonly profile?: Readonly<Record<string, unknown>>;
}

export interface AudiencePage {
  readonly members: readonly AudienceMember[];
  readonly itemsRead: number;
  readonly next?: string;
}

/** The member as the sender sees them: profile fields plus suppression. */
export interface SendProfile {
  readonly memberId: string;
  readonly status: string;
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly phoneVerified: boolean;
  readonly postalAddress?: Readonly<Record<string, unknown>>;
  readonly locale: 'ko' | 'en';
  readonly timeZone: string;
  readonly tier?: string;
  readonly segment?: OfferGroup;
  readonly consents: Readonly<
    Record<'email' | 'sms' | 'post' | 'nightTime', { value: boolean; at?: string; confirmedAt?: string }>
  >;
  readonly adSends: readonly string[];
  readonly suppressed: boolean;
}

export type LedgerState = 'sending' | 'sent' | 'skipped' | 'failed' | 'deferred';

export interface LedgerEntry {
  readonly memberId: string;
  readonly entryId: string;
  readonly period: string;
  readonly channel: string;
  readonly state: LedgerState;
  readonly claimId?: string;
  readonly claimedAt?: string;
  readonly reason?: string;
  readonly messageId?: string;
  readonly sentAt?: string;
  readonly tier?: string;
  readonly segment?: string;
  readonly variant?: string;
  /** The calendar entry's kind (birthday, newsletter, …), for the `Touchpoint Sent` event. */
  readonly kind?: string;
  /** The entry's attribution window when it is not the default. */
  readonly attributionDays?: number;
  readonly events?: Readonly<Record<string, string>>;
}

export interface LedgerRef {
  readonly memberId: string;
  readonly entryId: string;
  readonly period: string;
  /** `email`, `sms`, `post`, or `email-f1` / `email-f2` for follow-ups. */
  readonly channel: string;
}

/** A ledger reference as one string (the SES tag `l`, unsubscribe links, map keys): base64url of its four parts. */
/** The follow-up step of a ledger channel: `email-f2` is 2, `email` 0. */
export function followUpStep(ledgerChannel: string): number {
  const match = /-f(\d)$/.exec(ledgerChannel);
  return match ? Number(match[1]) : 0;
}

export const encodeRef = (ref: LedgerRef) =>
  Buffer.from(JSON.stringify([ref.memberId, ref.entryId, ref.period, ref.channel])).toString('base64url');
export function decodeRef(value: string): LedgerRef | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((part) => typeof part === 'string')) return null;
    const [memberId, entryId, period, channel] = parsed as [string, string, string, string];
    return { memberId, entryId, period, channel };
  } catch {
    return null;
  }
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: LedgerEntry | null };

export interface ClaimFacts {
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  readonly advertising: boolean;
  readonly kind: string;
}

/** One ledger write of a job's checks: a claim before the send, or a final `skipped`. */
export type LedgerWrite =
  | {
      readonly ref: LedgerRef;
      readonly claim: { readonly claimId: string; readonly at: Date; readonly facts: ClaimFacts };
    }
  | {
      readonly ref: LedgerRef;
      readonly skip: {
        readonly reason: SkipReason | string;
        readonly at: Date;
        readonly facts: { readonly tier: string; readonly segment: string };
      };
    };

export interface CampaignDims {
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  readonly period: string;
  /** 1 or 2 for a follow-up's counts; the first send is 0. */
  readonly step?: number;
}

/** Audiences from the indexes, one page at a time, and the profiles the senders check. */
export interface AudienceReader {
  /** How many shards the whole population is read in (one dispatch message each). */
  readonly populationShards: number;
  /** The zones members live in (canonical names), so member dates are read in those zones only. */
  zonesInUse(): Promise<string[]>;
  readAudience(
    source: AudienceSource,
    cursor: string | undefined,
    limit: number,
    baseTier: string,
  ): Promise<AudiencePage>;
  removeDue(items: readonly DueRef[]): Promise<void>;
  profiles(memberIds: readonly string[]): Promise<Map<string, SendProfile>>;
}

/** The send ledger: claims before any call, and the end of each claim on the sender's side. */
export interface SendLedger {
  /** The ledger items that exist of these references, keyed by `encodeRef`. */
  ledger(refs: readonly LedgerRef[]): Promise<Map<string, LedgerEntry>>;
  /**
   * Each write only where no one holds the claim (no item yet, or a deferred one), a whole job in one transaction
   * when nothing stands in the way; answers in the order given: claimed, or the item that was there.
   */
  claimAll(writes: readonly LedgerWrite[]): Promise<ClaimResult[]>;
  /** A claim's end on the sender's side: SMS and post `sent`, or `failed` (e-mail is `sent` on SES's Send event). */
  finish(
    ref: LedgerRef,
    claimId: string,
    outcome: { state: 'sent'; messageId: string; at: Date } | { state: 'failed'; reason: string; at: Date },
  ): Promise<void>;
  /** Gives a claim back (throttled before the send): a retry may claim again. */
  release(ref: LedgerRef, claimId: string): Promise<void>;
  /** A claim stuck in `sending` past the stale time: SES may or may not have sent it, so it is failed, never resent. */
  markUnknown(ref: LedgerRef, claimedAt: string, at: Date): Promise<void>;
  /** Holds an SMS until `until` (night window): ledger `deferred` and a due item for the dispatcher. */
  defer(ref: LedgerRef, claimId: string, until: Date, facts: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * A touchpoint reached (or held out of) the member: their last touch for attributing purchases, and — for an
   * advertising send — the frequency-cap log, from the list the sender read (`adSends`).
   */
  noteTouch(
    memberId: string,
    touch: Touch,
    adSends?: { readonly recent: readonly string[]; readonly at: Date },
  ): Promise<void>;
}

/** What a campaign keeps beside the ledger: counters, later steps, dispatch marks, the pre-test's decision. */
export interface CampaignStore {
  count(entryId: string, dims: CampaignDims, outcome: string, by: number): Promise<void>;
  /** A later step due for one member (follow-up), found by kind and time. */
  putDue(
    memberId: string,
    kind: string,
    ref: string,
    dueAt: Date,
    fields: Readonly<Record<string, unknown>>,
  ): Promise<void>;
  /** Several due items in batches (unconditional: each is keyed by what it is due for). */
  putDues(items: readonly DueItem[]): Promise<void>;
  /** The entries whose audience of this hour was already handed out. */
  dispatched(entryIds: readonly string[], hour: string): Promise<Set<string>>;
  /** Marks these entries' audiences of this hour as handed out (after their messages are on the queue). */
  markDispatched(entryIds: readonly string[], hour: string): Promise<void>;
  /** Pre-test decision item: written once; later runs read the winner. */
  decidePretest(entryId: string, period: string, winner: string, at: Date): Promise<string>;
  pretestCounts(
    entryId: string,
    period: string,
    variants: readonly string[],
  ): Promise<Record<string, { sent: number; opened: number; clicked: number }>>;
}

/** Everything the dispatcher and the senders store, as one object (three adapters composed). */
export type SendStore = AudienceReader & SendLedger & CampaignStore;

/** One member's due item: its kind and what it is about. */
export interface DueRef {
  readonly memberId: string;
  readonly kind: string;
  readonly ref: string;
}

export interface DueItem {
  readonly memberId: string;
  readonly kind: string;
  readonly ref: string;
  readonly dueAt: Date;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface EngagementStore {
  /** Records one event on the ledger once; the ledger item when it was new (counters then move in the same write), else null. */
  recordEvent(ref: LedgerRef, type: string, at: string, counter: string | null): Promise<LedgerEntry | null>;
  /**
   * Records a send once (the ledger's `send` event, with state `sent`, message id and time when they are not there
   * yet); with `logAdSend`, an advertising send also goes onto the member's frequency-cap log in the same write.
   * The ledger item when this call recorded it, else null.
   */
  recordSend(
    ref: LedgerRef,
    sent: { readonly messageId: string; readonly at: string },
    options: { readonly logAdSend: boolean },
  ): Promise<LedgerEntry | null>;
  /** Takes back an event recorded without a counter (its announcement failed, so that a retry announces again). */
  forgetEvent(ref: LedgerRef, type: string): Promise<void>;
  /** Address suppressed and e-mail consent withdrawn (bounce, complaint), with a consent record. */
  suppress(email: string, reason: string, at: string): Promise<void>;
  /** Withdraws one channel's consent (unsubscribe); false when it was already withdrawn. */
  withdraw(memberId: string, channel: 'email' | 'sms' | 'post', source: string, at: string): Promise<boolean>;
}

export interface BulkDestination {
  readonly to: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export type { MailTemplate } from '#domain/message-content';

export type BulkResult = { ok: true; messageId: string } | { ok: false; reason: string };

export interface BulkMailer {
  /**
   * One `SendBulkEmail` call (≤ 50 destinations) with a stored template, never retried by the SDK (a retry after a
   * lost answer could send all 50 again); throws `ThrottledError` when SES throttles, `NotSentError` for any other
   * refusal, anything else when the outcome is unknown.
   */
  sendBulk(
    template: MailTemplate,
    from: string,
    destinations: readonly BulkDestination[],
    tags: Readonly<Record<string, string>>,
  ): Promise<BulkResult[]>;
  /** One `SendEmail` call (test sends). */
  sendOne(mail: {
    to: string;
    from: string;
    subject: string;
    html: string;
    text: string;
    tags: Readonly<Record<string, string>>;
  }): Promise<string>;
}

export interface Messenger {
  sms(phone: string, text: string, type: 'Promotional' | 'Transactional'): Promise<string>;
  post(record: Readonly<Record<string, unknown>>): Promise<string>;
}

/** SES or SNS answered that it did not send (a 4xx): the claims of the call may be given back. */
export class NotSentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSentError';
  }
}

/**
 * The invocation has not time enough left to wait for its turn under the rate and then call: nothing was sent, the
 * claims go back, and the queue gives the job to a later invocation.
 */
export class NoTimeLeft extends NotSentError {
  constructor(count: number, waitMs: number) {
    super(`no time left to send ${count} under the rate (a wait of ${waitMs} ms)`);
    this.name = 'NoTimeLeft';
  }
}

/** The provider refused this one recipient for good (an invalid phone number): nothing sent, nor ever will be. */
export class RecipientRefused extends NotSentError {
  constructor(message: string) {
    super(message);
    this.name = 'RecipientRefused';
  }
}

/** SES refused the call for its rate. */
export class ThrottledError extends NotSentError {
  constructor(message: string) {
    super(message);
    this.name = 'ThrottledError';
  }
}

export interface CalendarSource {
  get(id: string): Promise<CalendarEntry | null>;
  list(): Promise<CalendarEntry[]>;
}

export type CalendarWrite = { ok: true; entry: CalendarEntry } | { ok: false; reason: 'stale' | 'missing' };

/** The calendar as marketing edits it: every write conditional on the version read, and audited. */
export interface CalendarEditor extends CalendarSource {
  /** Writes the seed's default entries once per release of defaults; true when anything was written. */
  seedDefaults(now: Date): Promise<boolean>;
  create(input: CalendarEntryInput, by: string, now: Date): Promise<CalendarEntry>;
  replace(
    id: string,
    expectedVersion: number,
    input: CalendarEntryInput,
    by: string,
    now: Date,
  ): Promise<CalendarWrite>;
  remove(id: string, expectedVersion: number, by: string, now: Date): Promise<'deleted' | 'stale' | 'missing'>;
}
