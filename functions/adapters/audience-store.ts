// Audiences from the sparse indexes (GSI2 member dates per zone, GSI3 due items and population shards), one page
// at a time, and the profiles the senders check (with suppression) in one batched read.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { domainOf } from '#domain/waves';
import type {
  AudienceMember,
  AudiencePage,
  AudienceReader,
  AudienceSource,
  DueRef,
  SendProfile,
} from '#app/sending-ports';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  datePartition,
  dueItemOf,
  dueKindPartition,
  keys,
  POPULATION_SHARDS,
  populationShard,
  withoutKeys,
} from './keys.ts';
import { queryAll } from './query-all.ts';
import { batchGetAll, batchWrite, PROFILE_ATTRIBUTES, toProfile } from './send-items.ts';

export class DynamoAudienceReader implements AudienceReader {
  get populationShards(): number {
    return POPULATION_SHARDS;
  }

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async zonesInUse(): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.memberZones.PK },
    });
    return items.map((item) => String(item['SK']));
  }

  async readAudience(
    source: AudienceSource,
    cursor: string | undefined,
    limit: number,
    baseTier: string,
  ): Promise<AudiencePage> {
    const start = decodeCursor(cursor);
    let input: QueryCommandInput;
    if (source.type === 'date') {
      input = {
        TableName: this.tableName,
        IndexName: 'GSI2',
        // The sort key starts with the enrollment instant: members enrolled since, or before, a time.
        KeyConditionExpression: source.enrolledSince
          ? 'GSI2PK = :pk AND GSI2SK >= :since'
          : source.enrolledBefore
            ? 'GSI2PK = :pk AND GSI2SK < :before'
            : 'GSI2PK = :pk',
        ExpressionAttributeValues: {
          ':pk': datePartition(source.field, source.monthDay, source.timeZone),
          ...(source.enrolledSince && { ':since': source.enrolledSince }),
          ...(!source.enrolledSince && source.enrolledBefore && { ':before': source.enrolledBefore }),
        },
      };
    } else if (source.type === 'population') {
      input = {
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk',
        ExpressionAttributeValues: { ':pk': populationShard(source.shard) },
      };
    } else {
      input = {
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK <= :upTo',
        ExpressionAttributeValues: { ':pk': dueKindPartition(source.kind), ':upTo': `${source.upTo}#~` },
      };
    }
    const result = await this.db.send(
      new QueryCommand({ ...input, Limit: limit, ...(start && { ExclusiveStartKey: start }) }),
    );
    const items = result.Items ?? [];
    const members: AudienceMember[] = items.map((item) => {
      const memberId = String(item['memberId']);
      if (source.type === 'date')
        return { memberId, ...(typeof item['domain'] === 'string' && { domain: item['domain'] }) };
      if (source.type === 'population') {
        const profile = toProfile(item, false);
        const domain = domainOf(profile.email);
        return {
          memberId,
          ...(domain && { domain }),
          tier: profile.tier ?? baseTier,
          ...(profile.segment && { segment: profile.segment }),
          profile: item,
        };
      }
      // The due item's ref (e.g. the time the tier was entered) names the period of the touchpoint.
      const due = dueItemOf({ PK: String(item['PK']), SK: String(item['SK']) });
      return { memberId, dueItem: due, dueRef: due.ref, due: withoutKeys<Record<string, unknown>>(item) };
    });
    const next = encodeCursor(result.LastEvaluatedKey);
    return { members, itemsRead: items.length, ...(next && { next }) };
  }

  async removeDue(items: readonly DueRef[]): Promise<void> {
    await batchWrite(
      this.db,
      this.tableName,
      items.map((due) => ({ DeleteRequest: { Key: keys.dueTouchpoint(due.memberId, due.kind, due.ref) } })),
    );
  }

  async profiles(memberIds: readonly string[]): Promise<Map<string, SendProfile>> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      memberIds.map((id) => keys.member(id)),
      PROFILE_ATTRIBUTES,
    );
    const emails = items.map((item) => item['email']).filter((email): email is string => typeof email === 'string');
    // Under every contact hash key in use: an address suppressed before a key rotation stays suppressed.
    const keysOf = new Map(emails.map((email) => [email, keys.suppressions(email)]));
    const suppressions = await batchGetAll(this.db, this.tableName, [...keysOf.values()].flat());
    const suppressed = new Set(suppressions.map((item) => String(item['PK'])));
    const profiles = new Map<string, SendProfile>();
    for (const item of items) {
      const email = typeof item['email'] === 'string' ? item['email'] : undefined;
      const isSuppressed = (email ? keysOf.get(email) : undefined)?.some((key) => suppressed.has(key.PK)) ?? false;
      profiles.set(String(item['memberId']), toProfile(item, isSuppressed));
    }
    return profiles;
  }
}
