// Where a member stands on the ladder, in words a member (or a shop's badge) can use: the tier, the rolling 12
// months' spend and purchases, what is still needed for the next tier, and what keeps the current one until when.
// Pure: the ladder, the member's tier state, spend buckets and `now` are given.
import type { TierLadder } from '#schema/tier-ladder';
import { monthKey, rollingTotals, type SpendAggregates } from './spend-window.ts';
import { deltaToRetain, type TierState, tierIndex } from './tier-engine.ts';

export interface TierRef {
  readonly code: string;
  readonly name: { readonly ko: string; readonly en: string };
}

export interface TierProgress {
  readonly tier: TierRef;
  /** Spend and purchases in the 12 months ending this month (the programme's zone). */
  readonly spend12Months: number;
  readonly purchases12Months: number;
  /** The next tier up and what it still takes in the same window; absent at the top. */
  readonly next?: TierRef & { readonly spendNeeded: number; readonly purchasesNeeded: number };
  /** Above the base tier: the date the tier is kept until, and what keeps it beyond (0 when already met). */
  readonly keep?: { readonly until: string; readonly spendNeeded: number; readonly purchasesNeeded: number };
}

const refOf = (ladder: TierLadder, index: number): TierRef => {
  const tier = ladder.tiers[index] ?? ladder.tiers[0];
  return { code: tier?.code ?? 'D', name: tier?.name ?? { ko: '', en: '' } };
};

export function tierProgress(
  ladder: TierLadder,
  state: TierState | undefined,
  aggregates: SpendAggregates,
  clock: { readonly now: Date; readonly timeZone: string },
): TierProgress {
  const index = state ? tierIndex(ladder, state.tier) : 0;
  const totals = rollingTotals(aggregates, monthKey(clock.now, clock.timeZone));
  const up = ladder.tiers[index + 1];
  const keep =
    state && index > 0 ? deltaToRetain(ladder, index, aggregates, new Date(state.keptUntil), clock.timeZone) : null;
  return {
    tier: refOf(ladder, index),
    spend12Months: totals.spend,
    purchases12Months: totals.purchases,
    ...(up && {
      next: {
        ...refOf(ladder, index + 1),
        spendNeeded: Math.max(0, up.minSpend - totals.spend),
        purchasesNeeded: Math.max(0, (up.minPurchases ?? 0) - totals.purchases),
      },
    }),
    ...(keep &&
      state && {
        keep: { until: state.keptUntil, spendNeeded: keep.spend, purchasesNeeded: keep.purchases },
      }),
  };
}
