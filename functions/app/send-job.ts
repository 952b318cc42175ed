// What both senders share around their channel's calls: their ports (SenderDeps), the job's clock, the entry and
// the recipients read at once, the checks and claims (send-prepare.ts), the campaign counters written once per job
// (or per SQS batch), the follow-up that a sent mail makes due, calls under the rate limit with throttling retries.
import { DEFAULT_ATTRIBUTION_DAYS, type Touch } from '#domain/attribution';
import { issuedCoupon } from '#domain/coupons';
import { signToken } from '#domain/signed-token';
import { messageVariables } from '#domain/message-content';
import { MAX_QUEUE_DELAY_SECONDS } from '#domain/waves';
import type { CalendarEntry } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import type { CouponStore } from './coupons.ts';
import type { Clock, EventPublisher, TokenSecret } from './ports.ts';
import { emptyOutcome, type JobOutcome, type Prepared, prepare } from './send-prepare.ts';
import {
  type BulkMailer,
  type CalendarSource,
  type CampaignDims,
  type DueItem,
  type EngagementStore,
  encodeRef,
  followUpStep,
  type LedgerEntry,
  type LedgerRef,
  type Messenger,
  type SendJob,
  type SendStore,
  ThrottledError,
} from './sending-ports.ts';

export type { JobOutcome };

const UNSUBSCRIBE_VALID_DAYS = 400;

export interface RateLimiter {
  /**
   * Waits until `count` sends fit under the configured maximum rate; throws `NoTimeLeft` (sending nothing) rather
   * than wait longer than `withinMs`.
   */
  acquire(count: number, withinMs?: number): Promise<void>;
  /** SES refused `count` sends for its rate: given back, and every send of this sender waits as long as they take. */
  throttled(count: number): void;
}

/** A throttled call is made again this many times in the job; a job throttled past that goes back to its queue. */
export const THROTTLE_RETRIES = 4;

export interface SenderDeps {
  readonly calendar: CalendarSource;
  readonly store: SendStore & EngagementStore;
  /** The bus, where `Touchpoint Sent` goes (SMS and post; e-mail is announced on SES's Send event). */
  readonly events?: EventPublisher;
  readonly mailer?: BulkMailer;
  readonly messenger?: Messenger;
  readonly ladder: () => Promise<TierLadder>;
  /** Where the coupons the messages carry are stored. */
  readonly coupons: Pick<CouponStore, 'issue'>;
  readonly secret: TokenSecret;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly from: string;
  readonly publicBaseUrl: string;
  /** The SMS sender's name and free opt-out number (the SMS sender only). */
  readonly sms?: SmsIdentity;
  /**
   * The kill switch: while marketing has paused all sending, a job is not sent but held — put back on its queue for
   * later (the ledger still sends each recipient once when it runs).
   */
  readonly hold?: { paused(): Promise<boolean>; later(job: SendJob, delaySeconds?: number): Promise<void> };
  /** The counters of the SQS batch the job runs in (`sendingBatch`), written when the batch ends. */
  readonly counters?: SentCounters;
  /** The time the invocation has left (Lambda's context); a send that would have to wait past it is not made. */
  readonly remainingMs?: () => number;
}

/** Kept free at the end of an invocation for the last call to SES or SNS and the writes after it. */
export const CALL_MARGIN_MS = 20_000;

/** The jobs of one SQS batch, run at once: their shared reads and counters; `end` writes the counters. */
export interface SendingBatch {
  readonly deps: SenderDeps;
  end(): Promise<void>;
}

/**
 * The jobs of one SQS batch run at once (their claims overlapping one another's SES calls). What they all read alike
 * — the calendar entry, the ladder, the kill switch — is read once for the batch, and their sent counts are written
 * once when the batch ends (`end`), not once per job. Nothing is kept beyond the batch.
 */
export function sendingBatch(deps: SenderDeps): SendingBatch {
  const reads = new Map<string, Promise<unknown>>();
  const once = <V>(key: string, read: () => Promise<V>): Promise<V> => {
    let found = reads.get(key) as Promise<V> | undefined;
    if (!found) {
      found = read();
      reads.set(key, found);
      // A failed read is not kept: the next job reads again.
      found.catch(() => reads.delete(key));
    }
    return found;
  };
  const hold = deps.hold;
  const counters = new SentCounters();
  return {
    deps: {
      ...deps,
      calendar: { get: (id) => once(`entry:${id}`, () => deps.calendar.get(id)), list: () => deps.calendar.list() },
      ladder: () => once('ladder', () => deps.ladder()),
      ...(hold && {
        hold: { paused: () => once('paused', () => hold.paused()), later: (job, delay) => hold.later(job, delay) },
      }),
      counters,
    },
    end: () => counters.flush(deps.store),
  };
}

export interface SmsIdentity {
  readonly name: string;
  readonly optOutNumber: string;
}

export function smsIdentity(deps: SenderDeps): SmsIdentity {
  if (!deps.sms) throw new Error('this sender has no SMS identity (sender name, opt-out number)');
  return deps.sms;
}

function unsubscribeUrl(
  deps: SenderDeps,
  ref: LedgerRef,
  channel: 'email' | 'sms' | 'post',
  locale: 'ko' | 'en',
  now: Date,
): string {
  const token = signToken(
    {
      purpose: 'unsubscribe',
      sub: ref.memberId,
      exp: Math.floor(now.getTime() / 1000) + UNSUBSCRIBE_VALID_DAYS * 86_400,
      ch: channel,
      ref: encodeRef(ref),
      lc: locale,
    },
    deps.secret.current(),
  );
  return `${deps.publicBaseUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The variables of one claimed recipient's message, with their own signed unsubscribe link. */
export function variablesOf(
  entry: CalendarEntry,
  item: Prepared,
  ladder: TierLadder,
  deps: SenderDeps,
  now: Date,
  senderName: string,
): Record<string, string> {
  const { profile, ref } = item;
  const channel = ref.channel.startsWith('sms') ? 'sms' : ref.channel.startsWith('post') ? 'post' : 'email';
  return messageVariables(
    entry,
    {
      memberId: profile.memberId,
      name: profile.name,
      locale: profile.locale,
      timeZone: profile.timeZone,
      tier: item.tier,
      ...(profile.segment && { segment: profile.segment }),
      period: ref.period,
      ...(item.recipient.vars && { vars: item.recipient.vars }),
    },
    {
      ladder,
      secret: deps.secret.current(),
      now,
      senderName,
      unsubscribeUrl: unsubscribeUrl(deps, ref, channel, profile.locale, now),
      memberPageUrl: `${deps.publicBaseUrl}/me/sign-in`,
    },
  );
}

/**
 * Sent counts added up in memory and written once per (entry, tier, segment, variant) — for one job, or for all the
 * jobs of one SQS batch (`sendingBatch`) — instead of once per recipient.
 */
export class SentCounters {
  private readonly counts = new Map<string, { entryId: string; dims: CampaignDims; n: number }>();
  add(entryId: string, item: Prepared): void {
    const dims: CampaignDims = {
      tier: item.tier,
      segment: item.segment,
      period: item.ref.period,
      step: followUpStep(item.ref.channel),
      ...(item.variant && { variant: item.variant }),
    };
    const key = JSON.stringify([entryId, dims]);
    const found = this.counts.get(key);
    if (found) found.n += 1;
    else this.counts.set(key, { entryId, dims, n: 1 });
  }
  async flush(store: SendStore): Promise<void> {
    const counts = [...this.counts.values()];
    this.counts.clear();
    await Promise.all(counts.map(({ entryId, dims, n }) => store.count(entryId, dims, 'sent', n)));
  }
}

/** The touch a send (or a holdout) makes on the member: what their purchases in its window are attributed to. */
export function touchFor(entry: CalendarEntry, item: Prepared, at: Date, holdout = false): Touch {
  const step = followUpStep(item.ref.channel);
  return {
    entryId: entry.id,
    period: item.ref.period,
    at: at.toISOString(),
    days: entry.attributionDays ?? DEFAULT_ATTRIBUTION_DAYS,
    tier: item.tier,
    segment: item.segment,
    ...(item.variant && { variant: item.variant }),
    ...(step > 0 && { step }),
    ...(holdout && { holdout: true }),
  };
}

/** Stores the coupon each claimed recipient's message will carry (none when the entry makes no offer). */
async function issueCoupons(entry: CalendarEntry, prepared: readonly Prepared[], deps: SenderDeps, now: Date) {
  if (!entry.offer || prepared.length === 0) return;
  const secret = deps.secret.current();
  const coupons = prepared.flatMap((item) => {
    const coupon = issuedCoupon(
      entry,
      {
        memberId: item.profile.memberId,
        tier: item.tier,
        ...(item.profile.segment && { segment: item.profile.segment }),
        period: item.ref.period,
        ...(item.variant && { variant: item.variant }),
      },
      { secret, now },
    );
    return coupon ? [coupon] : [];
  });
  if (coupons.length > 0) await deps.coupons.issue(coupons);
}

/** The holdout's size, by tier, segment and period. */
function countHoldouts(entryId: string, heldOut: readonly Prepared[], store: SendStore): Promise<void>[] {
  const groups = new Map<string, { dims: CampaignDims; n: number }>();
  for (const item of heldOut) {
    const dims: CampaignDims = { tier: item.tier, segment: item.segment, period: item.ref.period };
    const key = JSON.stringify(dims);
    const group = groups.get(key) ?? { dims, n: 0 };
    group.n += 1;
    groups.set(key, group);
  }
  return [...groups.values()].map(({ dims, n }) => store.count(entryId, dims, 'holdout', n));
}

/** The follow-up due after a sent e-mail, if the entry has one left. */
export function followUpDue(entry: CalendarEntry, job: SendJob, item: Prepared, now: Date): DueItem | null {
  const next = (job.followUp ?? 0) + 1;
  if (job.channel !== 'email' || !entry.followUp || next > entry.followUp.max || !entry.followUp.alternates[next - 1])
    return null;
  return {
    memberId: item.profile.memberId,
    kind: 'follow_up',
    ref: `${entry.id}#${item.ref.period}#${next}`,
    dueAt: new Date(now.getTime() + entry.followUp.delayHours * 3_600_000),
    fields: { entryId: entry.id, period: item.ref.period, followUp: next },
  };
}

/**
 * One SES call under the rate: when SES throttles, the whole sender holds back for as long as the call's sends take
 * at the rate and the call is made again, a few times, before the job gives up (its claims go back and the queue
 * retries it much later).
 */
export async function withThrottleRetries<T>(
  limiter: RateLimiter,
  count: number,
  call: () => Promise<T>,
  remainingMs?: () => number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await limiter.acquire(count, remainingMs && Math.max(0, remainingMs() - CALL_MARGIN_MS));
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ThrottledError) || attempt >= THROTTLE_RETRIES) throw error;
      limiter.throttled(count);
    }
  }
}

/** The job's clock: the real time, but never earlier than the time the job was scheduled for. */
export function jobClock(job: SendJob, deps: SenderDeps): SenderDeps {
  const scheduled = job.at ? new Date(job.at) : null;
  if (!scheduled || Number.isNaN(scheduled.getTime())) return deps;
  return {
    ...deps,
    clock: () => {
      const real = deps.clock();
      return new Date(Math.max(scheduled.getTime(), real.getTime()));
    },
  };
}

export interface RunningJob {
  readonly deps: SenderDeps;
  readonly outcome: JobOutcome;
  readonly entry: CalendarEntry;
  readonly ladder: TierLadder;
  readonly prepared: readonly Prepared[];
  readonly unannounced: readonly LedgerEntry[];
  /** Where the job's sent recipients are counted (written when the job, or its batch, ends). */
  readonly counters: { add(item: Prepared): void };
}

/**
 * What both senders do around their channel's calls: the job's clock, the entry (deleted since: nobody to send
 * to), the checks and claims; the campaign counters are written once at the end, even after a failure.
 */
export async function runJob(
  job: SendJob,
  realDeps: SenderDeps,
  send: (running: RunningJob) => Promise<void>,
): Promise<JobOutcome> {
  const deps = jobClock(job, realDeps);
  const outcome = emptyOutcome();
  // A later wave than the queue could hold back goes back until its time (at most 900 s each time); while all
  // sending is paused, every job goes back.
  const hold = realDeps.hold;
  if (hold) {
    const early = job.notBefore ? Date.parse(job.notBefore) - realDeps.clock().getTime() : 0;
    if (early > 0 || (await hold.paused())) {
      await hold.later(job, early > 0 ? Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(early / 1000)) : undefined);
      outcome.held = job.recipients.length;
      return outcome;
    }
  }
  // The entry, the ladder and the recipients' profiles are independent reads: made at once.
  const [entry, ladder, profiles] = await Promise.all([
    deps.calendar.get(job.entryId),
    deps.ladder(),
    deps.store.profiles(job.recipients.map((recipient) => recipient.memberId)),
  ]);
  if (!entry) {
    outcome.notRecipients += job.recipients.length;
    return outcome;
  }
  const { prepared, unannounced, heldOut } = await prepare(job, entry, ladder, profiles, deps, outcome);
  const now = deps.clock();
  await Promise.all([
    // The coupons the messages will carry exist before any message does (a retry finds them stored).
    issueCoupons(entry, prepared, deps, now),
    // The control group: counted, and each member's last touch notes the holdout (their purchases count for it).
    ...heldOut.map((item) => deps.store.noteTouch(item.profile.memberId, touchFor(entry, item, now, true))),
    ...countHoldouts(entry.id, heldOut, deps.store),
  ]);
  if (heldOut.length > 0) outcome.heldOut = heldOut.length;
  // The batch's counters when the job runs in one (written once when the batch ends), else the job's own.
  const counters = deps.counters ?? new SentCounters();
  try {
    await send({
      deps,
      outcome,
      entry,
      ladder,
      prepared,
      unannounced,
      counters: { add: (item) => counters.add(entry.id, item) },
    });
  } finally {
    if (!deps.counters) await counters.flush(deps.store);
  }
  return outcome;
}
