// Purchases, refunds, reviews and prospect merges on DynamoDB, each one TransactWriteItems: the order or refund record
// that must not exist yet, the owner's aggregates guarded by an optimistic version, and the tier history entry and
// due touchpoints a tier change makes; the Tier Changed event is marked published once it went out.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SpendAggregates } from '#domain/spend-window';
import type {
  Account,
  OrderRecord,
  Owner,
  PurchaseWriter,
  TierChangeRecord,
  TierChangeRef,
  TierEffects,
  WriteOutcome,
} from '#app/purchase-ports';
import { dueIndex, keys, MERGE_KEEP_SECONDS, reviewIndex, withoutKeys } from './keys.ts';
import { aggregateUpdate, getItem, type TransactItem, WrittenAccounts } from './purchase-items.ts';
import { counterUpdates } from './send-items.ts';
import type { Attribution } from '#domain/attribution';

export class DynamoPurchaseWriter implements PurchaseWriter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly written: WrittenAccounts = new WrittenAccounts(0),
  ) {}

  /** A member's account as this write left it, for the instance's next read of that member (WrittenAccounts). */
  private remember(
    account: Account,
    aggregates: SpendAggregates,
    tier: TierEffects | undefined,
    outcome: WriteOutcome,
  ): WriteOutcome {
    if (outcome === 'applied' && account.owner.kind === 'member') {
      const tierState = tier?.stateChanged ? tier.state : account.tierState;
      this.written.remember(account.owner.memberId, {
        memberId: account.owner.memberId,
        status: 'active',
        // What this write did not SET (first/last purchase when absent) stays in the table as it was read.
        ...account.aggregates,
        ...aggregates,
        ...(tierState && { tierState }),
        ...(account.lastTouch && { lastTouch: account.lastTouch }),
        aggVersion: account.version + 1,
      });
    }
    return outcome;
  }

  /** The owner's aggregates (and tier) written only if nobody else wrote them since they were read. */
  private accountUpdate(account: Account, aggregates: SpendAggregates, tier: TierEffects | undefined): TransactItem {
    const owner = account.owner;
    const isMember = owner.kind === 'member';
    const names: Record<string, string> = {};
    const written = aggregateUpdate(aggregates);
    const values: Record<string, unknown> = { ...written.values, ':next': account.version + 1 };
    const set = [...written.set, 'aggVersion = :next'];
    const remove: string[] = [];
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
      // Least data: a prospect is found by the keyed hash of a contact; it keeps no address, phone or name.
      set.push('entity = :prospect');
      values[':prospect'] = 'prospect';
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

  /**
   * The coupons an order redeemed, as one update each: `redeem` (only if still active and the member's — a concurrent
   * use cancels the order's write) or, for a wholly refunded order, `give back` (active again; their validity still
   * decides whether they apply).
   */
  private couponUpdates(order: OrderRecord, change: 'redeem' | 'give back'): TransactItem[] {
    if (order.owner.kind !== 'member') return [];
    const memberId = order.owner.memberId;
    const redeem = change === 'redeem';
    return (order.coupons ?? [])
      .filter((outcome) => outcome.redeemed)
      .map((outcome) => ({
        Update: {
          TableName: this.tableName,
          Key: keys.coupon(outcome.code),
          UpdateExpression: redeem
            ? 'SET #status = :redeemed, redeemedBy = :by REMOVE announcedAt'
            : 'SET #status = :active REMOVE redeemedBy, announcedAt',
          ConditionExpression: redeem
            ? '#status = :active AND memberId = :member'
            : 'redeemedBy.orderId = :order AND redeemedBy.#channel = :channel',
          ExpressionAttributeNames: { '#status': 'status', ...(!redeem && { '#channel': 'channel' }) },
          ExpressionAttributeValues: redeem
            ? {
                ':redeemed': 'redeemed',
                ':active': 'active',
                ':by': { channel: order.channel, orderId: order.orderId, at: order.occurredAt },
                ':member': memberId,
              }
            : { ':active': 'active', ':order': order.orderId, ':channel': order.channel },
        },
      }));
  }

  /** The attributed campaign's counters (the holdout's own when the member was held out). */
  private conversion(attribution: Attribution | undefined, converted: number, revenue: number) {
    if (!attribution) return [];
    const held = attribution.holdout;
    const update = counterUpdates(this.tableName, attribution.entryId, attribution, {
      [held ? 'holdoutRevenue' : 'revenue']: revenue,
      ...(converted && { [held ? 'holdoutConverted' : 'converted']: converted }),
    });
    return [{ Update: update }];
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
      ...this.couponUpdates(order, 'redeem'),
      ...this.conversion(order.attribution, 1, order.amount),
      ...this.sinceMerge(account, order, input.aggregates),
    ];
    return this.remember(account, input.aggregates, input.tier, await this.transact(items, 0));
  }

  /** A purchase that came through a merged member: what it added, kept under the merge for its undo. */
  private sinceMerge(account: Account, order: OrderRecord, after: SpendAggregates): TransactItem[] {
    if (!account.cameThrough) return [];
    const delta = (now: Record<string, number>, before: Record<string, number>) =>
      Object.fromEntries(
        Object.keys(now)
          .filter((month) => (now[month] ?? 0) !== (before[month] ?? 0))
          .map((month) => [month, (now[month] ?? 0) - (before[month] ?? 0)]),
      );
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.mergeSince(account.cameThrough.mergeId, order.channel, order.orderId),
            entity: 'merge-since',
            memberId: account.cameThrough.memberId,
            channel: order.channel,
            orderId: order.orderId,
            spendByMonth: delta(after.spendByMonth, account.aggregates.spendByMonth),
            ordersByMonth: delta(after.ordersByMonth, account.aggregates.ordersByMonth),
            purchaseCount: after.purchaseCount - account.aggregates.purchaseCount,
            // Kept as long as the merge's own items.
            expiresAt: Math.floor(Date.now() / 1000) + MERGE_KEEP_SECONDS,
          },
        },
      },
    ];
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
      // Revenue is net of refunds; a refund of the whole order makes its coupons usable again.
      ...this.conversion(order.attribution, 0, -refund.amount),
      ...(order.refunded + refund.amount >= order.amount ? this.couponUpdates(order, 'give back') : []),
    ];
    return this.remember(input.account, input.aggregates, input.tier, await this.transact(items, 0));
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
    return this.remember(input.account, input.aggregates, input.tier, await this.transact(items, null));
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
    return this.remember(member, input.aggregates, input.tier, await this.transact(items, null));
  }

  async unpublishedTierChange(memberId: string, ref: TierChangeRef): Promise<TierChangeRecord | null> {
    const item = await getItem(this.db, this.tableName, keys.tierHistory(memberId, ref.at, ref.cause));
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
