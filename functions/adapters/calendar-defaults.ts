// The default calendar's releases, each written once behind its marker (calendar-store.ts seeds them).
import {
  DEFAULT_CALENDAR,
  DEFAULT_CALENDAR_ADDITIONS,
  DEFAULT_CALENDAR_RELEASE_3,
  DEFAULT_CALENDAR_RELEASE_4,
} from '#domain/default-calendar';
import type { DefaultsRelease } from './calendar-store.ts';
import { keys } from './keys.ts';

export const DEFAULT_CALENDAR_RELEASES: readonly DefaultsRelease[] = [
  { marker: keys.calendarSeeded(1), entries: DEFAULT_CALENDAR },
  { marker: keys.calendarSeeded(2), entries: DEFAULT_CALENDAR_ADDITIONS },
  // Later releases reach deployments seeded before them, once, beside marketing's edits.
  { marker: keys.calendarSeeded(3), entries: DEFAULT_CALENDAR_RELEASE_3 },
  { marker: keys.calendarSeeded(4), entries: DEFAULT_CALENDAR_RELEASE_4 },
];
