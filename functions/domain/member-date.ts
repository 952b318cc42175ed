// Dates members give about themselves (birthday, anniversary) and the age rule that depends on them.

export { isValidTimeZone, localDate } from './local-time.ts';

export interface MemberDate {
  /** Absent when the member gave only month and day (`--MM-DD`). */
  readonly year?: number;
  readonly month: number;
  readonly day: number;
}

const FULL = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEARLESS = /^--(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses `YYYY-MM-DD` or `--MM-DD`; null for anything else or a date that does not exist. */
export function parseMemberDate(raw: string): MemberDate | null {
  const full = FULL.exec(raw);
  if (full) {
    const [year, month, day] = [Number(full[1]), Number(full[2]), Number(full[3])];
    if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    return { year, month, day };
  }
  const yearless = YEARLESS.exec(raw);
  if (yearless) {
    const [month, day] = [Number(yearless[1]), Number(yearless[2])];
    // 2000 is a leap year, so --02-29 is accepted for members born on 29 February.
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000, month)) return null;
    return { month, day };
  }
  return null;
}

/** Completed years of age on a local date; null when the year of birth is unknown. */
export function ageOn(birth: MemberDate, today: { year: number; month: number; day: number }): number | null {
  if (birth.year === undefined) return null;
  const hadBirthday = today.month > birth.month || (today.month === birth.month && today.day >= birth.day);
  return today.year - birth.year - (hadBirthday ? 0 : 1);
}

/** True when a date of birth lies after the given local date. */
export function isInFuture(date: MemberDate, today: { year: number; month: number; day: number }): boolean {
  if (date.year === undefined) return false;
  const key = (d: { year: number; month: number; day: number }) => d.year * 10_000 + d.month * 100 + d.day;
  return key({ year: date.year, month: date.month, day: date.day }) > key(today);
}

/** Korean law (PIPA art. 22-2): a child under 14 needs a legal guardian's consent. */
export const GUARDIAN_CONSENT_AGE = 14;

export function needsGuardianConsent(birth: MemberDate, today: { year: number; month: number; day: number }): boolean {
  const age = ageOn(birth, today);
  return age !== null && age < GUARDIAN_CONSENT_AGE;
}
