// Use case: monthly RFM scoring and LTV. The start merges last run's page histograms into new quantile breakpoints
// (so the fifths follow the population month by month), then fans out one message per population shard; each page
// scores its members with those breakpoints, stores R/F/M, offer group and LTV on them, and keeps its histogram for
// the next run. Pages hand on through the queue after their writes, once per page (hand-on markers), so population
// size never meets the Lambda time limit and a retried page or firing never forks the chain.
import { monthKey, rollingTotals, type SpendAggregates } from '#domain/spend-window';
import {
  addToHistograms,
  bucketOf,
  breakpointsFrom,
  DEFAULT_BREAKPOINTS,
  DEFAULT_RFM_SETTINGS,
  emptyHistograms,
  lifetimeValue,
  mergeHistograms,
  rfmFigures,
  rfmScore,
  type RfmBreakpoints,
  type RfmFigures,
  type RfmHistograms,
  type RfmScore,
  type RfmSettings,
} from '#domain/rfm';
import { type HandOnMarkers, handOnOnce } from './hand-on.ts';
import type { Clock } from './ports.ts';

export interface RfmPageMessage {
  readonly runId: string;
  readonly at: string;
  readonly shard: number;
  readonly page: number;
  /** Where the previous page stopped (opaque, made by the store). */
  readonly cursor?: string;
}

export interface MemberRfm {
  readonly figures: RfmFigures;
  readonly score: RfmScore;
  readonly ltv: number;
  readonly yearlySpend: number;
  readonly scoredAt: string;
  readonly breakpointsOf: string;
}

export interface RfmStore {
  readonly shards: number;
  breakpoints(): Promise<{ runId: string; breakpoints: RfmBreakpoints } | null>;
  saveBreakpoints(runId: string, breakpoints: RfmBreakpoints, basedOn: string | null): Promise<void>;
  runHistograms(runId: string): Promise<RfmHistograms[]>;
  populationPage(
    shard: number,
    pageSize: number,
    cursor?: string,
  ): Promise<{
    members: { memberId: string; tier?: string; aggregates: SpendAggregates }[];
    itemsRead: number;
    cursor?: string;
  }>;
  saveMemberRfm(memberId: string, rfm: MemberRfm): Promise<void>;
  savePageHistogram(
    runId: string,
    shard: number,
    page: number,
    histograms: RfmHistograms,
    report: PageReport,
  ): Promise<void>;
  runReports(runId: string): Promise<PageReport[]>;
}

/** What one page adds to the tier report: per tier, members, 12-month spend and LTV; members per offer group. */
export interface PageReport {
  readonly byTier: Record<string, { members: number; spend12m: number; ltv: number }>;
  readonly groups: Record<string, number>;
  /** Members per `tier|group`, for audience estimates of calendar entries that target both. */
  readonly tierGroups?: Record<string, number>;
  /** Members per tier and 12-month spend bucket (bucketOf.monetary), for previews of a ladder edit. */
  readonly tierSpend?: Record<string, Record<string, number>>;
}

export interface TierReport {
  readonly asOf: string | null;
  readonly tiers: { code: string; members: number; spend12m: number; averageLtv: number }[];
  readonly rfmGroups: Record<string, number>;
}

export function mergeReports(
  pages: readonly PageReport[],
  tierCodes: readonly string[],
  asOf: string | null,
): TierReport {
  const byTier = new Map(tierCodes.map((code) => [code, { members: 0, spend12m: 0, ltv: 0 }]));
  const rfmGroups: Record<string, number> = {};
  for (const page of pages) {
    for (const [code, figures] of Object.entries(page.byTier)) {
      const total = byTier.get(code) ?? { members: 0, spend12m: 0, ltv: 0 };
      byTier.set(code, {
        members: total.members + figures.members,
        spend12m: total.spend12m + figures.spend12m,
        ltv: total.ltv + figures.ltv,
      });
    }
    for (const [group, count] of Object.entries(page.groups)) rfmGroups[group] = (rfmGroups[group] ?? 0) + count;
  }
  return {
    asOf,
    tiers: [...byTier].map(([code, total]) => ({
      code,
      members: total.members,
      spend12m: total.spend12m,
      averageLtv: total.members ? Math.round(total.ltv / total.members) : 0,
    })),
    rfmGroups,
  };
}

export interface RfmQueue {
  enqueue(messages: readonly RfmPageMessage[]): Promise<void>;
}

export interface RfmDeps {
  readonly store: RfmStore;
  readonly queue: RfmQueue;
  readonly handOns: HandOnMarkers;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
  readonly settings?: RfmSettings;
  readonly pageSize?: number;
  /** The tier of members who never had a tier state (the ladder's base tier). */
  readonly baseTier?: string;
}

export async function startRfmScoring(
  at: Date,
  deps: Pick<RfmDeps, 'store' | 'queue' | 'programme' | 'handOns' | 'clock'>,
): Promise<{ runId: string; breakpoints: RfmBreakpoints; started: boolean }> {
  const runId = monthKey(at, deps.programme.timeZone);
  const current = await deps.store.breakpoints();
  const previousRun = current && current.runId !== runId ? current.runId : null;
  let breakpoints = current?.breakpoints ?? DEFAULT_BREAKPOINTS;
  if (current?.runId !== runId) {
    // Recompute the fifths once per run, from the population the last run saw.
    if (previousRun)
      breakpoints = breakpointsFrom(mergeHistograms(await deps.store.runHistograms(previousRun)), breakpoints);
    await deps.store.saveBreakpoints(runId, breakpoints, previousRun);
  }
  // One run per schedule firing: a retried firing (same time) hands out no second set of shard messages.
  const started = await handOnOnce(deps.handOns, `rfm-start|${at.toISOString()}`, deps.clock(), () =>
    deps.queue.enqueue(
      Array.from({ length: deps.store.shards }, (_, shard) => ({ runId, at: at.toISOString(), shard, page: 0 })),
    ),
  );
  return { runId, breakpoints, started };
}

export async function scoreRfmPage(
  message: RfmPageMessage,
  deps: RfmDeps,
): Promise<{ scored: number; itemsRead: number }> {
  const settings = deps.settings ?? DEFAULT_RFM_SETTINGS;
  const page = await deps.store.populationPage(message.shard, deps.pageSize ?? 200, message.cursor);
  const breakpoints = (await deps.store.breakpoints())?.breakpoints ?? DEFAULT_BREAKPOINTS;
  const now = new Date(message.at);
  const histograms = emptyHistograms();
  const report: {
    byTier: Record<string, { members: number; spend12m: number; ltv: number }>;
    groups: Record<string, number>;
    tierGroups: Record<string, number>;
    tierSpend: Record<string, Record<string, number>>;
  } = { byTier: {}, groups: {}, tierGroups: {}, tierSpend: {} };
  for (const member of page.members) {
    const figures = rfmFigures(member.aggregates, now, deps.programme.timeZone, settings);
    addToHistograms(histograms, figures);
    const yearlySpend = Math.max(0, rollingTotals(member.aggregates, monthKey(now, deps.programme.timeZone), 12).spend);
    const score = rfmScore(figures, breakpoints);
    const ltv = lifetimeValue(yearlySpend, settings);
    await deps.store.saveMemberRfm(member.memberId, {
      figures,
      score,
      ltv,
      yearlySpend,
      scoredAt: message.at,
      breakpointsOf: message.runId,
    });
    const tier = member.tier ?? deps.baseTier ?? 'D';
    const total = report.byTier[tier] ?? { members: 0, spend12m: 0, ltv: 0 };
    report.byTier[tier] = { members: total.members + 1, spend12m: total.spend12m + yearlySpend, ltv: total.ltv + ltv };
    report.groups[score.group] = (report.groups[score.group] ?? 0) + 1;
    report.tierGroups[`${tier}|${score.group}`] = (report.tierGroups[`${tier}|${score.group}`] ?? 0) + 1;
    const spendBuckets = (report.tierSpend[tier] ??= {});
    const bucket = String(bucketOf.monetary(yearlySpend));
    spendBuckets[bucket] = (spendBuckets[bucket] ?? 0) + 1;
  }
  // Kept per page (a retry overwrites it with the same figures), then the next page, once however often this runs.
  await deps.store.savePageHistogram(message.runId, message.shard, message.page, histograms, report);
  const next = page.cursor;
  if (next) {
    await handOnOnce(
      deps.handOns,
      `rfm|${message.runId}|${message.at}|${message.shard}|${message.page}`,
      deps.clock(),
      () => deps.queue.enqueue([{ ...message, page: message.page + 1, cursor: next }]),
    );
  }
  return { scored: page.members.length, itemsRead: page.itemsRead };
}

/** Members an entry targeting these tiers (and optionally these offer groups) would reach, as of the last run. */
export function audienceEstimate(pages: readonly PageReport[], tiers: readonly string[], segments?: readonly string[]) {
  const byTier: Record<string, number> = Object.fromEntries(tiers.map((tier) => [tier, 0]));
  for (const page of pages) {
    for (const [key, count] of Object.entries(page.tierGroups ?? {})) {
      const [tier = '', group = ''] = key.split('|');
      if (tier in byTier && (!segments || segments.includes(group))) byTier[tier] = (byTier[tier] ?? 0) + count;
    }
  }
  return { total: Object.values(byTier).reduce((a, b) => a + b, 0), byTier };
}
