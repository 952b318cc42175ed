// ImportStore on DynamoDB. Identity keys are claimed by conditional transactions (a member's keys always in one, up
// to 100 items each), owner records carrying the import row that made them; the members' other items follow by
// BatchWriteItem — the bulk of an import at batch speed. Chunk reports sit under `IMPORT#<id>`.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ImportMeta, ImportStore, KeyOwner, NewMember } from '#app/import-customers';
import type { AuditEntry } from '#app/ports';
import type { ChunkReport } from '#schema/imports';
import { AUDIT_PUT_CONDITION, auditItem } from './audit-log.ts';
import { type Key, keys, nameIndex, populationIndex, withoutKeys } from './keys.ts';
import { consentPut, memberDateItems } from './member-store.ts';
import { queryAll } from './query-all.ts';
import { batchGetAll, batchWrite } from './send-items.ts';
import { conflictBackoff } from './transactions.ts';
import { canonicalZone } from '#domain/local-time';

/** A dry run's memory of keys lasts a week (TTL), long enough to finish and rerun it. */
const SEEN_DAYS = 7;

/** BatchWriteItem calls a chunk's members are written with at once. */
const WRITERS = 4;

/** `email:…`, `phone:…`, `external:…` as the table's owner key. */
function ownerKey(key: string): Key {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  const value = key.slice(at + 1);
  if (kind === 'email') return keys.emailOwner(value);
  if (kind === 'phone') return keys.phoneOwner(value);
  if (kind === 'external') return keys.externalOwner(value);
  throw new Error(`unknown identity key ${kind}`);
}

const keyText = (key: Key) => `${key.PK}|${key.SK}`;

/** The owner records a new member claims: e-mail, phone and external id. */
export function claimsOf(member: NewMember) {
  const verified = (field: 'emailVerifiedAt' | 'phoneVerifiedAt') =>
    member.member[field] ? { verifiedAt: member.member[field] } : {};
  return [
    member.member.email && {
      ...keys.emailOwner(member.member.email),
      entity: 'email-owner',
      ...verified('emailVerifiedAt'),
    },
    member.member.phone && {
      ...keys.phoneOwner(member.member.phone),
      entity: 'phone-owner',
      ...verified('phoneVerifiedAt'),
    },
    member.externalId && { ...keys.externalOwner(member.externalId), entity: 'external-owner' },
  ].flatMap((item) => (item ? [{ ...item, memberId: member.member.memberId, importRef: member.importRef }] : []));
}

/** A new member's items besides its claims: profile, consent history, date items. */
export function memberItems(tableName: string, { member, history, importRef }: NewMember): Record<string, unknown>[] {
  return [
    {
      ...keys.member(member.memberId),
      ...nameIndex(member.name, member.memberId),
      ...populationIndex(member.memberId),
      entity: 'member',
      ...member,
      importRef,
    },
    ...history.map((record) => consentPut(tableName, record).Put.Item),
    ...memberDateItems(member),
  ];
}

export class DynamoImportStore implements ImportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async meta(id: string): Promise<ImportMeta | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.importMeta(id), ConsistentRead: true }),
    );
    return Item ? withoutKeys<ImportMeta>(Item) : null;
  }

  async chunk(id: string, firstRow: number): Promise<ChunkReport | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.importChunk(id, firstRow), ConsistentRead: true }),
    );
    return Item ? (Item['report'] as ChunkReport) : null;
  }

  async chunks(id: string): Promise<ChunkReport[]> {
    const prefix = keys.importChunks(id);
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :chunk)',
      ExpressionAttributeValues: { ':pk': prefix.PK, ':chunk': prefix.SKPrefix },
      ConsistentRead: true,
    });
    return items.map((item) => item['report'] as ChunkReport);
  }

  async saveChunk(meta: ImportMeta, report: ChunkReport): Promise<void> {
    // The report first: a crash after it leaves the chunk done (a rerun skips it), the settings follow.
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.importChunk(meta.id, report.firstRow), entity: 'import-chunk', report },
      }),
    );
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.importMeta(meta.id), entity: 'import', ...meta } }),
    );
  }

  async seenBefore(id: string, seen: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const entries = [...seen];
    const items = await batchGetAll(
      this.db,
      this.tableName,
      entries.map(([key]) => keys.importSeen(id, key)),
    );
    const rowOf = new Map(items.map((item) => [keyText(item as Key), Number(item['row'])]));
    const before = new Map<string, number>();
    const expiresAt = Math.floor(Date.now() / 1000) + SEEN_DAYS * 86_400;
    const remember: Record<string, unknown>[] = [];
    for (const [key, row] of entries) {
      const earlier = rowOf.get(keyText(keys.importSeen(id, key)));
      if (earlier !== undefined) before.set(key, earlier);
      // The earliest row stays: a rerun of a chunk finds its own rows, not later ones.
      if (earlier === undefined || row < earlier)
        remember.push({ PutRequest: { Item: { ...keys.importSeen(id, key), entity: 'import-seen', row, expiresAt } } });
    }
    await batchWrite(this.db, this.tableName, remember);
    return before;
  }

  async owners(identityKeys: readonly string[]): Promise<Map<string, KeyOwner>> {
    const unique = [...new Set(identityKeys)];
    const byKey = new Map(unique.map((key) => [keyText(ownerKey(key)), key]));
    const items = await batchGetAll(
      this.db,
      this.tableName,
      unique.map((key) => ownerKey(key)),
      ['PK', 'SK', 'memberId', 'importRef'],
    );
    const found = new Map<string, KeyOwner>();
    for (const item of items) {
      const key = byKey.get(keyText(item as Key));
      if (key)
        found.set(key, {
          memberId: String(item['memberId']),
          ...(typeof item['importRef'] === 'string' && { importRef: item['importRef'] }),
        });
    }
    return found;
  }

  async claim(members: readonly NewMember[]): Promise<Set<string>> {
    const lost = new Set<string>();
    let pending = [...members];
    for (let attempt = 0; pending.length > 0; attempt++) {
      // Whole members per transaction, at most 100 items.
      const groups: NewMember[][] = [];
      let group: NewMember[] = [];
      let size = 0;
      for (const member of pending) {
        const count = claimsOf(member).length;
        if (size + count > 100) {
          groups.push(group);
          group = [];
          size = 0;
        }
        group.push(member);
        size += count;
      }
      if (group.length > 0) groups.push(group);
      const retry: NewMember[] = [];
      await Promise.all(
        groups.map(async (members) => {
          const items = members.flatMap((member) => claimsOf(member).map((item) => ({ member, item })));
          try {
            await this.db.send(
              new TransactWriteCommand({
                TransactItems: items.map(({ item }) => ({
                  Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' },
                })),
              }),
            );
          } catch (error) {
            if (!(error instanceof TransactionCanceledException)) throw error;
            // The members whose key is held lose; the others of the group try again.
            const failed = new Set(
              (error.CancellationReasons ?? []).flatMap((reason, index) =>
                reason.Code === 'ConditionalCheckFailed' ? [items[index]?.member.importRef ?? ''] : [],
              ),
            );
            for (const ref of failed) lost.add(ref);
            retry.push(...members.filter((member) => !failed.has(member.importRef)));
          }
        }),
      );
      if (retry.length > 0 && attempt >= 6) throw new Error('import claims kept conflicting: giving the chunk back');
      if (retry.length > 0) await conflictBackoff(attempt);
      pending = retry;
    }
    return lost;
  }

  async writeMembers(members: readonly NewMember[]): Promise<void> {
    const zones = new Set(members.map(({ member }) => canonicalZone(member.timeZone)));
    const items: Record<string, unknown>[] = [
      // The zones in use: the dispatcher reads member dates only there.
      ...[...zones].map((zone) => ({ ...keys.memberZone(zone), entity: 'zone' })),
      ...members.flatMap((member) => memberItems(this.tableName, member)),
    ];
    // A few batches at once: a chunk's 3,500 items are 140 calls, each waiting mostly on the network.
    const requests = items.map((Item) => ({ PutRequest: { Item } }));
    const slices = Array.from({ length: WRITERS }, (_, writer) =>
      requests.filter((_, index) => Math.floor(index / 25) % WRITERS === writer),
    );
    await Promise.all(slices.map((slice) => batchWrite(this.db, this.tableName, slice)));
  }

  async missingProfiles(memberIds: readonly string[]): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const found = await batchGetAll(
      this.db,
      this.tableName,
      memberIds.map((id) => keys.member(id)),
      ['PK', 'memberId'],
    );
    const present = new Set(found.map((item) => String(item['memberId'])));
    return new Set(memberIds.filter((id) => !present.has(id)));
  }

  async existingOrders(orders: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(orders)];
    const split = (order: string) => {
      const at = order.indexOf('#');
      return keys.order(order.slice(0, at), order.slice(at + 1));
    };
    const found = await batchGetAll(this.db, this.tableName, unique.map(split), ['PK', 'SK']);
    const present = new Set(found.map((item) => keyText(item as Key)));
    return new Set(unique.filter((order) => present.has(keyText(split(order)))));
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: auditItem(entry), ConditionExpression: AUDIT_PUT_CONDITION }),
    );
  }
}
