// GET /admin/reports/campaigns/{id}: what became of a calendar entry's sends, by tier, segment and variant.
// The sending issue fills the counters (item CAMPAIGN#<id> / STATS); this fixes their shape.
import * as z from 'zod/mini';
import './zod-locale.ts';

export const CAMPAIGN_OUTCOMES = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
] as const;

export const campaignCounters = z.strictObject(
  Object.fromEntries(CAMPAIGN_OUTCOMES.map((outcome) => [outcome, z.int().check(z.minimum(0))])) as Record<
    (typeof CAMPAIGN_OUTCOMES)[number],
    z.ZodMiniInt
  >,
);
export type CampaignCounters = z.infer<typeof campaignCounters>;

export const campaignReport = z.strictObject({
  campaignId: z.string(),
  name: z.optional(z.string()),
  totals: campaignCounters,
  byTier: z.record(z.string(), campaignCounters),
  bySegment: z.record(z.string(), campaignCounters),
  byVariant: z.record(z.string(), campaignCounters),
});
export type CampaignReport = z.infer<typeof campaignReport>;

export const emptyCounters = (): CampaignCounters =>
  Object.fromEntries(CAMPAIGN_OUTCOMES.map((outcome) => [outcome, 0])) as CampaignCounters;
