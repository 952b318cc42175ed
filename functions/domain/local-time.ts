// Local time in a member's or the programme's zone, the one place that does zone arithmetic: wall-clock parts of an
// instant, the instant of a wall-clock time, months and days, canonical zone names.

export const pad = (n: number) => String(n).padStart(2, '0');

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
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
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

/** The instant of a local wall-clock time in a zone (the later one when the clock jumps). */
export function zonedInstant(
  local: { year: number; month: number; day: number; hour: number },
  timeZone: string,
): Date {
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

export function addDays(date: { year: number; month: number; day: number }, days: number) {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Calendar date of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): { year: number; month: number; day: number } {
  const { year, month, day } = localClock(instant, timeZone);
  return { year, month, day };
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDay(instant: Date, timeZone: string): string {
  const { year, month, day } = localClock(instant, timeZone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The month `YYYY-MM` of an instant in a time zone (spend buckets, consent months). */
export function monthKey(instant: Date, timeZone: string): string {
  const { year, month } = localClock(instant, timeZone);
  return `${year}-${pad(month)}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
