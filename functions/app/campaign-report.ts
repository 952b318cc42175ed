// Use case: the outcomes of a campaign (a calendar entry) — all issues or one — in total and by tier, segment,
// variant, period and follow-up step, and the uplift of sending over the holdout.
import { uplift } from '#domain/attribution';
import { CAMPAIGN_OUTCOMES, type CampaignCounters, type CampaignReport, emptyCounters } from '#schema/campaign-report';
import { TEST_SENT } from './send-test.ts';
import { NotFound } from './errors.ts';
import type { CalendarSource } from './sending-ports.ts';
import { ValidationError } from './validation.ts';

export interface CampaignStatsSource {
  /**
   * The flat counters `<dimension>~<key>~<outcome>` of one entry — all-time, or of one period — or null when nothing
   * was ever counted.
   */
  counters(entryId: string, period?: string): Promise<Record<string, unknown> | null>;
}

type Outcome = (typeof CAMPAIGN_OUTCOMES)[number];
type Counts = Partial<Record<string, number>>;

const complete = (counts: Counts | undefined): CampaignCounters => {
  const counters = emptyCounters();
  for (const outcome of CAMPAIGN_OUTCOMES) counters[outcome] = counts?.[outcome] ?? 0;
  counters.revenuePerRecipient = counters.sent > 0 ? Math.round(counters.revenue / counters.sent) : 0;
  return counters;
};

const DIMENSIONS = {
  tier: 'byTier',
  segment: 'bySegment',
  variant: 'byVariant',
  period: 'byPeriod',
  step: 'byStep',
} as const;
type Breakdown = (typeof DIMENSIONS)[keyof typeof DIMENSIONS];

const HOLDOUT_OUTCOMES = ['holdout', 'holdoutConverted', 'holdoutRevenue'] as const;

export async function campaignReport(
  id: string,
  deps: { calendar: CalendarSource; stats: CampaignStatsSource },
  period?: string,
): Promise<CampaignReport> {
  if (id.length > 64) throw new NotFound('No such campaign');
  if (period !== undefined && !/^[\w:-]{1,40}$/.test(period))
    throw new ValidationError([{ path: 'period', message: 'A period as the ledger names it: 2027, 2027-04, once…' }]);
  const [entry, stats] = await Promise.all([deps.calendar.get(id), deps.stats.counters(id, period)]);
  if (!entry && !stats && period === undefined) throw new NotFound('No such campaign');
  if (!entry && !stats) throw new NotFound('Nothing was sent for this campaign in that period');
  const totals: Counts = {};
  const breakdowns: Record<Breakdown, Record<string, Counts>> = {
    byTier: {},
    bySegment: {},
    byVariant: {},
    byPeriod: {},
    byStep: {},
  };
  let tests = 0;
  for (const [name, value] of Object.entries(stats ?? {})) {
    const [dimension, key, outcome] = name.split('~');
    if (dimension === 'all' && outcome === TEST_SENT && typeof value === 'number') tests = value;
    if (!dimension || key === undefined || !outcome || typeof value !== 'number') continue;
    const known =
      (CAMPAIGN_OUTCOMES as readonly string[]).includes(outcome) ||
      (HOLDOUT_OUTCOMES as readonly string[]).includes(outcome);
    if (!known) continue;
    if (dimension === 'all') totals[outcome] = value;
    const target = DIMENSIONS[dimension as keyof typeof DIMENSIONS];
    if (target) {
      const breakdown = breakdowns[target];
      breakdown[key] = { ...breakdown[key], [outcome]: value };
    }
  }
  const completeAll = (breakdown: Record<string, Counts>) =>
    Object.fromEntries(
      Object.entries(breakdown)
        .filter(([, counts]) => CAMPAIGN_OUTCOMES.some((outcome: Outcome) => (counts[outcome] ?? 0) !== 0))
        .map(([key, counts]) => [key, complete(counts)]),
    );
  const sent = complete(totals);
  const holdoutMembers = totals['holdout'] ?? 0;
  const holdoutRevenue = totals['holdoutRevenue'] ?? 0;
  const holdout = {
    members: holdoutMembers,
    converted: totals['holdoutConverted'] ?? 0,
    revenue: holdoutRevenue,
    revenuePerMember: holdoutMembers > 0 ? Math.round(holdoutRevenue / holdoutMembers) : 0,
  };
  const rates = uplift(
    { members: sent.sent, converted: sent.converted },
    { members: holdout.members, converted: holdout.converted },
  );
  return {
    campaignId: id,
    ...(entry && { name: entry.name }),
    ...(period !== undefined && { period }),
    totals: sent,
    byTier: completeAll(breakdowns.byTier),
    bySegment: completeAll(breakdowns.bySegment),
    byVariant: completeAll(breakdowns.byVariant),
    byPeriod: period === undefined ? completeAll(breakdowns.byPeriod) : {},
    byStep: completeAll(breakdowns.byStep),
    holdout,
    tests: { sent: tests },
    uplift: rates && {
      ...rates,
      revenuePerRecipientDifference: sent.revenuePerRecipient - holdout.revenuePerMember,
    },
  };
}
