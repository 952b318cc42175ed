// What the purchase stores share: the account item as stored, an account read from it, one consistent GetItem.
import { GetCommand, type DynamoDBDocumentClient, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { EMPTY_AGGREGATES, type SpendAggregates } from '#domain/spend-window';
import type { TierState } from '#domain/tier-engine';
import type { Account, Owner } from '#app/purchase-ports';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface AccountItem extends Partial<SpendAggregates> {
  memberId?: string;
  mergedInto?: string;
  aggVersion?: number;
  tierState?: TierState;
  status?: string;
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
  };
}
