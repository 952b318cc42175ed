// The default programme as the README shows it: each touchpoint, its trigger, tiers, channels and offer.
import {
  DEFAULT_CALENDAR,
  DEFAULT_CALENDAR_ADDITIONS,
  DEFAULT_CALENDAR_RELEASE_3,
  DEFAULT_CALENDAR_RELEASE_4,
} from '#domain/default-calendar';
import type { CalendarEntryInput } from '#schema/calendar';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const at = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

function trigger(entry: CalendarEntryInput): string {
  const t = entry.trigger;
  if (t.type === 'event') return `on ${t.event.replace(/_/g, ' ')}`;
  if (t.type === 'member_date') return `the member's ${t.field}, ${at(t.localHour)} in their zone`;
  if (t.type === 'once') return `once, ${t.at}`;
  if (t.every === 'year') return `every year, ${t.day} ${MONTHS[(t.month ?? 1) - 1]} ${at(t.hour)}`;
  return `every ${t.every}, day ${t.day} ${at(t.hour)}`;
}

function offer(entry: CalendarEntryInput): string {
  if (!entry.offer) return '—';
  const percents = Object.entries(entry.offer.percents).map(([key, percent]) => `${key} ${percent} %`);
  return `coupon by ${entry.offer.percentBy}: ${percents.join(', ')}`;
}

export function programmeTable(): string {
  const rows = [
    ...DEFAULT_CALENDAR,
    ...DEFAULT_CALENDAR_ADDITIONS,
    ...DEFAULT_CALENDAR_RELEASE_3,
    ...DEFAULT_CALENDAR_RELEASE_4,
  ].map(
    (entry) =>
      `| ${entry.name} | ${trigger(entry)} | ${entry.tiers.join(' ')} | ${entry.channels.join(', ')} | ${entry.advertising ? 'yes' : 'no'} | ${offer(entry)} |`,
  );
  return [
    '| touchpoint | trigger (programme zone unless said) | tiers | channels | advertising | offer |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
