// The benefit calendar on DynamoDB (partition `CALENDAR`): versioned entries, writes conditional on the version and
// audited in the same transaction; the default calendar is seeded once, behind a marker, never over marketing's edits.
import { randomUUID } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalendarEntry, CalendarEntryInput } from '#schema/calendar';
import { AUDIT_PUT_CONDITION, auditItem } from './audit-log.ts';
import { queryAll } from './query-all.ts';
import { transactUnlessCancelled } from './transactions.ts';
import { keys, withoutKeys } from './keys.ts';
import type { CalendarEditor, CalendarWrite } from '#app/sending-ports';

const entryKey = keys.calendarEntry;

/** One release of the default calendar: its entries, written once behind its marker. */
export interface DefaultsRelease {
  readonly marker: { PK: string; SK: string };
  readonly entries: readonly (CalendarEntryInput & { id: string })[];
}

type Write = CalendarWrite;

export class DynamoCalendarStore implements CalendarEditor {
  /**
   * `defaults`: the releases of the default calendar this store seeds (calendar-defaults.ts); given only where the
   * calendar is edited or the stack starts, so that the senders' bundles carry no default texts.
   */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly defaults: readonly DefaultsRelease[] = [],
  ) {}

  /** Whether the default calendar was ever written here (its first release's marker). */
  async seeded(): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.calendarSeeded(1), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  /**
   * Idempotent: each release of defaults is written once with its marker; every later call finds the marker and
   * stops, so an entry marketing changed or deleted is never written again. True when anything was written.
   */
  async seedDefaults(now: Date): Promise<boolean> {
    let wrote = false;
    for (const { marker, entries } of this.defaults) if (await this.seed(marker, entries, now)) wrote = true;
    return wrote;
  }

  private async seed(
    marker: { PK: string; SK: string },
    entries: readonly (CalendarEntryInput & { id: string })[],
    now: Date,
  ): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }),
    );
    if (Item) return false;
    const at = now.toISOString();
    return transactUnlessCancelled(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...marker, entity: 'calendar-seed', at },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...entries.map(({ id, ...input }) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            ...entryKey(id),
            entity: 'calendar-entry',
            ...input,
            id,
            version: 1,
            updatedAt: at,
            updatedBy: 'default-calendar',
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      })),
    ]);
  }

  async list(): Promise<CalendarEntry[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :entry)',
      ExpressionAttributeValues: { ':pk': keys.calendarEntries.PK, ':entry': keys.calendarEntries.SKPrefix },
      ConsistentRead: true,
    });
    return items.map((item) => withoutKeys<CalendarEntry>(item));
  }

  async get(id: string): Promise<CalendarEntry | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: entryKey(id), ConsistentRead: true }),
    );
    return Item ? withoutKeys<CalendarEntry>(Item) : null;
  }

  private async write(
    entry: CalendarEntry,
    condition: { expression: string; values: Record<string, unknown> },
    action: string,
    beforeVersion: number | null,
  ): Promise<boolean> {
    return transactUnlessCancelled(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...entryKey(entry.id), entity: 'calendar-entry', ...entry },
          ConditionExpression: condition.expression,
          ...(Object.keys(condition.values).length > 0 && { ExpressionAttributeValues: condition.values }),
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: auditItem({
            who: entry.updatedBy,
            action,
            target: `calendar:${entry.id}`,
            beforeVersion,
            afterVersion: entry.version,
            at: entry.updatedAt,
          }),
          ConditionExpression: AUDIT_PUT_CONDITION,
        },
      },
    ]);
  }

  async create(input: CalendarEntryInput, by: string, now: Date): Promise<CalendarEntry> {
    const entry: CalendarEntry = {
      ...input,
      id: randomUUID(),
      version: 1,
      updatedAt: now.toISOString(),
      updatedBy: by,
    };
    if (!(await this.write(entry, { expression: 'attribute_not_exists(PK)', values: {} }, 'calendar.create', null)))
      throw new Error('calendar id collision');
    return entry;
  }

  async replace(id: string, expectedVersion: number, input: CalendarEntryInput, by: string, now: Date): Promise<Write> {
    const entry: CalendarEntry = {
      ...input,
      id,
      version: expectedVersion + 1,
      updatedAt: now.toISOString(),
      updatedBy: by,
    };
    if (
      await this.write(
        entry,
        { expression: 'version = :v', values: { ':v': expectedVersion } },
        'calendar.update',
        expectedVersion,
      )
    )
      return { ok: true, entry };
    return { ok: false, reason: (await this.get(id)) ? 'stale' : 'missing' };
  }

  async remove(id: string, expectedVersion: number, by: string, now: Date): Promise<'deleted' | 'stale' | 'missing'> {
    if (
      await transactUnlessCancelled(this.db, [
        {
          Delete: {
            TableName: this.tableName,
            Key: entryKey(id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': expectedVersion },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: auditItem({
              who: by,
              action: 'calendar.delete',
              target: `calendar:${id}`,
              beforeVersion: expectedVersion,
              afterVersion: null,
              at: now.toISOString(),
            }),
            ConditionExpression: AUDIT_PUT_CONDITION,
          },
        },
      ])
    ) {
      return 'deleted';
    }
    return (await this.get(id)) ? 'stale' : 'missing';
  }
}
