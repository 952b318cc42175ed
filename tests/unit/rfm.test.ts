// RFM scores by population fifths, the seed's offer groups, LTV.
import { describe, expect, it } from 'vitest';
import {
  addToHistograms,
  breakpointsFrom,
  DEFAULT_BREAKPOINTS,
  emptyHistograms,
  lifetimeValue,
  mergeHistograms,
  offerGroup,
  rfmFigures,
  rfmScore,
  scoreOf,
} from '#domain/rfm';

describe('RFM', () => {
  it('reads recency, frequency and monetary from the buckets of the window', () => {
    const aggregates = {
      spendByMonth: { '2025-10': 999, '2026-01': 100_000, '2026-11': 50_000 },
      ordersByMonth: { '2025-10': 1, '2026-01': 2, '2026-11': 1 },
      purchaseCount: 4,
      lastPurchaseAt: '2026-11-02T00:00:00.000Z',
    };
    expect(rfmFigures(aggregates, new Date('2026-11-22T00:00:00Z'), 'Asia/Seoul')).toEqual({
      recencyDays: 20,
      frequency: 3,
      monetary: 150_000,
    });
    expect(
      rfmFigures({ spendByMonth: {}, ordersByMonth: {}, purchaseCount: 0 }, new Date(), 'Asia/Seoul').recencyDays,
    ).toBeNull();
  });

  it.each([
    [10, [10, 20, 30, 40], false, 1],
    [11, [10, 20, 30, 40], false, 2],
    [41, [10, 20, 30, 40], false, 5],
    [5, [30, 90, 180, 365], true, 5],
    [400, [30, 90, 180, 365], true, 1],
  ])('scores %i against %j (lower is better: %s) → %i', (value, cuts, lower, expected) =>
    expect(scoreOf(value, cuts, lower)).toBe(expected),
  );

  it('maps frequency scores to the seed offer groups (0 / 3 / 5 / 6 %)', () => {
    expect([5, 4, 3, 2, 1].map(offerGroup)).toEqual(['most-frequent', 'frequent', 'average', 'average', 'occasional']);
    expect(rfmScore({ recencyDays: null, frequency: 0, monetary: 0 }, DEFAULT_BREAKPOINTS)).toEqual({
      r: 1,
      f: 1,
      m: 1,
      group: 'occasional',
    });
  });

  it('computes fifths from merged page histograms, counting buyers only', () => {
    const pageA = emptyHistograms();
    const pageB = emptyHistograms();
    for (let i = 1; i <= 50; i++) addToHistograms(pageA, { recencyDays: i, frequency: i, monetary: i * 10_000 });
    for (let i = 51; i <= 100; i++) addToHistograms(pageB, { recencyDays: i, frequency: i, monetary: i * 10_000 });
    addToHistograms(pageB, { recencyDays: null, frequency: 0, monetary: 0 });
    const cuts = breakpointsFrom(mergeHistograms([pageA, pageB]));
    expect(cuts.recencyDays).toEqual([20, 40, 60, 80]);
    expect(cuts.frequency).toEqual([20, 40, 60, 80]);
    for (const [i, cut] of cuts.monetary.entries()) {
      expect(Math.abs(cut - (i + 1) * 200_000) / ((i + 1) * 200_000)).toBeLessThan(0.05);
    }
    expect(breakpointsFrom(emptyHistograms())).toEqual(DEFAULT_BREAKPOINTS);
  });

  it('values a member as yearly spend × margin × expected years (seed: ₩1,840,000 → ₩3,680,000)', () => {
    expect(lifetimeValue(1_840_000)).toBe(3_680_000);
    expect(lifetimeValue(1_000_000, { windowMonths: 12, marginRate: 0.2, expectedYears: 5 })).toBe(1_000_000);
  });
});

describe('audience estimate', () => {
  it('sums members per targeted tier, and per segment when the entry names segments', async () => {
    const { audienceEstimate } = await import('#app/rfm-scoring');
    const pages: import('#app/rfm-scoring').PageReport[] = [
      { byTier: {}, groups: {}, tierGroups: { 'A|average': 3, 'A|occasional': 2, 'B|average': 5 } },
      { byTier: {}, groups: {}, tierGroups: { 'A|average': 1, 'S|frequent': 4 } },
    ];
    expect(audienceEstimate(pages, ['A', 'S'])).toEqual({ total: 10, byTier: { A: 6, S: 4 } });
    expect(audienceEstimate(pages, ['A', 'B'], ['average'])).toEqual({ total: 9, byTier: { A: 4, B: 5 } });
  });
});
