// Use cases: marketing reads and edits the benefit calendar; every write is validated (schema, then templates
// against the ladder), conditional on the version read (If-Match → 412 when stale) and audited.
import { calendarEntryInput, type CalendarEntry, type CalendarEntryInput } from '#schema/calendar';
import { templateIssues } from '#domain/templates';
import { NotFound, Stale } from './errors.ts';
import type { Clock } from './ports.ts';
import type { LadderSource } from './purchase-ports.ts';
import type { CalendarEditor } from './sending-ports.ts';
import { parseIfMatch } from './edit-tiers.ts';
import { fieldErrors, ValidationError } from './validation.ts';

export interface CalendarDeps {
  readonly calendar: CalendarEditor;
  readonly ladders: LadderSource;
  readonly clock: Clock;
}

async function validEntry(body: unknown, deps: CalendarDeps): Promise<CalendarEntryInput> {
  const parsed = calendarEntryInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const ladder = await deps.ladders.current();
  const issues = templateIssues(
    parsed.data,
    ladder.tiers.map((tier) => tier.code),
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return parsed.data;
}

const notFound = () => new NotFound('No such calendar entry');
const stale = () => new Stale('The entry changed since it was read: read it again');

export async function listCalendar(deps: CalendarDeps): Promise<{ items: CalendarEntry[] }> {
  await deps.calendar.seedDefaults(deps.clock());
  return { items: await deps.calendar.list() };
}

export async function getCalendarEntry(id: string, deps: CalendarDeps): Promise<CalendarEntry> {
  await deps.calendar.seedDefaults(deps.clock());
  const entry = id.length <= 64 ? await deps.calendar.get(id) : null;
  if (!entry) throw notFound();
  return entry;
}

export async function createCalendarEntry(body: unknown, by: string, deps: CalendarDeps): Promise<CalendarEntry> {
  return deps.calendar.create(await validEntry(body, deps), by, deps.clock());
}

export async function replaceCalendarEntry(
  id: string,
  ifMatch: string | undefined,
  body: unknown,
  by: string,
  deps: CalendarDeps,
): Promise<CalendarEntry> {
  const expected = parseIfMatch(ifMatch);
  const input = await validEntry(body, deps);
  const result = await deps.calendar.replace(id, expected, input, by, deps.clock());
  if (result.ok) return result.entry;
  throw result.reason === 'missing' ? notFound() : stale();
}

export async function deleteCalendarEntry(
  id: string,
  ifMatch: string | undefined,
  by: string,
  deps: CalendarDeps,
): Promise<void> {
  const expected = parseIfMatch(ifMatch);
  const result = await deps.calendar.remove(id, expected, by, deps.clock());
  if (result === 'missing') throw notFound();
  if (result === 'stale') throw stale();
}
