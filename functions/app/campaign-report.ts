// Use case: the outcomes of a campaign (a calendar entry) in total and by tier, segment and variant.
import { CAMPAIGN_OUTCOMES, type CampaignCounters, type CampaignReport, emptyCounters } from '#schema/campaign-report';
import { NotFound } from './errors.ts';
import type { CalendarSource } from './sending-ports.ts';

export interface CampaignStatsSource {
  /** The flat counters `<dimension>~<key>~<outcome>` of one entry, or null when nothing was ever sent. */
  counters(entryId: string): Promise<Record<string, unknown> | null>;
}

type Breakdown = Record<string, Partial<CampaignCounters>>;

const complete = (counters: Partial<CampaignCounters> | undefined): CampaignCounters => ({
  ...emptyCounters(),
  ...counters,
});
const completeAll = (breakdown: Breakdown | undefined) =>
  Object.fromEntries(Object.entries(breakdown ?? {}).map(([key, counters]) => [key, complete(counters)]));

const DIMENSIONS: Record<string, 'byTier' | 'bySegment' | 'byVariant'> = {
  tier: 'byTier',
  segment: 'bySegment',
  variant: 'byVariant',
};

export async function campaignReport(
  id: string,
  deps: { calendar: CalendarSource; stats: CampaignStatsSource },
): Promise<CampaignReport> {
  if (id.length > 64) throw new NotFound('No such campaign');
  const [entry, stats] = await Promise.all([deps.calendar.get(id), deps.stats.counters(id)]);
  if (!entry && !stats) throw new NotFound('No such campaign');
  const item: { totals?: Partial<CampaignCounters>; byTier?: Breakdown; bySegment?: Breakdown; byVariant?: Breakdown } =
    {};
  for (const [name, value] of Object.entries(stats ?? {})) {
    const [dimension, key, outcome] = name.split('~');
    if (!dimension || key === undefined || !outcome || typeof value !== 'number') continue;
    if (!(CAMPAIGN_OUTCOMES as readonly string[]).includes(outcome)) continue;
    const counter = outcome as keyof CampaignCounters;
    if (dimension === 'all') item.totals = { ...item.totals, [counter]: value };
    const target = DIMENSIONS[dimension];
    if (target) {
      const breakdown = (item[target] ??= {});
      breakdown[key] = { ...breakdown[key], [counter]: value };
    }
  }
  return {
    campaignId: id,
    ...(entry && { name: entry.name }),
    totals: complete(item.totals),
    byTier: completeAll(item.byTier),
    bySegment: completeAll(item.bySegment),
    byVariant: completeAll(item.byVariant),
  };
}
