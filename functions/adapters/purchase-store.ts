// PurchaseStore on DynamoDB: each purchase or refund is one TransactWriteItems — the order/refund record that must
// not exist yet, plus the owner's aggregates guarded by an optimistic version (plus tier history and due items).
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EMPTY_AGGREGATES, type SpendAggregates } from '#domain/spend-window';
import type { TierState } from '#domain/tier-engine';
import type {
  Account,
  OrderRecord,
  Owner,
  OwnerRef,
  ProspectRef,
  PurchaseStore,
  TierChangeRecord,
  TierChangeRef,
  TierEffects,
  WriteOutcome,
} from '#app/purchase-ports';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { dueIndex, keys, REVIEW_SHARDS, reviewIndex, reviewShard, withoutKeys } from './keys.ts';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

interface AccountItem extends Partial<SpendAggregates> {
  memberId?: string;
  mergedInto?: string;
  aggVersion?: number;
  tierState?: TierState;
  status?: string;
}

export class DynamoPurchaseStore implements PurchaseStore {
  readonly shards = REVIEW_SHARDS;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async get(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    return (await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  private toAccount(owner: Owner, item: AccountItem | undefined): Account {
    return {
      owner,
      aggregates: {
        spendByMonth: item?.spendByMonth ?? EMPTY_AGGREGATES.spendByMonth,
        ordersByMonth: item?.ordersByMonth ?? EMPTY_AGGREGATES.ordersByMonth,
        purchaseCount: item?.purchaseCount ?? 0,
        ...(item?.firstPurchaseAt && { firstPurchaseAt: item.firstPurchaseAt }),
        ...(item?.lastPurchaseAt && { lastPurchaseAt: item.lastPurchaseAt }),
      },
      ...(item?.tierState && { tierState: item.tierState }),
      version: item?.aggVersion ?? 0,
    };
  }

  private readonly prefetched = new Map<string, AccountItem>();

  async prefetchMembers(memberIds: readonly string[]): Promise<void> {
    this.prefetched.clear();
    const unique = [...new Set(memberIds)].slice(0, 100);
    if (unique.length < 2) return;
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [this.tableName]: { Keys: unique.map((memberId) => keys.member(memberId)), ConsistentRead: true },
    };
    for (let round = 0; request && round < 5; round++) {
      const result: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of result.Responses?.[this.tableName] ?? [])
        this.prefetched.set(String(item['memberId']), item as AccountItem);
      const rest = result.UnprocessedKeys?.[this.tableName];
      request = rest?.Keys?.length ? { [this.tableName]: { Keys: rest.Keys, ConsistentRead: true } } : undefined;
    }
  }

  forgetPrefetched(): void {
    this.prefetched.clear();
  }

  private async memberAccount(memberId: string): Promise<Account | null> {
    // A prefetched item serves one purchase only; a conflict reloads through GetItem.
    const cached = this.prefetched.get(memberId);
    this.prefetched.delete(memberId);
    const item = cached ?? ((await this.get(keys.member(memberId))) as AccountItem | undefined);
    if (!item || item.status === 'erased') return null;
    return this.toAccount({ kind: 'member', memberId }, item);
  }

  async resolveAccount(query: {
    memberId?: string;
    email?: string;
    phone?: string;
    name?: string;
  }): Promise<Account | null> {
    if (query.memberId) {
      const account = await this.memberAccount(query.memberId);
      if (account) return account;
    }
    const contacts: { ownerKey: { PK: string; SK: string }; prospectKey: string }[] = [];
    if (query.email)
      contacts.push({ ownerKey: keys.emailOwner(query.email), prospectKey: keys.prospectKeyByEmail(query.email) });
    if (query.phone)
      contacts.push({ ownerKey: keys.phoneOwner(query.phone), prospectKey: keys.prospectKeyByPhone(query.phone) });
    for (const { ownerKey } of contacts) {
      const owner = (await this.get(ownerKey)) as { memberId?: string } | undefined;
      if (owner?.memberId) return this.memberAccount(owner.memberId);
    }
    const contact = {
      ...(query.email && { email: query.email }),
      ...(query.phone && { phone: query.phone }),
      ...(query.name && { name: query.name }),
    };
    for (const { prospectKey } of contacts) {
      const item = (await this.get(keys.prospect(prospectKey))) as AccountItem | undefined;
      if (item?.mergedInto) return this.memberAccount(item.mergedInto);
      if (item) return this.toAccount({ kind: 'prospect', ref: prospectKey, contact }, item);
    }
    // Nobody known: a new prospect, keyed by the first contact given (e-mail before phone).
    const first = contacts[0];
    return first ? this.toAccount({ kind: 'prospect', ref: first.prospectKey, contact }, undefined) : null;
  }

  async accountOf(owner: OwnerRef): Promise<Account | null> {
    if (owner.kind === 'member') return this.memberAccount(owner.memberId);
    const item = (await this.get(keys.prospect(owner.ref))) as
      | (AccountItem & { contact?: Record<string, string> })
      | undefined;
    if (!item) return null;
    if (item.mergedInto) return this.memberAccount(item.mergedInto);
    return this.toAccount({ kind: 'prospect', ref: owner.ref, contact: item.contact ?? {} }, item);
  }

  prospectsOf(contacts: { email?: string; phone?: string }): ProspectRef[] {
    return [
      contacts.email && keys.prospectKeyByEmail(contacts.email),
      contacts.phone && keys.prospectKeyByPhone(contacts.phone),
    ].filter((key): key is string => Boolean(key));
  }

  async loadAccount(owner: Owner): Promise<Account> {
    if (owner.kind === 'member') return (await this.memberAccount(owner.memberId)) ?? this.toAccount(owner, undefined);
    return this.toAccount(owner, (await this.get(keys.prospect(owner.ref))) as AccountItem | undefined);
  }

  async getOrder(channel: string, orderId: string): Promise<OrderRecord | null> {
    const item = await this.get(keys.order(channel, orderId));
    return item ? withoutKeys<OrderRecord>(item) : null;
  }

  async refundExists(channel: string, refundId: string): Promise<boolean> {
    return (await this.get(keys.refund(channel, refundId))) !== undefined;
  }

  /** The owner's aggregates (and tier) written only if nobody else wrote them since they were read. */
  private accountUpdate(account: Account, aggregates: SpendAggregates, tier: TierEffects | undefined): TransactItem {
    const owner = account.owner;
    const isMember = owner.kind === 'member';
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':spend': aggregates.spendByMonth,
      ':orders': aggregates.ordersByMonth,
      ':count': aggregates.purchaseCount,
      ':next': account.version + 1,
    };
    const set = ['spendByMonth = :spend', 'ordersByMonth = :orders', 'purchaseCount = :count', 'aggVersion = :next'];
    const remove: string[] = [];
    if (aggregates.firstPurchaseAt) {
      set.push('firstPurchaseAt = :first');
      values[':first'] = aggregates.firstPurchaseAt;
    }
    if (aggregates.lastPurchaseAt) {
      set.push('lastPurchaseAt = :last');
      values[':last'] = aggregates.lastPurchaseAt;
    }
    if (tier && isMember && tier.stateChanged) {
      set.push('tierState = :tier');
      values[':tier'] = tier.state;
      if (tier.nextReviewAt) {
        const index = reviewIndex(owner.memberId, tier.nextReviewAt);
        set.push('GSI4PK = :reviewPk', 'GSI4SK = :reviewSk');
        values[':reviewPk'] = index.GSI4PK;
        values[':reviewSk'] = index.GSI4SK;
      } else remove.push('GSI4PK', 'GSI4SK');
    }
    if (!isMember) {
      set.push('entity = :prospect', 'contact = :contact');
      values[':prospect'] = 'prospect';
      values[':contact'] = owner.contact;
    }
    let condition = account.version === 0 ? 'attribute_not_exists(aggVersion)' : 'aggVersion = :version';
    if (account.version !== 0) values[':version'] = account.version;
    if (isMember) {
      condition = `attribute_exists(PK) AND #status = :active AND ${condition}`;
      names['#status'] = 'status';
      values[':active'] = 'active';
    } else condition = `attribute_not_exists(mergedInto) AND ${condition}`;
    return {
      Update: {
        TableName: this.tableName,
        Key: isMember ? keys.member(owner.memberId) : keys.prospect(owner.ref),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Tier history entry, and the touchpoints the change makes due. */
  private tierItems(owner: Owner, tier: TierEffects | undefined, history: TierChangeRef | undefined): TransactItem[] {
    if (!tier || owner.kind !== 'member') return [];
    const memberId = owner.memberId;
    const items: TransactItem[] = [];
    if (tier.change && history) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.tierHistory(memberId, history.at, history.cause),
            entity: 'tier-change',
            memberId,
            ...tier.change,
            ladderVersion: tier.ladderVersion,
          },
        },
      });
      if (tier.entryTouchpoint) {
        items.push({
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.dueTouchpoint(memberId, 'vip_entry', tier.change.at),
              ...dueIndex('vip_entry', tier.change.at, memberId),
              entity: 'due-touchpoint',
              memberId,
              kind: 'vip_entry',
              tier: tier.change.to,
              dueAt: tier.change.at,
            },
          },
        });
      }
    }
    if (tier.notice) {
      const at = tier.state.noticeFor ?? tier.notice.keepBy;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.dueTouchpoint(memberId, 'tier_downgrade_notice', at),
            ...dueIndex('tier_downgrade_notice', at, memberId),
            entity: 'due-touchpoint',
            memberId,
            kind: 'tier_downgrade_notice',
            ...tier.notice,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    return items;
  }

  private async transact(items: TransactItem[], duplicateAt: number | null): Promise<WriteOutcome> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'applied';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (duplicateAt !== null && reasons[duplicateAt]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict'))
        return 'conflict';
      throw error;
    }
  }

  async recordPurchase(input: {
    order: OrderRecord;
    items?: unknown;
    account: Account;
    aggregates: SpendAggregates;
    tier?: TierEffects;
  }): Promise<WriteOutcome> {
    const { order, account } = input;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.order(order.channel, order.orderId),
            entity: 'order',
            ...order,
            ...(input.items !== undefined && { items: input.items }),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      this.accountUpdate(account, input.aggregates, input.tier),
      ...this.tierItems(account.owner, input.tier, order.tierChange),
    ];
    return this.transact(items, 0);
  }

  async recordRefund(input: {
    refund: { channel: string; refundId: string; orderId: string; amount: number; occurredAt: string };
    order: OrderRecord;
    account: Account;
    aggregates: SpendAggregates;
    tier?: TierEffects;
  }): Promise<WriteOutcome> {
    const { refund, order } = input;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.refund(refund.channel, refund.refundId), entity: 'refund', ...refund, owner: order.owner },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.order(order.channel, order.orderId),
          UpdateExpression: 'SET refunded = :new',
          ConditionExpression: 'refunded = :old',
          ExpressionAttributeValues: { ':new': order.refunded + refund.amount, ':old': order.refunded },
        },
      },
      this.accountUpdate(input.account, input.aggregates, input.tier),
    ];
    return this.transact(items, 0);
  }

  async applyReview(input: {
    account: Account;
    aggregates: SpendAggregates;
    tier: TierEffects;
    history?: TierChangeRef;
  }): Promise<WriteOutcome> {
    const items: TransactItem[] = [
      this.accountUpdate(input.account, input.aggregates, input.tier),
      ...this.tierItems(input.account.owner, input.tier, input.history),
    ];
    return this.transact(items, null);
  }

  async dueForReview(shard: number, reviewAt: string, pageSize: number, cursor?: string) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :shard AND GSI4SK <= :upTo',
        ExpressionAttributeValues: { ':shard': reviewShard(shard), ':upTo': `${reviewAt}#\uffff` },
        Limit: pageSize,
        ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
      }),
    );
    const accounts = (result.Items ?? []).map((item) => {
      const memberId = String(item['memberId']);
      return this.toAccount({ kind: 'member', memberId }, item as AccountItem);
    });
    return {
      accounts,
      itemsRead: result.ScannedCount ?? accounts.length,
      ...(result.LastEvaluatedKey && { cursor: encodeCursor(result.LastEvaluatedKey) }),
    };
  }

  async addReviewStats(
    runId: string,
    stats: { itemsRead: number; reviewed: number; changed: number; notices: number },
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.reviewRun(runId),
        UpdateExpression:
          'ADD itemsRead :read, reviewed :reviewed, changed :changed, notices :notices, pages :one SET entity = :entity',
        ExpressionAttributeValues: {
          ':read': stats.itemsRead,
          ':reviewed': stats.reviewed,
          ':changed': stats.changed,
          ':notices': stats.notices,
          ':one': 1,
          ':entity': 'review-run',
        },
      }),
    );
  }

  async prospectAccount(prospectKey: string): Promise<Account | null> {
    const item = (await this.get(keys.prospect(prospectKey))) as
      | (AccountItem & { contact?: Record<string, string> })
      | undefined;
    if (!item || item.mergedInto) return null;
    return this.toAccount({ kind: 'prospect', ref: prospectKey, contact: item.contact ?? {} }, item);
  }

  async mergeProspect(input: {
    prospect: Account;
    member: Account;
    aggregates: SpendAggregates;
    tier: TierEffects;
    history?: TierChangeRef;
  }): Promise<WriteOutcome> {
    const { prospect, member } = input;
    if (member.owner.kind !== 'member') throw new Error('a prospect merges into a member');
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.prospect(prospect.owner.kind === 'prospect' ? prospect.owner.ref : ''),
          UpdateExpression: 'SET mergedInto = :member, mergedAt = :at REMOVE contact',
          ConditionExpression: 'attribute_not_exists(mergedInto) AND aggVersion = :version',
          ExpressionAttributeValues: {
            ':member': member.owner.memberId,
            ':at': new Date().toISOString(),
            ':version': prospect.version,
          },
        },
      },
      this.accountUpdate(member, input.aggregates, input.tier),
      ...this.tierItems(member.owner, input.tier, input.history),
    ];
    const outcome = await this.transact(items, null);
    return outcome;
  }

  async unpublishedTierChange(memberId: string, ref: TierChangeRef): Promise<TierChangeRecord | null> {
    const item = await this.get(keys.tierHistory(memberId, ref.at, ref.cause));
    if (!item || item['eventPublishedAt']) return null;
    const { ladderVersion, ...change } = withoutKeys<
      TierChangeRecord['change'] & { ladderVersion: number; memberId: string }
    >(item);
    return { memberId, ref, change, ladderVersion };
  }

  async markTierChangePublished(memberId: string, ref: TierChangeRef, at: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.tierHistory(memberId, ref.at, ref.cause),
        UpdateExpression: 'SET eventPublishedAt = :at',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
}
