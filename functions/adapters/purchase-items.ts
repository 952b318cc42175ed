// What the purchase stores share: the account item as stored, an account read from it, one consistent GetItem.
import { GetCommand, type DynamoDBDocumentClient, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { EMPTY_AGGREGATES, type SpendAggregates } from '#domain/spend-window';
import type { TierState } from '#domain/tier-engine';
import type { Touch } from '#domain/attribution';
import type { Account, Owner } from '#app/purchase-ports';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface AccountItem extends Partial<SpendAggregates> {
  memberId?: string;
  mergedInto?: string;
  /** The merge that made this member `merged` (on a merged member). */
  mergeId?: string;
  aggVersion?: number;
  tierState?: TierState;
  status?: string;
  lastTouch?: Touch;
}

/**
 * The SET clauses and values that write an account's spend aggregates (a purchase's, a refund's, a merge's):
 * spend and orders by month, the purchase count, and the first and last purchase when there are any.
 */
export function aggregateUpdate(aggregates: SpendAggregates): { set: string[]; values: Record<string, unknown> } {
  const set = ['spendByMonth = :spend', 'ordersByMonth = :orders', 'purchaseCount = :count'];
  const values: Record<string, unknown> = {
    ':spend': aggregates.spendByMonth,
    ':orders': aggregates.ordersByMonth,
    ':count': aggregates.purchaseCount,
  };
  if (aggregates.firstPurchaseAt) {
    set.push('firstPurchaseAt = :first');
    values[':first'] = aggregates.firstPurchaseAt;
  }
  if (aggregates.lastPurchaseAt) {
    set.push('lastPurchaseAt = :last');
    values[':last'] = aggregates.lastPurchaseAt;
  }
  return { set, values };
}

export async function getItem(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: { PK: string; SK: string },
): Promise<Record<string, unknown> | undefined> {
  return (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

export function toAccount(owner: Owner, item: AccountItem | undefined): Account {
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
    ...(item?.lastTouch && { lastTouch: item.lastTouch }),
  };
}

/**
 * The member accounts this instance itself last wrote, as it wrote them (aggregates, tier state, the version it set),
 * so that a member's next purchase here needs no read. Each is used once — taken, then remembered again only after
 * the next write succeeds — and every write is conditional on the version, so a stale one (another instance, the
 * review or an erasure wrote since) fails that write, which then reads the member from the table. At most `limit`
 * members, the least recently written dropped first.
 */
export class WrittenAccounts {
  private readonly items = new Map<string, AccountItem>();
  constructor(private readonly limit = 2000) {}

  remember(memberId: string, item: AccountItem): void {
    this.items.delete(memberId);
    this.items.set(memberId, item);
    if (this.items.size > this.limit) this.items.delete(this.items.keys().next().value as string);
  }

  take(memberId: string): AccountItem | undefined {
    const item = this.items.get(memberId);
    this.items.delete(memberId);
    return item;
  }

  get size(): number {
    return this.items.size;
  }
}
