// Rules of sending touchpoints, as pure functions: when an entry is due, which date partitions to read, waves,
// Korean advertising rules, the night window, offers, and the checks a recipient must pass before a send.
import { createHmac } from 'node:crypto';
import type { CalendarEntry } from '#schema/calendar';
import { emailDomain } from './identity.ts';

/** SES `SendBulkEmail` takes at most 50 destinations a call (the emulator does not enforce it; we do). */
export const BULK_LIMIT = 50;
/** Receiving servers' patience: at most this many recipients of one domain per wave. */
export const PER_DOMAIN_PER_WAVE = 3;
/** A wave is at most 1/100 of the audience… */
export const WAVE_DIVISOR = 100;
/** …but never below one bulk call. */
export const MIN_WAVE = BULK_LIMIT;
/** Korean law: an advertising SMS is not sent between 21:00 and 08:00 local time without separate consent. */
export const NIGHT_STARTS = 21;
export const NIGHT_ENDS = 8;
export const AD_PREFIX = '(광고)';

export type Channel = 'email' | 'sms' | 'post';
export type OfferGroup = 'most-frequent' | 'frequent' | 'average' | 'occasional';

const pad = (n: number) => String(n).padStart(2, '0');

export interface LocalClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
export function localClock(instant: Date, timeZone: string): LocalClock {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute') };
}

/** The zone as Intl names it canonically, so `US/Eastern` and `America/New_York` share a partition. */
export function canonicalZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

let zones: readonly string[] | undefined;
/** Every zone a member can have, canonical, each once. */
export function knownZones(): readonly string[] {
  zones ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'].map(canonicalZone))].sort();
  return zones;
}

/** The instant of a local wall-clock time in a zone (the later one when the clock jumps). */
export function zonedInstant(local: { year: number; month: number; day: number; hour: number }, timeZone: string): Date {
  const wanted = Date.UTC(local.year, local.month - 1, local.day, local.hour);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const seen = localClock(new Date(guess), timeZone);
    const seenMs = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    const diff = wanted - seenMs;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

export const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function addDays(date: { year: number; month: number; day: number }, days: number) {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

export type DateField = 'birthday' | 'anniversary' | 'enrolledAt';

/** GSI2 partition of the members whose `field` falls on MM-DD and who live in `timeZone`. */
export const datePartition = (field: DateField, monthDay: string, timeZone: string) => `DATE#${field}#${monthDay}#${timeZone}`;

/** MM-DD of a member's date field: `YYYY-MM-DD`, `--MM-DD`, or an instant (enrolledAt) read in the member's zone. */
export function monthDayOf(field: DateField, value: string, timeZone: string): string | null {
  if (field === 'enrolledAt') {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) return null;
    const local = localClock(at, timeZone);
    return `${pad(local.month)}-${pad(local.day)}`;
  }
  const match = /^(?:\d{4}|-)-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[1]}-${match[2]}` : null;
}

export interface DateRead {
  readonly partition: string;
  /** The year of the occurrence: one birthday message per year. */
  readonly period: string;
  /** Only members enrolled since then (the send hour passed before they enrolled); absent: everyone. */
  readonly enrolledSince?: string;
}

/**
 * The date partitions to read when the hourly dispatcher runs at `hour` (on the hour, UTC) for a member-date
 * trigger: in each zone where it is now the entry's local hour, members whose date (shifted by the offset) is
 * today; 29 February members on 28 February of a non-leap year; and, in zones where the hour already passed
 * today, members who enrolled since the last run.
 */
export function memberDateReads(trigger: { field: DateField; offsetDays: number; localHour: number }, hour: Date, timeZones: readonly string[]): DateRead[] {
  const reads: DateRead[] = [];
  const since = new Date(hour.getTime() - 3_600_000).toISOString();
  for (const zone of timeZones) {
    const local = localClock(hour, zone);
    if (local.hour < trigger.localHour) continue;
    const date = addDays(local, -trigger.offsetDays);
    const monthDays = [`${pad(date.month)}-${pad(date.day)}`];
    if (date.month === 2 && date.day === 28 && !isLeapYear(date.year)) monthDays.push('02-29');
    for (const monthDay of monthDays) {
      reads.push({
        partition: datePartition(trigger.field, monthDay, zone),
        period: String(date.year),
        ...(local.hour > trigger.localHour && { enrolledSince: since }),
      });
    }
  }
  return reads;
}

/** The issue a recurring entry sends at this hour in the programme's zone (`2026-11`, `2026-Q4`), or null. */
export function recurringPeriod(trigger: { every: 'month' | 'quarter'; day: number; hour: number }, hour: Date, programmeZone: string): string | null {
  const local = localClock(hour, programmeZone);
  if (local.day !== trigger.day || local.hour !== trigger.hour) return null;
  if (trigger.every === 'month') return `${local.year}-${pad(local.month)}`;
  if ((local.month - 1) % 3 !== 0) return null;
  return `${local.year}-Q${(local.month - 1) / 3 + 1}`;
}

export function isOnceDue(trigger: { at: string }, hour: Date): boolean {
  const at = new Date(trigger.at).getTime();
  return at >= hour.getTime() && at < hour.getTime() + 3_600_000;
}

export function isActive(entry: Pick<CalendarEntry, 'activeFrom' | 'activeTo'>, at: Date): boolean {
  if (entry.activeFrom && at < new Date(entry.activeFrom)) return false;
  if (entry.activeTo && at >= new Date(entry.activeTo)) return false;
  return true;
}

export const startOfHour = (at: Date) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/** Due-item kinds (GSI3 `DUE#<kind>`) that event-triggered entries send from. */
export const DUE_KIND_OF_EVENT: Readonly<Record<string, string | undefined>> = {
  tier_entered: 'vip_entry',
  tier_downgrade_due: 'tier_downgrade_notice',
};

/**
 * Splits recipients into waves: each at most max(50, audience/100) recipients and at most 3 per receiving
 * domain, domains taken in turn so that no server gets a run of the same campaign. Recipients without a
 * domain (SMS, post) are not limited per domain.
 */
export function planWaves<T extends { readonly domain?: string | undefined }>(recipients: readonly T[], audienceSize: number): T[][] {
  const capacity = Math.max(MIN_WAVE, Math.floor(audienceSize / WAVE_DIVISOR));
  const byDomain = new Map<string, T[]>();
  recipients.forEach((recipient, index) => {
    const key = recipient.domain ? `@${recipient.domain.toLowerCase()}` : `#${index}`;
    const list = byDomain.get(key);
    if (list) list.push(recipient);
    else byDomain.set(key, [recipient]);
  });
  const lanes = [...byDomain.values()].map((list) => ({ list, next: 0 }));
  const waves: T[][] = [];
  let remaining = recipients.length;
  while (remaining > 0) {
    const wave: T[] = [];
    const taken = new Map<(typeof lanes)[number], number>();
    let progressed = true;
    while (progressed && wave.length < capacity) {
      progressed = false;
      for (const lane of lanes) {
        if (wave.length >= capacity) break;
        if (lane.next >= lane.list.length || (taken.get(lane) ?? 0) >= PER_DOMAIN_PER_WAVE) continue;
        wave.push(lane.list[lane.next] as T);
        lane.next += 1;
        taken.set(lane, (taken.get(lane) ?? 0) + 1);
        progressed = true;
      }
    }
    remaining -= wave.length;
    waves.push(wave);
    for (let i = lanes.length - 1; i >= 0; i--) if ((lanes[i]?.next ?? 0) >= (lanes[i]?.list.length ?? 0)) lanes.splice(i, 1);
  }
  return waves;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** E-mail domain of an address (the only part of an address the dispatcher keeps). */
export const domainOf = (email: string | undefined) => (email?.includes('@') ? emailDomain(email).toLowerCase() : undefined);

/** Subject of an advertising mail to a Korean-locale member starts with "(광고)". */
export function adSubject(subject: string, locale: string, advertising: boolean): string {
  if (!advertising || locale !== 'ko' || subject.startsWith(AD_PREFIX)) return subject;
  return `${AD_PREFIX} ${subject}`;
}

/** An advertising SMS starts with "(광고)" and the sender's name and ends with the free opt-out line. */
export function adSms(text: string, advertising: boolean, sender: { name: string; optOutNumber: string }): string {
  if (!advertising) return text;
  return `${AD_PREFIX}[${sender.name}] ${text}\n무료수신거부 ${sender.optOutNumber}`;
}

/** When an SMS at `at` falls in the member's night (21:00–08:00), the instant of the next 08:00 there; else null. */
export function nightHoldUntil(at: Date, timeZone: string): Date | null {
  const local = localClock(at, timeZone);
  if (local.hour >= NIGHT_ENDS && local.hour < NIGHT_STARTS) return null;
  const day = local.hour >= NIGHT_STARTS ? addDays(local, 1) : local;
  return zonedInstant({ ...day, hour: NIGHT_ENDS }, timeZone);
}

/** Coupon percent for a member, by tier or RFM offer group as the entry says; members not yet scored count as occasional. */
export function couponPercent(offer: NonNullable<CalendarEntry['offer']>, tier: string, group: OfferGroup | undefined): number {
  const key = offer.percentBy === 'tier' ? tier : (group ?? 'occasional');
  return offer.percents[key] ?? 0;
}

/** A coupon code unique per member, entry and period, and reproducible (a retry shows the same code). */
export function couponCode(secret: string, memberId: string, entryId: string, period: string): string {
  const digest = createHmac('sha256', secret).update(`coupon|${memberId}|${entryId}|${period}`).digest();
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 12; i++) code += alphabet[(digest[i] ?? 0) % alphabet.length];
  return `DG-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

export type SkipReason =
  | 'inactive'
  | 'no-address'
  | 'no-consent'
  | 'unconfirmed'
  | 'suppressed'
  | 'frequency-cap'
  | 'not-targeted';

/** What the sender knows of a recipient when it checks them. */
export interface RecipientFacts {
  readonly status: string;
  readonly tier: string;
  readonly segment: OfferGroup | undefined;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  readonly hasPostalAddress: boolean;
  readonly consents: Readonly<Record<'email' | 'sms' | 'post', { value: boolean; confirmedAt?: string | undefined }>>;
  readonly suppressed: boolean;
  /** Times of earlier advertising sends (for the frequency cap). */
  readonly adSends: readonly string[];
}

/**
 * The checks before a send, in order: targeted, active, address, channel consent (e-mail confirmed by double
 * opt-in), not suppressed, frequency cap (advertising only). Null when the recipient may be sent to.
 */
/** Whether an entry targets a member of this tier and RFM offer group (not yet scored: occasional). */
export function isTargeted(entry: Pick<CalendarEntry, 'tiers' | 'segments'>, tier: string, segment: OfferGroup | undefined): boolean {
  if (!entry.tiers.includes(tier)) return false;
  return !entry.segments?.length || entry.segments.includes(segment ?? 'occasional');
}

export function skipReason(entry: Pick<CalendarEntry, 'tiers' | 'segments' | 'advertising' | 'frequencyCap'>, channel: Channel, facts: RecipientFacts, now: Date): SkipReason | null {
  if (!isTargeted(entry, facts.tier, facts.segment)) return 'not-targeted';
  if (facts.status !== 'active') return 'inactive';
  const address = channel === 'email' ? facts.email : channel === 'sms' ? facts.phone : facts.hasPostalAddress;
  if (!address) return 'no-address';
  const consent = facts.consents[channel];
  if (!consent.value) return 'no-consent';
  if (channel === 'email' && !consent.confirmedAt) return 'unconfirmed';
  if (facts.suppressed) return 'suppressed';
  if (entry.advertising && entry.frequencyCap) {
    const since = now.getTime() - entry.frequencyCap.perDays * 86_400_000;
    if (facts.adSends.filter((at) => new Date(at).getTime() > since).length >= entry.frequencyCap.max) return 'frequency-cap';
  }
  return null;
}

const REACTIONS = ['open', 'click', 'unsubscribe', 'bounce', 'complaint'] as const;

/**
 * Reached-not-opened: a follow-up goes only to someone whose first mail was delivered and who did nothing since,
 * neither to it nor to any earlier follow-up.
 */
export function wantsFollowUp(first: Readonly<Record<string, string | undefined>>, earlierFollowUps: readonly Readonly<Record<string, string | undefined>>[] = []): boolean {
  return Boolean(first['delivery']) && [first, ...earlierFollowUps].every((events) => REACTIONS.every((reaction) => !events[reaction]));
}

/** Pre-test winner: the variant with the highest rate of the metric among those sent (ties: the first). */
export function pickWinner(variants: readonly string[], counts: Readonly<Record<string, { sent: number; opened: number; clicked: number }>>, metric: 'open' | 'click'): string {
  let best = variants[0] ?? 'A';
  let bestRate = -1;
  for (const name of variants) {
    const c = counts[name];
    const rate = c && c.sent > 0 ? (metric === 'open' ? c.opened : c.clicked) / c.sent : 0;
    if (rate > bestRate) {
      best = name;
      bestRate = rate;
    }
  }
  return best;
}

/** Whether a member belongs to the pre-test sample: a stable hash of member and entry below the fraction. */
export function inSample(memberId: string, entryId: string, fraction: number): boolean {
  const digest = createHmac('sha256', 'sample').update(`${entryId}|${memberId}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < fraction;
}

/** The variant a sampled member gets: spread evenly by hash. */
export function variantFor(memberId: string, entryId: string, variants: readonly { name: string }[]): string {
  const digest = createHmac('sha256', 'variant').update(`${entryId}|${memberId}`).digest();
  return variants[digest.readUInt32BE(0) % variants.length]?.name ?? 'A';
}
