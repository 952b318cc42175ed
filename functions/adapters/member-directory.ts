// Admin reads of members: by e-mail or phone through the ownership items, by name prefix through GSI1, and the
// member's own items (profile, consent history, tier history, due touchpoints) in one Query.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUDIT_PUT_CONDITION, auditItem, type AuditEntry } from './audit-log.ts';
import type { MemberDirectory } from '#app/member-lookup';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys, namePartition, withoutKeys } from './keys.ts';
import { consentPut, MEMBER_DATE_FIELDS } from './member-store.ts';
import type { ConsentRecord } from '#schema/member';
import { batchWrite } from './send-items.ts';
import { queryAll } from './query-all.ts';
import { transactUnlessCancelled } from './transactions.ts';

export interface MemberItems {
  readonly profile: Record<string, unknown>;
  readonly consentHistory: Record<string, unknown>[];
  readonly tierHistory: Record<string, unknown>[];
  readonly due: Record<string, unknown>[];
  /** The send ledger: every touchpoint sent, skipped or failed, with its later events. */
  readonly contacts: Record<string, unknown>[];
}

export class DynamoMemberDirectory implements MemberDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One channel's consent as the member set it, with its consent record, in one transaction; false when it already
   * was so or the member is not active.
   */
  async setConsent(
    memberId: string,
    channel: ConsentRecord['channel'],
    value: boolean,
    source: string,
    at: string,
  ): Promise<boolean> {
    return transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(memberId),
          // A new state of the channel: any earlier double opt-in belongs to the state it confirmed.
          UpdateExpression: 'SET consents.#channel = :state',
          ConditionExpression: '#status = :active AND consents.#channel.#value <> :value',
          ExpressionAttributeNames: { '#channel': channel, '#value': 'value', '#status': 'status' },
          ExpressionAttributeValues: { ':state': { value, at, source }, ':value': value, ':active': 'active' },
        },
      },
      consentPut(this.tableName, { memberId, channel, value, at, source }),
    ]);
  }

  async profile(memberId: string): Promise<Record<string, unknown> | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.member(memberId) }));
    return Item ? withoutKeys<Record<string, unknown>>(Item) : null;
  }

  async ownerOf(kind: 'email' | 'phone', value: string): Promise<string | null> {
    const key = kind === 'email' ? keys.emailOwner(value) : keys.phoneOwner(value);
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return typeof Item?.['memberId'] === 'string' ? Item['memberId'] : null;
  }

  async byNamePrefix(
    folded: string,
    limit: number,
    cursor?: string,
  ): Promise<{ profiles: Record<string, unknown>[]; next?: string }> {
    const first = [...folded][0] ?? '_';
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        ExpressionAttributeValues: { ':pk': namePartition(first), ':prefix': folded },
        Limit: limit,
        ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
      }),
    );
    const next = encodeCursor(result.LastEvaluatedKey);
    return {
      profiles: (result.Items ?? []).map((item) => withoutKeys<Record<string, unknown>>(item)),
      ...(next && { next }),
    };
  }

  /** Access records, one conditional put each (never a batch: a batch put could replace an entry). */
  async recordAll(entries: readonly AuditEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.audit(entry)));
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: auditItem(entry), ConditionExpression: AUDIT_PUT_CONDITION }),
    );
  }

  /**
   * Erasure in one transaction: the profile keeps only what is not personal (id, dates, spend buckets, tier), the
   * ownership items of its e-mail and phone go, so do prospects keyed by them; the audit entry is written with it.
   */
  async erase(
    memberId: string,
    contacts: { email?: string; phone?: string },
    prospectKeys: readonly string[],
    audit: AuditEntry,
  ): Promise<boolean> {
    const personal = [
      '#name',
      'email',
      'phone',
      'birthday',
      'anniversary',
      'postalAddress',
      'survey',
      'guardianConsent',
      'guardian',
      'GSI1PK',
      'GSI1SK',
      'GSI2PK',
      'GSI2SK',
      'GSI3PK',
      'GSI3SK',
      'GSI4PK',
      'GSI4SK',
      'steps',
    ];
    const ownerDeletes = [
      contacts.email && keys.emailOwner(contacts.email),
      contacts.phone && keys.phoneOwner(contacts.phone),
    ].filter((key): key is { PK: string; SK: string } => Boolean(key));
    return transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: `SET #status = :erased, erasedAt = :at, consents = :noConsent REMOVE ${personal.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK) AND #status <> :erased',
          ExpressionAttributeNames: { '#status': 'status', '#name': 'name' },
          ExpressionAttributeValues: {
            ':erased': 'erased',
            ':at': audit.at,
            ':noConsent': Object.fromEntries(
              ['email', 'sms', 'post', 'nightTime'].map((channel) => [
                channel,
                { value: false, at: audit.at, source: 'erasure' },
              ]),
            ),
          },
        },
      },
      ...ownerDeletes.map((key) => ({
        Delete: {
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'attribute_not_exists(PK) OR memberId = :member',
          ExpressionAttributeValues: { ':member': memberId },
        },
      })),
      ...prospectKeys.map((prospectKey) => ({
        Delete: { TableName: this.tableName, Key: keys.prospect(prospectKey) },
      })),
      // The date items index the birthday and anniversary: they go with the rest of the personal data.
      ...MEMBER_DATE_FIELDS.map((field) => ({
        Delete: { TableName: this.tableName, Key: keys.memberDate(memberId, field) },
      })),
      { Put: { TableName: this.tableName, Item: auditItem(audit), ConditionExpression: AUDIT_PUT_CONDITION } },
    ]);
  }

  async eraseActivity(memberId: string): Promise<number> {
    const prefixes = keys.memberItemPrefixes;
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.member(memberId).PK },
      ProjectionExpression: 'PK, SK',
    });
    const activity = items.filter((item) =>
      [prefixes.due, prefixes.sent].some((prefix) => String(item['SK']).startsWith(prefix)),
    );
    await batchWrite(
      this.db,
      this.tableName,
      activity.map((item) => ({ DeleteRequest: { Key: { PK: item['PK'], SK: item['SK'] } } })),
    );
    return activity.length;
  }

  async memberItems(memberId: string): Promise<MemberItems | null> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.member(memberId).PK },
    });
    const profile = items.find((item) => item['SK'] === keys.member(memberId).SK);
    if (!profile) return null;
    const bySk = (prefix: string) =>
      items
        .filter((item) => String(item['SK']).startsWith(prefix))
        .map((item) => withoutKeys<Record<string, unknown>>(item));
    const prefixes = keys.memberItemPrefixes;
    return {
      profile: withoutKeys<Record<string, unknown>>(profile),
      consentHistory: bySk(prefixes.consent),
      tierHistory: bySk(prefixes.tierHistory),
      due: bySk(prefixes.due),
      contacts: bySk(prefixes.sent),
    };
  }
}
