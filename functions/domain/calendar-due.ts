// When a calendar entry is due: member dates (birthday, anniversary, enrollment day) at the member's own local hour,
// recurring issues in the programme's zone, one-off entries, and the due kinds of event-triggered entries.
import type { CalendarEntry } from '#schema/calendar';
import { addDays, isLeapYear, localClock, pad } from './local-time.ts';

export type DateField = 'birthday' | 'anniversary' | 'enrolledAt';

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
  readonly field: DateField;
  /** Members whose date falls on this `MM-DD`… */
  readonly monthDay: string;
  /** …and who live in this zone. */
  readonly timeZone: string;
  /** The year of the occurrence: one birthday message per year. */
  readonly period: string;
  /** Only members enrolled since then (the send hour passed before they enrolled); absent: everyone. */
  readonly enrolledSince?: string;
  /** Only members enrolled before then: the membership anniversary is never the day of joining itself. */
  readonly enrolledBefore?: string;
}

/** A membership anniversary counts members who joined at least this long ago (a year, less a margin of zones). */
const ANNIVERSARY_MIN_AGE_MS = 7 * 86_400_000;

/**
 * The date partitions to read when the hourly dispatcher runs at `hour` (on the hour, UTC) for a member-date
 * trigger: in each zone where it is now the entry's local hour, members whose date (shifted by the offset) is
 * today; 29 February members on 28 February of a non-leap year; and, in zones where the hour already passed
 * today, members who enrolled since the last run.
 */
export function memberDateReads(
  trigger: { field: DateField; offsetDays: number; localHour: number },
  hour: Date,
  timeZones: readonly string[],
): DateRead[] {
  const reads: DateRead[] = [];
  const since = new Date(hour.getTime() - 3_600_000).toISOString();
  const joining = trigger.field === 'enrolledAt';
  for (const zone of timeZones) {
    const local = localClock(hour, zone);
    if (local.hour < trigger.localHour) continue;
    // Someone who joined after the send hour is on the day of joining, not an anniversary: only the hour itself.
    if (joining && local.hour > trigger.localHour) continue;
    const date = addDays(local, -trigger.offsetDays);
    const monthDays = [`${pad(date.month)}-${pad(date.day)}`];
    if (date.month === 2 && date.day === 28 && !isLeapYear(date.year)) monthDays.push('02-29');
    for (const monthDay of monthDays) {
      reads.push({
        field: trigger.field,
        monthDay,
        timeZone: zone,
        period: String(date.year),
        ...(local.hour > trigger.localHour && { enrolledSince: since }),
        ...(joining && { enrolledBefore: new Date(hour.getTime() - ANNIVERSARY_MIN_AGE_MS).toISOString() }),
      });
    }
  }
  return reads;
}

/** The issue a recurring entry sends at this hour in the programme's zone (`2026-11`, `2026-Q4`, `2026`), or null. */
export function recurringPeriod(
  trigger: { every: 'month' | 'quarter' | 'year'; month?: number; day: number; hour: number },
  hour: Date,
  programmeZone: string,
): string | null {
  const local = localClock(hour, programmeZone);
  if (local.day !== trigger.day || local.hour !== trigger.hour) return null;
  if (trigger.every === 'month') return `${local.year}-${pad(local.month)}`;
  if (trigger.every === 'year') return local.month === trigger.month ? String(local.year) : null;
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

/** Due-item kinds that event-triggered entries send from. */
export const DUE_KIND_OF_EVENT: Readonly<Record<string, string | undefined>> = {
  tier_entered: 'vip_entry',
  /** Only the SMS welcome of a member who hears from us by SMS only: the e-mail welcome follows the confirmed address. */
  enrollment_confirmed: 'welcome',
  tier_downgrade_due: 'tier_downgrade_notice',
};
