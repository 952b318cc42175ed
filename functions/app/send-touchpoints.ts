// Use case: one send job (≤ 50 recipients of one entry on one channel). Every recipient is checked, then claimed in
// the ledger with a conditional write before SES or SNS is called; a retried or duplicated job finds the claims and
// sends nothing twice. E-mail goes as one SendBulkEmail with a stored template; a throttled call is made again
// under the rate a few times, then the unsent claims go back and the job fails so that the queue retries it later.
import { createHash, randomUUID } from 'node:crypto';
import { adSms, adSubject, nightHoldUntil } from '#domain/ad-rules';
import { couponCode, couponPercent } from '#domain/offers';
import { skipReason, wantsFollowUp, type Channel } from '#domain/send-checks';
import { BULK_LIMIT, chunk } from '#domain/waves';
import { render } from '#domain/templates';
import { signToken } from '#domain/signed-token';
import { localDate } from '#domain/member-date';
import type { CalendarEntry } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import type { Clock, EventPublisher, TokenSecret } from './ports.ts';
import { announceSent } from './engagement.ts';
import {
  encodeRef,
  type BulkDestination,
  type CampaignDims,
  type BulkMailer,
  type DueItem,
  type CalendarSource,
  type EngagementStore,
  type LedgerEntry,
  type LedgerRef,
  type LedgerWrite,
  type MailTemplate,
  type Messenger,
  type Recipient,
  type SendJob,
  type SendProfile,
  type SendStore,
  NotSentError,
  ThrottledError,
} from './sending-ports.ts';

export { decodeRef, encodeRef } from './sending-ports.ts';

/** A claim still `sending` after this long belongs to a sender that died mid-call: its outcome is unknown. */
export const STALE_SEND_MS = 10 * 60_000;
const UNSUBSCRIBE_VALID_DAYS = 400;

export interface RateLimiter {
  /** Waits until `count` sends fit under the configured maximum rate. */
  acquire(count: number): Promise<void>;
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
  readonly secret: TokenSecret;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly from: string;
  readonly publicBaseUrl: string;
  /** The SMS sender's name and free opt-out number (the SMS sender only). */
  readonly sms?: SmsIdentity;
}

export interface SmsIdentity {
  readonly name: string;
  readonly optOutNumber: string;
}

function smsIdentity(deps: SenderDeps): SmsIdentity {
  if (!deps.sms) throw new Error('this sender has no SMS identity (sender name, opt-out number)');
  return deps.sms;
}

export interface JobOutcome {
  sent: number;
  skipped: number;
  failed: number;
  deferred: number;
  duplicates: number;
  notRecipients: number;
  calls: number;
}

const emptyOutcome = (): JobOutcome => ({
  sent: 0,
  skipped: 0,
  failed: 0,
  deferred: 0,
  duplicates: 0,
  notRecipients: 0,
  calls: 0,
});

const ledgerChannel = (channel: Channel, followUp: number | undefined) =>
  followUp ? `${channel}-f${followUp}` : channel;

function addressPart(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return match?.[1] ?? from;
}

interface Prepared {
  readonly recipient: Recipient;
  readonly profile: SendProfile;
  readonly ref: LedgerRef;
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  readonly claimId: string;
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

function variables(
  entry: CalendarEntry,
  item: Prepared,
  ladder: TierLadder,
  deps: SenderDeps,
  now: Date,
  senderName: string,
): Record<string, string> {
  const { profile, ref } = item;
  const tierDef = ladder.tiers.find((tier) => tier.code === item.tier);
  const vars: Record<string, string> = {
    name: profile.name,
    tier: tierDef?.name[profile.locale] ?? item.tier,
    senderName,
    unsubscribeUrl: unsubscribeUrl(
      deps,
      ref,
      ref.channel.startsWith('sms') ? 'sms' : ref.channel.startsWith('post') ? 'post' : 'email',
      profile.locale,
      now,
    ),
    coupon: '',
    couponPercent: '0',
    validUntil: '',
    keepBy: '',
    deltaToRetain: '',
    ...item.recipient.vars,
  };
  if (entry.offer) {
    const percent = couponPercent(entry.offer, item.tier, profile.segment);
    if (percent > 0) {
      vars['coupon'] = couponCode(deps.secret.current(), profile.memberId, entry.id, ref.period);
      vars['couponPercent'] = String(percent);
      const until = localDate(new Date(now.getTime() + entry.offer.validityDays * 86_400_000), profile.timeZone);
      vars['validUntil'] =
        `${until.year}-${String(until.month).padStart(2, '0')}-${String(until.day).padStart(2, '0')}`;
    }
  }
  return vars;
}

/** SES tag values allow letters, digits, `_` and `-`. */
const campaignTag = (entry: CalendarEntry) => entry.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200);

function senderNameOf(from: string): string {
  const match = /^\s*"?([^"<]+?)"?\s*</.exec(from);
  return match?.[1] ?? 'dangol';
}

/**
 * Checks and claims every recipient (all claims and skips of the job in one ledger write when nothing stands in the
 * way); returns those this call may send to, and the sends an earlier try made but did not get announced
 * (`Touchpoint Sent` refused by the bus).
 */
async function prepare(
  job: SendJob,
  entry: CalendarEntry,
  ladder: TierLadder,
  profiles: ReadonlyMap<string, SendProfile>,
  deps: SenderDeps,
  outcome: JobOutcome,
): Promise<{ prepared: Prepared[]; unannounced: LedgerEntry[] }> {
  const now = deps.clock();
  const baseTier = ladder.tiers[0]?.code ?? 'D';
  const channel = ledgerChannel(job.channel, job.followUp);
  // Follow-ups go only to whom the first mail (and any earlier follow-up) reached without any reaction.
  const earlierRefs = (recipient: Recipient): LedgerRef[] =>
    Array.from({ length: job.followUp ?? 0 }, (_, n) => ({
      memberId: recipient.memberId,
      entryId: entry.id,
      period: recipient.period ?? job.period,
      channel: ledgerChannel(job.channel, n === 0 ? undefined : n),
    }));
  const earlier = job.followUp
    ? await deps.store.ledger(job.recipients.flatMap(earlierRefs))
    : new Map<string, LedgerEntry>();
  const writes: LedgerWrite[] = [];
  // Beside each write: the recipient it would let this call send to (none for a skip).
  const candidates: (Prepared | null)[] = [];
  const seen = new Set<string>();
  for (const recipient of job.recipients) {
    const profile = profiles.get(recipient.memberId);
    if (!profile) {
      outcome.notRecipients += 1;
      continue;
    }
    const tier = profile.tier ?? baseTier;
    const segment = profile.segment ?? 'occasional';
    const ref: LedgerRef = {
      memberId: recipient.memberId,
      entryId: entry.id,
      period: recipient.period ?? job.period,
      channel,
    };
    const key = encodeRef(ref);
    if (seen.has(key)) {
      outcome.duplicates += 1;
      continue;
    }
    seen.add(key);
    const reason = skipReason(
      entry,
      job.channel,
      { ...profile, tier, segment: profile.segment, hasPostalAddress: Boolean(profile.postalAddress) },
      now,
    );
    if (reason === 'not-targeted' || reason === 'no-address') {
      outcome.notRecipients += 1;
      continue;
    }
    if (job.followUp) {
      const [first, ...followUps] = earlierRefs(recipient).map((ref) => earlier.get(encodeRef(ref)));
      if (
        first?.state !== 'sent' ||
        followUps.some((sent) => !sent) ||
        !wantsFollowUp(
          first.events ?? {},
          followUps.map((sent) => sent?.events ?? {}),
        )
      ) {
        outcome.notRecipients += 1;
        continue;
      }
    }
    if (reason) {
      writes.push({ ref, skip: { reason, at: now, facts: { tier, segment } } });
      candidates.push(null);
      continue;
    }
    const variant = recipient.variant;
    const claimId = randomUUID();
    writes.push({
      ref,
      claim: {
        claimId,
        at: now,
        facts: { tier, segment, ...(variant && { variant }), advertising: entry.advertising, kind: entry.kind },
      },
    });
    candidates.push({ recipient, profile, ref, tier, segment, ...(variant && { variant }), claimId });
  }
  const results = await deps.store.claimAll(writes);
  const prepared: Prepared[] = [];
  const unannounced: LedgerEntry[] = [];
  const stale: Promise<void>[] = [];
  writes.forEach((write, index) => {
    const result = results[index];
    const candidate = candidates[index];
    if (!candidate) {
      if (result?.claimed) outcome.skipped += 1;
      else outcome.duplicates += 1;
      return;
    }
    if (result?.claimed) {
      prepared.push(candidate);
      return;
    }
    const existing = result?.existing;
    if (
      existing?.state === 'sending' &&
      existing.claimedAt &&
      now.getTime() - new Date(existing.claimedAt).getTime() > STALE_SEND_MS
    ) {
      stale.push(deps.store.markUnknown(write.ref, existing.claimedAt, now));
      outcome.failed += 1;
    } else {
      if (job.channel !== 'email' && existing?.state === 'sent' && !existing.events?.['send'])
        unannounced.push(existing);
      outcome.duplicates += 1;
    }
  });
  await Promise.all(stale);
  // In the job's order (waves and reports read better), as the writes were.
  return { prepared, unannounced };
}

/** Counters of one job, added up and written once per (tier, segment, variant) instead of once per recipient. */
class JobCounters {
  private readonly counts = new Map<string, { dims: CampaignDims; n: number }>();
  add(item: Prepared): void {
    const dims: CampaignDims = {
      tier: item.tier,
      segment: item.segment,
      period: item.ref.period,
      ...(item.variant && { variant: item.variant }),
    };
    const key = JSON.stringify(dims);
    const found = this.counts.get(key);
    if (found) found.n += 1;
    else this.counts.set(key, { dims, n: 1 });
  }
  async flush(entryId: string, store: SendStore): Promise<void> {
    await Promise.all([...this.counts.values()].map(({ dims, n }) => store.count(entryId, dims, 'sent', n)));
    this.counts.clear();
  }
}

/** The follow-up due after a sent e-mail, if the entry has one left. */
function followUpDue(entry: CalendarEntry, job: SendJob, item: Prepared, now: Date): DueItem | null {
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

function templateFor(
  entry: CalendarEntry,
  locale: 'ko' | 'en',
  variant: string | undefined,
  followUp: number | undefined,
): MailTemplate {
  const content = entry.content.email?.[locale] ?? entry.content.email?.ko ?? entry.content.email?.en;
  if (!content) throw new Error(`entry ${entry.id} has no e-mail content`);
  const alternate = followUp ? entry.followUp?.alternates[followUp - 1] : undefined;
  const variantSubject = variant
    ? entry.preTest?.variants.find((candidate) => candidate.name === variant)?.subject
    : undefined;
  const subject = adSubject(alternate?.subject ?? variantSubject ?? content.subject, locale, entry.advertising);
  const hash = createHash('sha256')
    .update(JSON.stringify([subject, content.html, content.text]))
    .digest('hex')
    .slice(0, 12);
  const name = `dangol-${entry.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 36)}-${locale}-${hash}`;
  return { name, subject, html: content.html, text: content.text };
}

/**
 * One SES call under the rate: when SES throttles, the whole sender holds back for as long as the call's sends take
 * at the rate and the call is made again, a few times, before the job gives up (its claims go back and the queue
 * retries it much later).
 */
async function withThrottleRetries<T>(limiter: RateLimiter, count: number, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await limiter.acquire(count);
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ThrottledError) || attempt >= THROTTLE_RETRIES) throw error;
      limiter.throttled(count);
    }
  }
}

/** The job's clock: the real time, but never earlier than the time the job was scheduled for. */
function jobClock(job: SendJob, deps: SenderDeps): SenderDeps {
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

interface RunningJob {
  readonly deps: SenderDeps;
  readonly outcome: JobOutcome;
  readonly entry: CalendarEntry;
  readonly ladder: TierLadder;
  readonly prepared: readonly Prepared[];
  readonly unannounced: readonly LedgerEntry[];
  readonly counters: JobCounters;
}

/**
 * What both senders do around their channel's calls: the job's clock, the entry (deleted since: nobody to send
 * to), a test send, the checks and claims; the campaign counters are written once at the end, even after a failure.
 */
async function runJob(
  job: SendJob,
  realDeps: SenderDeps,
  send: (running: RunningJob) => Promise<void>,
): Promise<JobOutcome> {
  const deps = jobClock(job, realDeps);
  const outcome = emptyOutcome();
  if (job.test) {
    const entry = await deps.calendar.get(job.entryId);
    if (entry) return sendTest(job, entry, deps, outcome);
    outcome.notRecipients += 1;
    return outcome;
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
  const { prepared, unannounced } = await prepare(job, entry, ladder, profiles, deps, outcome);
  const counters = new JobCounters();
  try {
    await send({ deps, outcome, entry, ladder, prepared, unannounced, counters });
  } finally {
    await counters.flush(entry.id, deps.store);
  }
  return outcome;
}

export async function sendEmailJob(job: SendJob, deps: SenderDeps): Promise<JobOutcome> {
  const mailer = deps.mailer;
  if (!mailer) throw new Error('e-mail sender without a mailer');
  return runJob(job, deps, async ({ deps, outcome, entry, ladder, prepared, counters }) => {
    const alternate = job.followUp ? entry.followUp?.alternates[job.followUp - 1] : undefined;
    const from = alternate ? `${alternate.senderName} <${addressPart(deps.from)}>` : deps.from;
    const senderName = alternate?.senderName ?? senderNameOf(deps.from);
    const groups = new Map<string, { template: MailTemplate; items: Prepared[] }>();
    for (const item of prepared) {
      const template = templateFor(entry, item.profile.locale, item.variant, job.followUp);
      const group = groups.get(template.name) ?? { template, items: [] };
      group.items.push(item);
      groups.set(template.name, group);
    }
    const pending = new Set(prepared);
    try {
      for (const { template, items } of groups.values()) {
        for (const part of chunk(items, BULK_LIMIT)) {
          const now = deps.clock();
          const destinations: BulkDestination[] = part.map((item) => {
            const vars = variables(entry, item, ladder, deps, now, senderName);
            return {
              to: item.profile.email ?? '',
              vars,
              headers: {
                'List-Unsubscribe': `<${vars['unsubscribeUrl']}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
              tags: { l: encodeRef(item.ref) },
            };
          });
          const results = await withThrottleRetries(deps.limiter, part.length, () => {
            outcome.calls += 1;
            return mailer.sendBulk(template, from, destinations, {
              campaign: campaignTag(entry),
              kind: entry.advertising ? 'advertising' : 'informational',
            });
          });
          for (const item of part) pending.delete(item);
          // Sent ones turn `sent` on the ledger when SES's Send event comes back (record-engagement); only failures
          // and follow-ups are written here.
          const dues: DueItem[] = [];
          const failures: Promise<void>[] = [];
          part.forEach((item, index) => {
            const result = results[index];
            if (result?.ok) {
              const due = followUpDue(entry, job, item, now);
              if (due) dues.push(due);
              counters.add(item);
              outcome.sent += 1;
            } else {
              failures.push(
                deps.store.finish(item.ref, item.claimId, {
                  state: 'failed',
                  reason: result?.reason ?? 'no result',
                  at: now,
                }),
              );
              outcome.failed += 1;
            }
          });
          await Promise.all([...failures, dues.length > 0 ? deps.store.putDues(dues) : Promise.resolve()]);
        }
      }
    } catch (error) {
      // SES said it sent nothing (throttled, refused): the claims go back so that the retry of this job sends them.
      // Any other failure (5xx, timeout, lost connection) may have sent them: the claims stay, and become `sent` on
      // SES's Send event or `failed: outcome-unknown` later — never sent twice.
      if (error instanceof NotSentError)
        await Promise.all([...pending].map((item) => deps.store.release(item.ref, item.claimId)));
      throw error;
    }
  });
}

export async function sendMessageJob(job: SendJob, deps: SenderDeps): Promise<JobOutcome> {
  const messenger = deps.messenger;
  if (!messenger) throw new Error('message sender without a messenger');
  return runJob(job, deps, async ({ deps, outcome, entry, ladder, prepared, unannounced, counters }) => {
    const events = deps.events;
    const announce = (ref: LedgerRef, messageId: string, at: string) =>
      events ? announceSent(ref, { messageId, at }, { store: deps.store, events }) : Promise.resolve(false);
    for (const sent of unannounced)
      await announce(sent, sent.messageId ?? '', sent.sentAt ?? deps.clock().toISOString());
    for (const item of prepared) {
      const now = deps.clock();
      const { profile } = item;
      let messageId: string | undefined;
      try {
        if (job.channel === 'sms') {
          const hold =
            entry.advertising && !profile.consents.nightTime?.value ? nightHoldUntil(now, profile.timeZone) : null;
          if (hold) {
            await deps.store.defer(item.ref, item.claimId, hold, { tier: item.tier, segment: item.segment });
            outcome.deferred += 1;
            continue;
          }
          const content = entry.content.sms?.[profile.locale] ?? entry.content.sms?.ko ?? entry.content.sms?.en;
          if (!content) throw new Error(`entry ${entry.id} has no SMS content`);
          const sms = smsIdentity(deps);
          const text = adSms(
            render(content.text, variables(entry, item, ladder, deps, now, sms.name)),
            entry.advertising,
            sms,
          );
          messageId = await messenger.sms(
            profile.phone ?? '',
            text,
            entry.advertising ? 'Promotional' : 'Transactional',
          );
        } else {
          const content = entry.content.post?.[profile.locale] ?? entry.content.post?.ko ?? entry.content.post?.en;
          messageId = await messenger.post({
            kind: entry.kind,
            entryId: entry.id,
            period: item.ref.period,
            memberId: profile.memberId,
            name: profile.name,
            locale: profile.locale,
            tier: item.tier,
            title: content?.title ?? entry.name,
            postalAddress: profile.postalAddress ?? null,
          });
        }
        outcome.calls += 1;
      } catch (error) {
        // Not sent: the claim goes back so that the retry of this job sends it.
        await deps.store.release(item.ref, item.claimId);
        throw error;
      }
      // Sent: from here a failure must never give the claim back (the retry would send it again).
      await deps.store.finish(item.ref, item.claimId, { state: 'sent', messageId, at: now });
      if (entry.advertising) await deps.store.noteAdSend(profile.memberId, profile.adSends, now);
      counters.add(item);
      outcome.sent += 1;
      await announce(item.ref, messageId, now.toISOString());
    }
  });
}

/** A test send: the entry rendered with sample values to the address or phone given, marked as a test. */
async function sendTest(
  job: SendJob,
  entry: CalendarEntry,
  deps: SenderDeps,
  outcome: JobOutcome,
): Promise<JobOutcome> {
  const test = job.test;
  if (!test) return outcome;
  const now = deps.clock();
  const locale = test.locale;
  const vars: Record<string, string> = {
    name: locale === 'ko' ? '홍길동' : 'Test Member',
    tier: entry.tiers[0] ?? '',
    coupon: 'DG-TEST-TEST-TEST',
    couponPercent: String(Object.values(entry.offer?.percents ?? {})[0] ?? 0),
    validUntil: now.toISOString().slice(0, 10),
    unsubscribeUrl: `${deps.publicBaseUrl}/unsubscribe?token=test`,
    keepBy: now.toISOString().slice(0, 10),
    deltaToRetain: '0',
    senderName: job.channel === 'sms' ? smsIdentity(deps).name : senderNameOf(deps.from),
  };
  if (job.channel === 'email') {
    const template = templateFor(entry, locale, undefined, undefined);
    await deps.limiter.acquire(1);
    await deps.mailer?.sendOne({
      to: test.to,
      from: deps.from,
      subject: `[TEST] ${render(template.subject, vars)}`,
      html: render(template.html, vars, true),
      text: render(template.text, vars),
      tags: { kind: 'test', campaign: campaignTag(entry) },
    });
  } else if (job.channel === 'sms') {
    const content = entry.content.sms?.[locale];
    if (!content) throw new Error(`entry ${entry.id} has no SMS content in ${locale}`);
    await deps.messenger?.sms(
      test.to,
      `[TEST] ${adSms(render(content.text, vars), entry.advertising, smsIdentity(deps))}`,
      'Transactional',
    );
  }
  outcome.calls += 1;
  outcome.sent += 1;
  return outcome;
}
