// RFM (recency, frequency, monetary) scores 1–5 by quantiles of the member population, the offer group that the
// seed's coupon rule uses, and a simple LTV (000_…txt slides 13–16). Pure: figures, breakpoints and `now` are given.
import { monthKey, rollingTotals, type SpendAggregates } from './spend-window.ts';

export interface RfmSettings {
  /** Months of purchases that frequency and monetary count. */
  readonly windowMonths: number;
  /** LTV = yearly spend × margin × expected years (seed: 10 %, 20 years). */
  readonly marginRate: number;
  readonly expectedYears: number;
}

export const DEFAULT_RFM_SETTINGS: RfmSettings = { windowMonths: 12, marginRate: 0.1, expectedYears: 20 };

export interface RfmFigures {
  /** Days since the last purchase; null for a member who never bought. */
  readonly recencyDays: number | null;
  readonly frequency: number;
  readonly monetary: number;
}

/** Four cut points per measure, splitting the population into fifths. */
export interface RfmBreakpoints {
  readonly recencyDays: readonly number[];
  readonly frequency: readonly number[];
  readonly monetary: readonly number[];
}

export const DEFAULT_BREAKPOINTS: RfmBreakpoints = {
  recencyDays: [30, 90, 180, 365],
  frequency: [1, 2, 4, 8],
  monetary: [100_000, 300_000, 1_000_000, 2_000_000],
};

export type OfferGroup = 'most-frequent' | 'frequent' | 'average' | 'occasional';

export interface RfmScore {
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly group: OfferGroup;
}

export function rfmFigures(
  aggregates: SpendAggregates,
  now: Date,
  timeZone: string,
  settings: RfmSettings = DEFAULT_RFM_SETTINGS,
): RfmFigures {
  const totals = rollingTotals(aggregates, monthKey(now, timeZone), settings.windowMonths);
  const last = aggregates.lastPurchaseAt ? Date.parse(aggregates.lastPurchaseAt) : NaN;
  return {
    recencyDays: Number.isNaN(last) ? null : Math.max(0, Math.floor((now.getTime() - last) / 86_400_000)),
    frequency: totals.purchases,
    monetary: Math.max(0, totals.spend),
  };
}

/** 1–5 by which fifth the value falls in; `lowerIsBetter` for recency (recent buyers score 5). */
export function scoreOf(value: number, cuts: readonly number[], lowerIsBetter = false): number {
  const above = cuts.filter((cut) => value > cut).length;
  return lowerIsBetter ? 5 - above : 1 + above;
}

/** The seed's offer rule keys on frequency: nothing for the most frequent, 3 % frequent, 5 % average, 6 % occasional. */
export function offerGroup(f: number): OfferGroup {
  if (f >= 5) return 'most-frequent';
  if (f === 4) return 'frequent';
  if (f >= 2) return 'average';
  return 'occasional';
}

export function rfmScore(figures: RfmFigures, breakpoints: RfmBreakpoints): RfmScore {
  const r = figures.recencyDays === null ? 1 : scoreOf(figures.recencyDays, breakpoints.recencyDays, true);
  const f = figures.frequency === 0 ? 1 : scoreOf(figures.frequency, breakpoints.frequency);
  const m = figures.monetary === 0 ? 1 : scoreOf(figures.monetary, breakpoints.monetary);
  return { r, f, m, group: offerGroup(f) };
}

export function lifetimeValue(yearlySpend: number, settings: RfmSettings = DEFAULT_RFM_SETTINGS): number {
  return Math.round(yearlySpend * settings.marginRate * settings.expectedYears);
}

/** Histogram buckets that keep quantiles exact enough at any population size: days, counts, log-spaced money. */
export const bucketOf = {
  recencyDays: (days: number) => Math.min(days, 1000),
  frequency: (count: number) => Math.min(count, 500),
  monetary: (amount: number) => (amount <= 0 ? 0 : Math.round(Math.log10(amount) * 50)),
};
export const valueOfBucket = {
  recencyDays: (bucket: number) => bucket,
  frequency: (bucket: number) => bucket,
  monetary: (bucket: number) => (bucket === 0 ? 0 : Math.round(10 ** (bucket / 50))),
};

export type Histogram = Record<string, number>;
export interface RfmHistograms {
  recencyDays: Histogram;
  frequency: Histogram;
  monetary: Histogram;
}

export function emptyHistograms(): RfmHistograms {
  return { recencyDays: {}, frequency: {}, monetary: {} };
}

/** Adds one member; only buyers count, so a population with many non-buyers does not flatten the fifths. */
export function addToHistograms(histograms: RfmHistograms, figures: RfmFigures): void {
  if (figures.recencyDays === null) return;
  const add = (histogram: Histogram, bucket: number) => (histogram[bucket] = (histogram[bucket] ?? 0) + 1);
  add(histograms.recencyDays, bucketOf.recencyDays(figures.recencyDays));
  add(histograms.frequency, bucketOf.frequency(figures.frequency));
  add(histograms.monetary, bucketOf.monetary(figures.monetary));
}

export function mergeHistograms(parts: readonly RfmHistograms[]): RfmHistograms {
  const merged = emptyHistograms();
  for (const part of parts) {
    for (const measure of ['recencyDays', 'frequency', 'monetary'] as const) {
      for (const [bucket, count] of Object.entries(part[measure]))
        merged[measure][bucket] = (merged[measure][bucket] ?? 0) + count;
    }
  }
  return merged;
}

function cutsOf(histogram: Histogram, measure: keyof typeof valueOfBucket): number[] | null {
  const buckets = Object.entries(histogram)
    .map(([bucket, count]) => [Number(bucket), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total < 5) return null;
  const cuts: number[] = [];
  let seen = 0;
  let next = 1;
  for (const [bucket, count] of buckets) {
    seen += count;
    while (next <= 4 && seen >= (total * next) / 5) {
      cuts.push(valueOfBucket[measure](bucket));
      next += 1;
    }
  }
  return cuts;
}

/** The population's fifths; a measure with too few buyers keeps the previous cut points. */
export function breakpointsFrom(
  histograms: RfmHistograms,
  previous: RfmBreakpoints = DEFAULT_BREAKPOINTS,
): RfmBreakpoints {
  return {
    recencyDays: cutsOf(histograms.recencyDays, 'recencyDays') ?? previous.recencyDays,
    frequency: cutsOf(histograms.frequency, 'frequency') ?? previous.frequency,
    monetary: cutsOf(histograms.monetary, 'monetary') ?? previous.monetary,
  };
}
