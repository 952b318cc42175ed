// GET /admin/reports/campaigns/{id} — sent, delivered, opened, clicked, bounced, complained, unsubscribed of a
// calendar entry, in total and by tier, segment and variant.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CAMPAIGN_OUTCOMES, emptyCounters, type CampaignCounters, type CampaignReport } from '#schema/campaign-report';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { keys } from '#adapters/keys';
import { requireAdmin } from '#shared/admin-auth';
import { HttpError, httpHandler, json } from '#shared/http';
import { calendarDeps } from '#shared/wiring';
import { readConfig } from '#shared/config';

const { calendar } = calendarDeps();
const { TABLE_NAME } = readConfig('table');

type Breakdown = Record<string, Partial<CampaignCounters>>;
const complete = (counters: Partial<CampaignCounters> | undefined): CampaignCounters => ({ ...emptyCounters(), ...counters });
const completeAll = (breakdown: Breakdown | undefined) => Object.fromEntries(Object.entries(breakdown ?? {}).map(([key, counters]) => [key, complete(counters)]));

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const id = event.pathParameters?.['id'] ?? '';
  if (id.length > 64) throw new HttpError(404, 'Not Found', 'No such campaign');
  const [entry, stats] = await Promise.all([
    calendar.get(id),
    dynamoDocumentClient().send(new GetCommand({ TableName: TABLE_NAME, Key: keys.campaignStats(id) })),
  ]);
  if (!entry && !stats.Item) throw new HttpError(404, 'Not Found', 'No such campaign');
  // Counters are flat attributes `<dimension>~<key>~<outcome>` (see the send store), gathered here.
  const item: { totals?: Partial<CampaignCounters>; byTier?: Breakdown; bySegment?: Breakdown; byVariant?: Breakdown } = {};
  const dimensions: Record<string, 'byTier' | 'bySegment' | 'byVariant'> = { tier: 'byTier', segment: 'bySegment', variant: 'byVariant' };
  for (const [name, value] of Object.entries(stats.Item ?? {})) {
    const [dimension, key, outcome] = name.split('~');
    if (!dimension || key === undefined || !outcome || typeof value !== 'number' || !(CAMPAIGN_OUTCOMES as readonly string[]).includes(outcome)) continue;
    const counter = outcome as keyof CampaignCounters;
    if (dimension === 'all') item.totals = { ...item.totals, [counter]: value };
    const target = dimensions[dimension];
    if (target) {
      const breakdown = (item[target] ??= {});
      breakdown[key] = { ...breakdown[key], [counter]: value };
    }
  }
  const report: CampaignReport = {
    campaignId: id,
    ...(entry && { name: entry.name }),
    totals: complete(item.totals),
    byTier: completeAll(item.byTier),
    bySegment: completeAll(item.bySegment),
    byVariant: completeAll(item.byVariant),
  };
  return json(200, report);
});
