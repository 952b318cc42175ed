// The tier engine and the spend window, table-driven on the default KRW ladder.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_LADDER as ladder, tierLadder } from '#schema/tier-ladder';
import {
  applyPurchase,
  applyRefund,
  EMPTY_AGGREGATES,
  mergeAggregates,
  monthKey,
  pruneMonths,
  rollingTotals,
  type SpendAggregates,
} from '#domain/spend-window';
import { initialTierState, manualOverride, onPurchase, onRefund, review, type TierState } from '#domain/tier-engine';

const TZ = 'Asia/Seoul';
const at = (iso: string) => ({ now: new Date(iso), timeZone: TZ });

function spent(entries: [month: string, amount: number, orders?: number][]): SpendAggregates {
  const spendByMonth: Record<string, number> = {};
  const ordersByMonth: Record<string, number> = {};
  for (const [month, amount, orders = 1] of entries) {
    spendByMonth[month] = (spendByMonth[month] ?? 0) + amount;
    ordersByMonth[month] = (ordersByMonth[month] ?? 0) + orders;
  }
  return { spendByMonth, ordersByMonth, purchaseCount: entries.reduce((n, [, , o = 1]) => n + o, 0) };
}

const state = (tier: string, reachedAt: string, keptUntil: string, extra: Partial<TierState> = {}): TierState => ({
  tier,
  reachedAt,
  keptUntil,
  ...extra,
});

describe('spend window', () => {
  it.each([
    ['2025-11-30T14:59:59Z', '2025-11'],
    ['2025-11-30T15:00:00Z', '2025-12'],
    ['2026-12-31T15:00:00Z', '2027-01'],
  ])('buckets %s into %s in the programme zone (UTC+9)', (instant, month) =>
    expect(monthKey(new Date(instant), TZ)).toBe(month),
  );

  it('sums exactly the 12 months ending with the current one', () => {
    const aggregates = spent([
      ['2025-11', 1],
      ['2025-12', 10],
      ['2026-06', 100],
      ['2026-11', 1000],
      ['2026-12', 10_000],
    ]);
    expect(rollingTotals(aggregates, '2026-11')).toEqual({ spend: 1110, purchases: 3, windowEnd: '2026-11' });
    expect(rollingTotals(aggregates, '2026-12')).toEqual({ spend: 11_100, purchases: 3, windowEnd: '2026-12' });
  });

  it('applies purchases and refunds to the order month, and merges and prunes buckets', () => {
    let aggregates = applyPurchase(EMPTY_AGGREGATES, '2026-10', 50_000, '2026-10-05T01:00:00.000Z');
    aggregates = applyPurchase(aggregates, '2026-11', 30_000, '2026-11-02T01:00:00.000Z');
    aggregates = applyRefund(aggregates, '2026-10', 20_000, false);
    expect(aggregates).toMatchObject({
      spendByMonth: { '2026-10': 30_000, '2026-11': 30_000 },
      ordersByMonth: { '2026-10': 1 },
      purchaseCount: 2,
    });
    aggregates = applyRefund(aggregates, '2026-10', 30_000, true);
    expect(aggregates).toMatchObject({
      spendByMonth: { '2026-10': 0 },
      ordersByMonth: { '2026-10': 0 },
      purchaseCount: 1,
    });
    const merged = mergeAggregates(aggregates, spent([['2026-11', 5]]));
    expect(merged.spendByMonth['2026-11']).toBe(30_005);
    expect(
      pruneMonths(
        spent([
          ['2024-01', 1],
          ['2026-11', 2],
        ]),
        '2026-11',
      ).spendByMonth,
    ).toEqual({ '2026-11': 2 });
  });
});

describe('upgrade on purchase', () => {
  const start = initialTierState(ladder, new Date('2026-01-01T00:00:00Z'));
  it.each([
    ['one unit below Silver', 299_999, 1, 'D'],
    ['exactly at Silver', 300_000, 1, 'C'],
    ['exactly at Gold', 1_000_000, 1, 'B'],
    ['several tiers at once, to VIP', 2_500_000, 1, 'A'],
    ['VVIP spend without its purchase count', 6_000_000, 11, 'A'],
    ['VVIP spend and 12 purchases', 6_000_000, 12, 'S'],
  ])('%s → %s', (_, amount, orders, expected) => {
    const decision = onPurchase(ladder, start, spent([['2026-11', amount, orders]]), at('2026-11-20T00:00:00Z'));
    expect(decision.state.tier).toBe(expected);
    if (expected === 'D') expect(decision.change).toBeUndefined();
    else {
      expect(decision.change).toMatchObject({
        from: 'D',
        to: expected,
        reason: 'purchase',
        figures: { spend12m: amount, purchases12m: orders },
      });
      expect(decision.state.keptUntil).toBe('2027-11-20T00:00:00.000Z');
      expect(decision.nextReviewAt).toBe('2027-10-21T00:00:00.000Z');
    }
  });

  it('never downgrades on a purchase', () => {
    const gold = state('B', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    expect(onPurchase(ladder, gold, spent([['2026-11', 10]]), at('2026-11-20T00:00:00Z')).change).toBeUndefined();
  });
});

describe('refund', () => {
  it('below a threshold: no downgrade now, the review looks at once', () => {
    const gold = state('B', '2026-11-01T00:00:00Z', '2027-11-01T00:00:00Z');
    const decision = onRefund(ladder, gold, spent([['2026-11', 900_000]]), at('2026-11-20T00:00:00Z'));
    expect(decision.change).toBeUndefined();
    expect(decision.state).toMatchObject({ tier: 'B', refundSinceReached: true });
    expect(decision.nextReviewAt).toBe('2026-11-20T00:00:00.000Z');
  });

  it('still above the threshold: nothing to review early', () => {
    const gold = state('B', '2026-11-01T00:00:00Z', '2027-11-01T00:00:00Z');
    expect(
      onRefund(ladder, gold, spent([['2026-11', 1_200_000]]), at('2026-11-20T00:00:00Z')).state.refundSinceReached,
    ).toBeUndefined();
  });
});

describe('review', () => {
  const aggregatesBelowGold = spent([['2026-06', 500_000]]);
  const gold = state('B', '2025-12-15T00:00:00Z', '2026-12-15T00:00:00Z');

  it('inside the grace period, before the notice window: keeps the tier', () => {
    const decision = review(ladder, gold, aggregatesBelowGold, at('2026-10-01T00:00:00Z'));
    expect(decision).toMatchObject({ state: gold });
    expect(decision.change).toBeUndefined();
    expect(decision.notice).toBeUndefined();
  });

  it('in the notice window: records the notice with the delta to retain, keeps the tier', () => {
    const decision = review(ladder, gold, aggregatesBelowGold, at('2026-11-20T00:00:00Z'));
    expect(decision.change).toBeUndefined();
    expect(decision.notice).toEqual({
      tier: 'B',
      keepBy: '2026-12-20T00:00:00.000Z',
      deltaToRetain: { spend: 500_000, purchases: 0 },
      wouldBecome: 'C',
    });
    expect(decision.nextReviewAt).toBe('2026-12-20T00:00:00.000Z');
  });

  it('after the grace period, with the notice given: down one step, never more by default', () => {
    const noticed = state('A', '2025-12-15T00:00:00Z', '2026-12-20T00:00:00.000Z', {
      noticeFor: '2026-12-20T00:00:00.000Z',
    });
    const decision = review(ladder, noticed, spent([]), at('2026-12-21T00:00:00Z'));
    expect(decision.change).toMatchObject({ from: 'A', to: 'B', reason: 'review', figures: { spend12m: 0 } });
    expect(decision.state).toMatchObject({ tier: 'B', keptUntil: '2027-12-21T00:00:00.000Z' });
  });

  it('after the grace period without a notice: the notice first, the drop 30 days later', () => {
    const decision = review(ladder, gold, aggregatesBelowGold, at('2027-01-10T00:00:00Z'));
    expect(decision.change).toBeUndefined();
    expect(decision.notice?.keepBy).toBe('2027-02-09T00:00:00.000Z');
  });

  it('renews the tier of a member who still qualifies', () => {
    const decision = review(ladder, gold, spent([['2026-11', 1_500_000]]), at('2026-11-20T00:00:00Z'));
    expect(decision.change).toBeUndefined();
    expect(decision.state.keptUntil).toBe('2027-11-20T00:00:00.000Z');
  });

  it('refund-review: a refund that undid the upgrade drops the tier before the grace ends, after a notice', () => {
    const refunded = state('B', '2026-11-01T00:00:00Z', '2027-11-01T00:00:00Z', { refundSinceReached: true });
    const first = review(ladder, refunded, aggregatesBelowGold, at('2026-12-01T00:00:00Z'));
    expect(first.notice?.keepBy).toBe('2026-12-31T00:00:00.000Z');
    const second = review(ladder, first.state, aggregatesBelowGold, at('2027-01-01T00:00:00Z'));
    expect(second.change).toMatchObject({ from: 'B', to: 'C', reason: 'refund-review' });
  });

  it('ignores base-tier members', () => {
    expect(
      review(ladder, initialTierState(ladder, new Date('2026-01-01T00:00:00Z')), spent([]), at('2026-12-01T00:00:00Z'))
        .nextReviewAt,
    ).toBeUndefined();
  });
});

describe('manual override and the ladder schema', () => {
  it('records who decided, until when', () => {
    const decision = manualOverride(
      ladder,
      initialTierState(ladder, new Date('2026-01-01T00:00:00Z')),
      'A',
      new Date('2027-06-01T00:00:00Z'),
      spent([]),
      at('2026-11-20T00:00:00Z'),
    );
    expect(decision.change).toMatchObject({
      from: 'D',
      to: 'A',
      reason: 'manual',
      manualUntil: '2027-06-01T00:00:00.000Z',
    });
    expect(decision.state.keptUntil).toBe('2027-06-01T00:00:00.000Z');
  });

  it('accepts the default ladder and rejects falling thresholds or a base tier with a minimum', () => {
    expect(tierLadder.safeParse(ladder).success).toBe(true);
    const falling = { ...ladder, tiers: [ladder.tiers[0], ladder.tiers[2], ladder.tiers[1]] };
    expect(tierLadder.safeParse(falling).success).toBe(false);
    const noBase = { ...ladder, tiers: ladder.tiers.slice(1) };
    expect(tierLadder.safeParse(noBase).success).toBe(false);
  });
});
