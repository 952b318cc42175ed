// Korean advertising rules (정보통신망법 §50): the (광고) subject and SMS prefix, the free opt-out line, and the night
// window in which an advertising SMS waits for the member's morning.
import { addDays, localClock, zonedInstant } from './local-time.ts';

/** Korean law: an advertising SMS is not sent between 21:00 and 08:00 local time without separate consent. */
export const NIGHT_STARTS = 21;
export const NIGHT_ENDS = 8;
export const AD_PREFIX = '(광고)';

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
