// The tier rules: upgrade as soon as a purchase qualifies; downgrade only at review, after the grace period, after a
// notice with the delta to retain, one step at a time by default. Pure: the ladder, the figures and `now` are given.
import type { TierLadder } from '#schema/tier-ladder';
import { addMonths, monthKey, rollingTotals, type SpendAggregates, type WindowTotals } from './spend-window.ts';

export type TierChangeReason = 'purchase' | 'refund-review' | 'review' | 'manual';

export interface TierState {
  readonly tier: string;
  readonly reachedAt: string;
  /** The tier cannot drop before this instant (grace period, or a manual override's expiry). */
  readonly keptUntil: string;
  /** The keptUntil a downgrade notice was recorded for; a drop needs a notice for the current cycle. */
  readonly noticeFor?: string;
  /** A refund arrived since the tier was reached: the review may revisit it before the grace ends. */
  readonly refundSinceReached?: boolean;
}

export interface TierChange {
  readonly from: string;
  readonly to: string;
  readonly reason: TierChangeReason;
  readonly at: string;
  readonly figures: {
    spend12m: number;
    purchases12m: number;
    windowEnd: string;
    threshold: number;
    thresholdPurchases?: number;
  };
  readonly manualUntil?: string;
  /** Who set a manual tier (an admin's id, never personal data). */
  readonly by?: string;
}

export interface DowngradeNotice {
  readonly tier: string;
  readonly keepBy: string;
  /** How much more to spend, and how many more purchases, in the window ending the month of keepBy. */
  readonly deltaToRetain: { spend: number; purchases: number };
  readonly wouldBecome: string;
}

export interface TierDecision {
  readonly state: TierState;
  readonly change?: TierChange;
  readonly notice?: DowngradeNotice;
  /** When the member must next be looked at by the review; undefined for the base tier. */
  readonly nextReviewAt?: string;
}

export interface ProgrammeClock {
  readonly now: Date;
  readonly timeZone: string;
}

const DAY_MS = 86_400_000;

function plusMonths(instant: Date, months: number): Date {
  const result = new Date(instant);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export function tierIndex(ladder: TierLadder, code: string): number {
  const index = ladder.tiers.findIndex((tier) => tier.code === code);
  return Math.max(index, 0);
}

/** The highest tier whose thresholds the figures meet. */
export function qualifiedTierIndex(ladder: TierLadder, totals: WindowTotals): number {
  let best = 0;
  ladder.tiers.forEach((tier, index) => {
    if (totals.spend >= tier.minSpend && (tier.minPurchases === undefined || totals.purchases >= tier.minPurchases))
      best = index;
  });
  return best;
}

export function initialTierState(ladder: TierLadder, now: Date): TierState {
  const at = now.toISOString();
  return { tier: ladder.tiers[0]?.code ?? 'D', reachedAt: at, keptUntil: at };
}

function figures(ladder: TierLadder, index: number, totals: WindowTotals): TierChange['figures'] {
  const tier = ladder.tiers[index];
  return {
    spend12m: totals.spend,
    purchases12m: totals.purchases,
    windowEnd: totals.windowEnd,
    threshold: tier?.minSpend ?? 0,
    ...(tier?.minPurchases !== undefined && { thresholdPurchases: tier.minPurchases }),
  };
}

export function nextReviewAt(ladder: TierLadder, state: TierState): string | undefined {
  if (tierIndex(ladder, state.tier) === 0) return undefined;
  if (state.noticeFor === state.keptUntil) return state.keptUntil;
  return new Date(Date.parse(state.keptUntil) - ladder.noticeDays * DAY_MS).toISOString();
}

function reached(ladder: TierLadder, code: string, now: Date): TierState {
  return { tier: code, reachedAt: now.toISOString(), keptUntil: plusMonths(now, ladder.graceMonths).toISOString() };
}

/** After a purchase (or a prospect's history joining): up at once, even several tiers; never down. */
export function onPurchase(
  ladder: TierLadder,
  state: TierState,
  aggregates: SpendAggregates,
  clock: ProgrammeClock,
): TierDecision {
  const totals = rollingTotals(aggregates, monthKey(clock.now, clock.timeZone));
  const current = tierIndex(ladder, state.tier);
  const qualified = qualifiedTierIndex(ladder, totals);
  if (qualified <= current) return { state, nextReviewAt: nextReviewAt(ladder, state) };
  const to = ladder.tiers[qualified]?.code ?? state.tier;
  const next = reached(ladder, to, clock.now);
  return {
    state: next,
    change: {
      from: state.tier,
      to,
      reason: 'purchase',
      at: clock.now.toISOString(),
      figures: figures(ladder, qualified, totals),
    },
    nextReviewAt: nextReviewAt(ladder, next),
  };
}

/** After a refund: never a downgrade now; if the tier is no longer met, the next review revisits it. */
export function onRefund(
  ladder: TierLadder,
  state: TierState,
  aggregates: SpendAggregates,
  clock: ProgrammeClock,
): TierDecision {
  const totals = rollingTotals(aggregates, monthKey(clock.now, clock.timeZone));
  if (qualifiedTierIndex(ladder, totals) >= tierIndex(ladder, state.tier))
    return { state, nextReviewAt: nextReviewAt(ladder, state) };
  const next: TierState = { ...state, refundSinceReached: true };
  return { state: next, nextReviewAt: clock.now.toISOString() };
}

/** What must still be spent (and bought) in the 12 months ending with keepBy's month to keep the tier. */
export function deltaToRetain(
  ladder: TierLadder,
  index: number,
  aggregates: SpendAggregates,
  keepBy: Date,
  timeZone: string,
) {
  const tier = ladder.tiers[index];
  const totals = rollingTotals(aggregates, monthKey(keepBy, timeZone));
  return {
    spend: Math.max(0, (tier?.minSpend ?? 0) - totals.spend),
    purchases: Math.max(0, (tier?.minPurchases ?? 0) - totals.purchases),
  };
}

/** The monthly review of one member who is due. */
export function review(
  ladder: TierLadder,
  state: TierState,
  aggregates: SpendAggregates,
  clock: ProgrammeClock,
): TierDecision {
  const now = clock.now;
  const totals = rollingTotals(aggregates, monthKey(now, clock.timeZone));
  const current = tierIndex(ladder, state.tier);
  const qualified = qualifiedTierIndex(ladder, totals);
  if (current === 0) return { state };

  if (qualified > current) {
    const to = ladder.tiers[qualified]?.code ?? state.tier;
    const next = reached(ladder, to, now);
    return {
      state: next,
      change: {
        from: state.tier,
        to,
        reason: 'review',
        at: now.toISOString(),
        figures: figures(ladder, qualified, totals),
      },
      nextReviewAt: nextReviewAt(ladder, next),
    };
  }
  const keptUntil = new Date(state.keptUntil);
  const noticeWindowOpen = now.getTime() >= keptUntil.getTime() - ladder.noticeDays * DAY_MS;
  if (qualified === current) {
    // Still qualifies: the tier is renewed for another grace period once the current one nears its end.
    if (!noticeWindowOpen) return { state, nextReviewAt: nextReviewAt(ladder, state) };
    const renewed: TierState = {
      tier: state.tier,
      reachedAt: state.reachedAt,
      keptUntil: plusMonths(now, ladder.graceMonths).toISOString(),
    };
    return { state: renewed, nextReviewAt: nextReviewAt(ladder, renewed) };
  }

  const protectedByGrace = now < keptUntil && !state.refundSinceReached;
  if (protectedByGrace && !noticeWindowOpen) return { state, nextReviewAt: nextReviewAt(ladder, state) };
  const wouldBecome = ladder.tiers[Math.max(qualified, current - ladder.downgradeSteps)]?.code ?? state.tier;
  if (state.noticeFor !== state.keptUntil) {
    // Never a silent drop: the notice comes first, and the drop waits at least noticeDays after it. A refund that
    // undid the qualification lets the drop come before the grace period ends (reason refund-review).
    const earliest = now.getTime() + ladder.noticeDays * DAY_MS;
    const keepBy = new Date(protectedByGrace ? Math.max(keptUntil.getTime(), earliest) : earliest);
    const next: TierState = { ...state, keptUntil: keepBy.toISOString(), noticeFor: keepBy.toISOString() };
    return {
      state: next,
      notice: {
        tier: state.tier,
        keepBy: keepBy.toISOString(),
        deltaToRetain: deltaToRetain(ladder, current, aggregates, keepBy, clock.timeZone),
        wouldBecome,
      },
      nextReviewAt: keepBy.toISOString(),
    };
  }
  if (now < keptUntil) return { state, nextReviewAt: state.keptUntil };

  const toIndex = Math.max(qualified, current - ladder.downgradeSteps);
  const to = ladder.tiers[toIndex]?.code ?? state.tier;
  const reason: TierChangeReason = state.refundSinceReached ? 'refund-review' : 'review';
  const next = reached(ladder, to, now);
  return {
    state: next,
    change: { from: state.tier, to, reason, at: now.toISOString(), figures: figures(ladder, toIndex, totals) },
    nextReviewAt: nextReviewAt(ladder, next),
  };
}

/** A manual override by marketing: the tier holds until `until`, then the normal review applies. */
export function manualOverride(
  ladder: TierLadder,
  state: TierState,
  to: string,
  until: Date,
  aggregates: SpendAggregates,
  clock: ProgrammeClock,
): TierDecision {
  const index = tierIndex(ladder, to);
  const code = ladder.tiers[index]?.code ?? to;
  const next: TierState = { tier: code, reachedAt: clock.now.toISOString(), keptUntil: until.toISOString() };
  const totals = rollingTotals(aggregates, monthKey(clock.now, clock.timeZone));
  return {
    state: next,
    change: {
      from: state.tier,
      to: code,
      reason: 'manual',
      at: clock.now.toISOString(),
      figures: figures(ladder, index, totals),
      manualUntil: until.toISOString(),
    },
    nextReviewAt: nextReviewAt(ladder, next),
  };
}

export { addMonths };
