// MergeStore on DynamoDB. A merge keeps, before it changes anything, every item of both members' partitions, their
// contacts' owner records and the merged member's coupons under `MERGE#<id>` (`SNAP#<n>`, each the original item);
// the merge is one transaction over both profiles, the owners and the merge's state; copies it makes into the
// survivor's partition carry `mergedFrom`, so that undo finds them. Undo writes the kept items back.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { MergeMeta, MergeStore } from '#app/merge-members';
import type { AuditEntry } from '#app/ports';
import type { MergedFields } from '#domain/member-merge';
import { AUDIT_PUT_CONDITION, auditItem } from './audit-log.ts';
import { type Key, keys, MERGE_KEEP_SECONDS, memberCouponsPartition, reviewIndex, withoutKeys } from './keys.ts';
import { aggregateUpdate } from './purchase-items.ts';
import { queryAll } from './query-all.ts';
import { batchWrite } from './send-items.ts';

type Item = Record<string, unknown>;

/** What the survivor was right after the merge: undo gives it what changed since. */
interface IntoAfter {
  readonly spendByMonth: Record<string, number>;
  readonly ordersByMonth: Record<string, number>;
  readonly purchaseCount: number;
  readonly tierState?: unknown;
  readonly consents: unknown;
}

const { sent, consent, tierHistory, date, due } = keys.memberItemPrefixes;
/** What follows the merged member to the survivor: the ledger and both histories. */
const COPIED = [sent, consent, tierHistory];
/** What the merged member leaves: its place in the date audiences and its due touchpoints. */
const LEFT_BEHIND = [date, due];

function addDelta(kept: unknown, now: unknown, after: unknown): Record<string, number> {
  const result: Record<string, number> = { ...((kept ?? {}) as Record<string, number>) };
  const current = (now ?? {}) as Record<string, number>;
  const then = (after ?? {}) as Record<string, number>;
  for (const month of new Set([...Object.keys(current), ...Object.keys(then)])) {
    const delta = (current[month] ?? 0) - (then[month] ?? 0);
    if (delta !== 0) result[month] = (result[month] ?? 0) + delta;
  }
  return result;
}

function addUp(base: unknown, more: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = { ...((base ?? {}) as Record<string, number>) };
  for (const [month, value] of Object.entries(more)) result[month] = (result[month] ?? 0) + value;
  return result;
}

export class DynamoMergeStore implements MergeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The purchases since the merge that came through the merged member, summed, and which orders they were. */
  private async since(mergeId: string) {
    const prefix = keys.mergeSincePrefix(mergeId);
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :since)',
      ExpressionAttributeValues: { ':pk': prefix.PK, ':since': prefix.SKPrefix },
      ConsistentRead: true,
    });
    let spend: Record<string, number> = {};
    let orders: Record<string, number> = {};
    let count = 0;
    for (const item of items) {
      spend = addUp(spend, (item['spendByMonth'] ?? {}) as Record<string, number>);
      orders = addUp(orders, (item['ordersByMonth'] ?? {}) as Record<string, number>);
      count += Number(item['purchaseCount'] ?? 0);
    }
    const sinceOrders = items.map((item) => ({ channel: String(item['channel']), orderId: String(item['orderId']) }));
    return { spend, orders, count, sinceOrders };
  }

  private async get(key: Key): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  private partition(memberId: string): Promise<Item[]> {
    return queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.member(memberId).PK },
      ConsistentRead: true,
    });
  }

  private coupons(memberId: string): Promise<Item[]> {
    return queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': memberCouponsPartition(memberId) },
    });
  }

  private ownerKeys(profile: Item): Key[] {
    return [
      typeof profile['email'] === 'string' && keys.emailOwner(profile['email']),
      typeof profile['phone'] === 'string' && keys.phoneOwner(profile['phone']),
    ].filter((key): key is Key => Boolean(key));
  }

  async profile(memberId: string): Promise<Item | null> {
    if (memberId.length === 0 || memberId.length > 64) return null;
    return (await this.get(keys.member(memberId))) ?? null;
  }

  async meta(mergeId: string): Promise<MergeMeta | null> {
    const item = await this.get(keys.mergeMeta(mergeId));
    return item ? withoutKeys<MergeMeta>(item) : null;
  }

  async keep(meta: MergeMeta, source: Item, into: Item): Promise<void> {
    const expiresAt = Math.floor(Date.parse(meta.at) / 1000) + MERGE_KEEP_SECONDS;
    const [sourceItems, intoItems, coupons] = await Promise.all([
      this.partition(meta.source),
      this.partition(meta.into),
      this.coupons(meta.source),
    ]);
    const owners = (
      await Promise.all([...this.ownerKeys(source), ...this.ownerKeys(into)].map((key) => this.get(key)))
    ).filter((item): item is Item => item !== undefined);
    const couponItems = (
      await Promise.all(coupons.map((coupon) => this.get({ PK: String(coupon['PK']), SK: String(coupon['SK']) })))
    ).filter((item): item is Item => item !== undefined);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.mergeMeta(meta.mergeId), entity: 'merge', ...meta, expiresAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    const kept = [...sourceItems, ...intoItems, ...owners, ...couponItems];
    await batchWrite(
      this.db,
      this.tableName,
      kept.map((original, n) => ({
        PutRequest: { Item: { ...keys.mergeKept(meta.mergeId, n), entity: 'merge-kept', original, expiresAt } },
      })),
    );
  }

  async apply(meta: MergeMeta, source: Item, into: Item, merged: MergedFields): Promise<boolean> {
    const version = (item: Item) =>
      item['aggVersion'] === undefined
        ? { condition: 'attribute_not_exists(aggVersion)', value: 0 }
        : { condition: 'aggVersion = :version', value: Number(item['aggVersion']) };
    const intoVersion = version(into);
    const sourceVersion = version(source);
    const written = aggregateUpdate(merged);
    const set = [
      ...written.set,
      'tierState = :tier',
      'consents = :consents',
      'aggVersion = :next',
      'mergedFrom = list_append(if_not_exists(mergedFrom, :none), :source)',
    ];
    const values: Item = {
      ...written.values,
      ':tier': merged.tier.state,
      ':consents': merged.consents,
      ':next': intoVersion.value + 1,
      ':none': [],
      ':source': [meta.source],
      ':active': 'active',
      ...(intoVersion.condition.includes(':version') && { ':version': intoVersion.value }),
    };
    const remove: string[] = [];
    for (const [field, verified] of [
      ['email', 'emailVerifiedAt'],
      ['phone', 'phoneVerifiedAt'],
    ] as const) {
      const taken = merged.takes[field];
      if (!taken) continue;
      set.push(`${field} = :${field}`);
      values[`:${field}`] = taken.value;
      if (taken.verifiedAt) {
        set.push(`${verified} = :${verified}`);
        values[`:${verified}`] = taken.verifiedAt;
      }
    }
    if (merged.tier.nextReviewAt) {
      const index = reviewIndex(meta.into, merged.tier.nextReviewAt);
      set.push('GSI4PK = :reviewPk', 'GSI4SK = :reviewSk');
      values[':reviewPk'] = index.GSI4PK;
      values[':reviewSk'] = index.GSI4SK;
    }
    const intoAfter: IntoAfter = {
      spendByMonth: merged.spendByMonth,
      ordersByMonth: merged.ordersByMonth,
      purchaseCount: merged.purchaseCount,
      tierState: merged.tier.state,
      consents: merged.consents,
    };
    const sourceOwners = this.ownerKeys(source);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.member(meta.into),
                UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
                ConditionExpression: `#status = :active AND ${intoVersion.condition}`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: values,
              },
            },
            {
              // The merged member leaves every index (look-ups, audiences, reviews) and points to the survivor.
              Update: {
                TableName: this.tableName,
                Key: keys.member(meta.source),
                UpdateExpression:
                  'SET #status = :merged, mergedInto = :into, mergeId = :mergeId, aggVersion = :next REMOVE GSI1PK, GSI1SK, GSI3PK, GSI3SK, GSI4PK, GSI4SK',
                ConditionExpression: `#status = :active AND ${sourceVersion.condition}`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':merged': 'merged',
                  ':into': meta.into,
                  ':mergeId': meta.mergeId,
                  ':next': sourceVersion.value + 1,
                  ':active': 'active',
                  ...(sourceVersion.condition.includes(':version') && { ':version': sourceVersion.value }),
                },
              },
            },
            // The merged member's contacts now find the survivor (purchases, sign-in, look-ups).
            ...sourceOwners.map((key) => ({
              Update: {
                TableName: this.tableName,
                Key: key,
                // Whose it was: a purchase under it after the merge goes back to that member on undo.
                UpdateExpression: 'SET memberId = :into, mergedFrom = :source, mergeId = :mergeId',
                ConditionExpression: 'memberId = :source',
                ExpressionAttributeValues: { ':into': meta.into, ':source': meta.source, ':mergeId': meta.mergeId },
              },
            })),
            // The survivor's tier history says why it moved up (undo removes the line with the merge's copies).
            ...(merged.tier.change
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: {
                        ...keys.tierHistory(meta.into, merged.tier.change.at, ['merge', meta.mergeId]),
                        entity: 'tier-change',
                        memberId: meta.into,
                        ...merged.tier.change,
                        reason: 'merge',
                        mergedFrom: meta.mergeId,
                      },
                    },
                  },
                ]
              : []),
            {
              Update: {
                TableName: this.tableName,
                Key: keys.mergeMeta(meta.mergeId),
                UpdateExpression: 'SET #state = :merged, intoAfter = :after',
                ConditionExpression: '#state = :merging',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':merged': 'merged', ':merging': 'merging', ':after': intoAfter },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async follow(meta: MergeMeta): Promise<void> {
    const [sourceItems, intoItems, coupons] = await Promise.all([
      this.partition(meta.source),
      this.partition(meta.into),
      this.coupons(meta.source),
    ]);
    const intoKeys = new Set(intoItems.map((item) => String(item['SK'])));
    const sk = (item: Item) => String(item['SK']);
    // The ledger (so nobody gets the same birthday mail twice) and both histories, on the survivor.
    const copies = sourceItems
      .filter((item) => COPIED.some((prefix) => sk(item).startsWith(prefix)) && !intoKeys.has(sk(item)))
      .map((item) => ({
        PutRequest: {
          Item: {
            ...item,
            PK: keys.member(meta.into).PK,
            ...(item['memberId'] !== undefined && { memberId: meta.into }),
            mergedFrom: meta.mergeId,
          },
        },
      }));
    await batchWrite(this.db, this.tableName, copies);
    // Out of the date audiences and due lists: the survivor has its own.
    const leaving = sourceItems.filter((item) => LEFT_BEHIND.some((prefix) => sk(item).startsWith(prefix)));
    await batchWrite(
      this.db,
      this.tableName,
      leaving.map((item) => ({ DeleteRequest: { Key: { PK: item['PK'], SK: item['SK'] } } })),
    );
    for (const coupon of coupons)
      await this.db
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { PK: coupon['PK'], SK: coupon['SK'] },
            UpdateExpression: 'SET memberId = :into, GSI1PK = :pk',
            ConditionExpression: 'memberId = :source',
            ExpressionAttributeValues: {
              ':into': meta.into,
              ':pk': memberCouponsPartition(meta.into),
              ':source': meta.source,
            },
          }),
        )
        .catch((error: unknown) => {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        });
  }

  async undo(meta: MergeMeta): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mergeMeta(meta.mergeId),
          UpdateExpression: 'SET #state = :undoing',
          ConditionExpression: '#state IN (:merged, :undoing)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':undoing': 'undoing', ':merged': 'merged' },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
    const stored = (await this.get(keys.mergeMeta(meta.mergeId))) ?? {};
    const prefix = keys.mergeKeptPrefix(meta.mergeId);
    const kept = (
      await queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :snap)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':snap': prefix.SKPrefix },
        ConsistentRead: true,
      })
    ).map((item) => item['original'] as Item);
    const intoKey = keys.member(meta.into);
    const isInto = (item: Item) => item['PK'] === intoKey.PK && item['SK'] === intoKey.SK;
    // The survivor as kept, with what it gained since the merge, less what came through the merged member (its old
    // id, a contact the merge moved), which goes back to that member; worked out once (a rerun of undo uses it).
    const sourceKey = keys.member(meta.source);
    const isSource = (item: Item) => item['PK'] === sourceKey.PK && item['SK'] === sourceKey.SK;
    const since = await this.since(meta.mergeId);
    let restored = stored['restoredInto'] as Item | undefined;
    let restoredSource = stored['restoredSource'] as Item | undefined;
    if (!restored || !restoredSource) {
      const keptInto = kept.find(isInto) ?? {};
      const keptSource = kept.find(isSource) ?? {};
      const now = (await this.get(intoKey)) ?? {};
      const sourceNow = (await this.get(sourceKey)) ?? {};
      const after = (stored['intoAfter'] ?? {}) as IntoAfter;
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      restored = {
        ...keptInto,
        spendByMonth: addDelta(keptInto['spendByMonth'], now['spendByMonth'], addUp(after.spendByMonth, since.spend)),
        ordersByMonth: addDelta(
          keptInto['ordersByMonth'],
          now['ordersByMonth'],
          addUp(after.ordersByMonth, since.orders),
        ),
        purchaseCount:
          Number(keptInto['purchaseCount'] ?? 0) +
          Number(now['purchaseCount'] ?? 0) -
          Number(after.purchaseCount ?? 0) -
          since.count,
        // A tier or consent changed since the merge (a purchase, the member's own choice) stays as it is now.
        ...(!same(now['tierState'], after.tierState) && { tierState: now['tierState'] }),
        ...(!same(now['consents'], after.consents) && { consents: now['consents'] }),
        aggVersion: Number(now['aggVersion'] ?? 0) + 1,
      };
      for (const field of ['spendByMonth', 'ordersByMonth'] as const)
        if (Object.keys(restored[field] as object).length === 0 && keptInto[field] === undefined)
          delete restored[field];
      if (restored['purchaseCount'] === 0 && keptInto['purchaseCount'] === undefined) delete restored['purchaseCount'];
      restoredSource =
        since.count === 0
          ? keptSource
          : {
              ...keptSource,
              spendByMonth: addUp(keptSource['spendByMonth'], since.spend),
              ordersByMonth: addUp(keptSource['ordersByMonth'], since.orders),
              purchaseCount: Number(keptSource['purchaseCount'] ?? 0) + since.count,
              // Past any version a cache holds of it from before the merge.
              aggVersion: Number(sourceNow['aggVersion'] ?? 0) + 1,
            };
      await this.db
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.mergeMeta(meta.mergeId),
            UpdateExpression: 'SET restoredInto = :restored, restoredSource = :source',
            ConditionExpression: 'attribute_not_exists(restoredInto)',
            ExpressionAttributeValues: { ':restored': restored, ':source': restoredSource },
          }),
        )
        .catch((error: unknown) => {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        });
      const settled = (await this.get(keys.mergeMeta(meta.mergeId))) ?? {};
      restored = settled['restoredInto'] as Item;
      restoredSource = (settled['restoredSource'] as Item | undefined) ?? keptSource;
    }
    // Orders that came through the merged member are its own again (a later refund finds it).
    for (const order of since.sinceOrders)
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.order(order.channel, order.orderId),
          UpdateExpression: 'SET #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { kind: 'member', memberId: meta.source } },
        }),
      );
    // Coupons go back to their member as they are now (one redeemed since stays redeemed); the rest as kept.
    const isCoupon = (item: Item) => String(item['PK']).startsWith(keys.couponPrefix);
    await batchWrite(
      this.db,
      this.tableName,
      kept
        .filter((item) => !isCoupon(item))
        .map((item) => ({ PutRequest: { Item: isInto(item) ? restored : isSource(item) ? restoredSource : item } })),
    );
    for (const coupon of kept.filter(isCoupon))
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: coupon['PK'], SK: coupon['SK'] },
          UpdateExpression: 'SET memberId = :member, GSI1PK = :pk',
          ExpressionAttributeValues: { ':member': coupon['memberId'], ':pk': coupon['GSI1PK'] },
        }),
      );
    // The copies the merge made on the survivor go; what the survivor got since stays.
    const copies = (await this.partition(meta.into)).filter((item) => item['mergedFrom'] === meta.mergeId);
    await batchWrite(
      this.db,
      this.tableName,
      copies.map((item) => ({ DeleteRequest: { Key: { PK: item['PK'], SK: item['SK'] } } })),
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.mergeMeta(meta.mergeId),
        UpdateExpression: 'SET #state = :undone',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':undone': 'undone' },
      }),
    );
    return true;
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: auditItem(entry), ConditionExpression: AUDIT_PUT_CONDITION }),
    );
  }
}
