// A member's purchases as per-month buckets in the programme's time zone, so rolling 12-month spend is one read.

export interface SpendAggregates {
  /** Net spend per month `YYYY-MM` (programme time zone), minor units. */
  readonly spendByMonth: Readonly<Record<string, number>>;
  /** Orders per month that are not fully refunded. */
  readonly ordersByMonth: Readonly<Record<string, number>>;
  readonly purchaseCount: number;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
}

export const EMPTY_AGGREGATES: SpendAggregates = { spendByMonth: {}, ordersByMonth: {}, purchaseCount: 0 };

export { monthKey } from './local-time.ts';

export function addMonths(key: string, months: number): string {
  const [year = 0, month = 1] = key.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The 12 (or `months`) month keys of the window ending with `endKey`, oldest first. */
export function windowMonths(endKey: string, months = 12): string[] {
  return Array.from({ length: months }, (_, i) => addMonths(endKey, i - months + 1));
}

export interface WindowTotals {
  readonly spend: number;
  readonly purchases: number;
  /** The last month of the window, `YYYY-MM`. */
  readonly windowEnd: string;
}

export function rollingTotals(aggregates: SpendAggregates, endKey: string, months = 12): WindowTotals {
  let spend = 0;
  let purchases = 0;
  for (const key of windowMonths(endKey, months)) {
    spend += aggregates.spendByMonth[key] ?? 0;
    purchases += aggregates.ordersByMonth[key] ?? 0;
  }
  return { spend, purchases, windowEnd: endKey };
}

export function applyPurchase(
  aggregates: SpendAggregates,
  month: string,
  amount: number,
  occurredAt: string,
): SpendAggregates {
  return {
    spendByMonth: { ...aggregates.spendByMonth, [month]: (aggregates.spendByMonth[month] ?? 0) + amount },
    ordersByMonth: { ...aggregates.ordersByMonth, [month]: (aggregates.ordersByMonth[month] ?? 0) + 1 },
    purchaseCount: aggregates.purchaseCount + 1,
    firstPurchaseAt:
      aggregates.firstPurchaseAt && aggregates.firstPurchaseAt < occurredAt ? aggregates.firstPurchaseAt : occurredAt,
    lastPurchaseAt:
      aggregates.lastPurchaseAt && aggregates.lastPurchaseAt > occurredAt ? aggregates.lastPurchaseAt : occurredAt,
  };
}

/** A refund comes off the month of the order it refunds; a fully refunded order no longer counts as a purchase. */
export function applyRefund(
  aggregates: SpendAggregates,
  orderMonth: string,
  amount: number,
  orderNowFullyRefunded: boolean,
): SpendAggregates {
  const orders = aggregates.ordersByMonth[orderMonth] ?? 0;
  return {
    ...aggregates,
    spendByMonth: { ...aggregates.spendByMonth, [orderMonth]: (aggregates.spendByMonth[orderMonth] ?? 0) - amount },
    ordersByMonth: {
      ...aggregates.ordersByMonth,
      [orderMonth]: orderNowFullyRefunded ? Math.max(0, orders - 1) : orders,
    },
    purchaseCount: orderNowFullyRefunded ? Math.max(0, aggregates.purchaseCount - 1) : aggregates.purchaseCount,
  };
}

/** Adds two members' buckets (a prospect's history joining the member who enrolled). */
export function mergeAggregates(a: SpendAggregates, b: SpendAggregates): SpendAggregates {
  const sum = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>) => {
    const out: Record<string, number> = { ...x };
    for (const [key, value] of Object.entries(y)) out[key] = (out[key] ?? 0) + value;
    return out;
  };
  const first = [a.firstPurchaseAt, b.firstPurchaseAt].filter((v): v is string => v !== undefined).sort()[0];
  const last = [a.lastPurchaseAt, b.lastPurchaseAt]
    .filter((v): v is string => v !== undefined)
    .sort()
    .at(-1);
  return {
    spendByMonth: sum(a.spendByMonth, b.spendByMonth),
    ordersByMonth: sum(a.ordersByMonth, b.ordersByMonth),
    purchaseCount: a.purchaseCount + b.purchaseCount,
    ...(first && { firstPurchaseAt: first }),
    ...(last && { lastPurchaseAt: last }),
  };
}

/** Drops buckets older than needed (24 months kept), so the member item stays small. */
export function pruneMonths(aggregates: SpendAggregates, currentKey: string, keepMonths = 24): SpendAggregates {
  const oldest = addMonths(currentKey, -(keepMonths - 1));
  const keep = (map: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(map).filter(([key]) => key >= oldest));
  return { ...aggregates, spendByMonth: keep(aggregates.spendByMonth), ordersByMonth: keep(aggregates.ordersByMonth) };
}
