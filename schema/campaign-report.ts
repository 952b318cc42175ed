// GET /admin/reports/campaigns/{id}[?period=]: what became of a calendar entry's sends — all issues, or one issue
// (period) — by tier, segment, variant, period and follow-up step, and what sending changed against the holdout.
// The senders, SES events and purchases fill the counters (items CAMPAIGN#<id> / STATS#…, PSTATS#<period>#…).
import * as z from 'zod/mini';
import './zod-locale.ts';

/** Counted outcomes: `opened` leaves out machine opens (counted apart), `revenue` is net of refunds. */
export const CAMPAIGN_OUTCOMES = [
  'sent',
  'delivered',
  'opened',
  'machineOpened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
  'converted',
  'revenue',
] as const;

export const campaignCounters = z.strictObject({
  ...(Object.fromEntries(CAMPAIGN_OUTCOMES.map((outcome) => [outcome, z.int()])) as Record<
    (typeof CAMPAIGN_OUTCOMES)[number],
    z.ZodMiniInt
  >),
  /** revenue ÷ sent, rounded to the currency unit (0 when nothing was sent). */
  revenuePerRecipient: z.number(),
});
export type CampaignCounters = z.infer<typeof campaignCounters>;

/** The control group: members kept unsent, and what they bought within the window anyway. */
export const holdoutCounters = z.strictObject({
  members: z.int(),
  converted: z.int(),
  revenue: z.int(),
  revenuePerMember: z.number(),
});
export type HoldoutCounters = z.infer<typeof holdoutCounters>;

export const campaignUplift = z.strictObject({
  sentRate: z.number(),
  holdoutRate: z.number(),
  /** sentRate − holdoutRate, with Newcombe's 95 % interval. */
  difference: z.number(),
  ci95: z.strictObject({ low: z.number(), high: z.number() }),
  significant: z.boolean(),
  /** Revenue per recipient sent to minus revenue per member of the holdout. */
  revenuePerRecipientDifference: z.number(),
});

export const campaignReport = z.strictObject({
  campaignId: z.string(),
  name: z.optional(z.string()),
  /** The issue reported on, when one was asked for (`?period=`). */
  period: z.optional(z.string()),
  totals: campaignCounters,
  byTier: z.record(z.string(), campaignCounters),
  bySegment: z.record(z.string(), campaignCounters),
  byVariant: z.record(z.string(), campaignCounters),
  /** Per issue (all-time report only). */
  byPeriod: z.record(z.string(), campaignCounters),
  /** `0` the first send, `1` and `2` the reached-not-opened follow-ups. */
  byStep: z.record(z.string(), campaignCounters),
  holdout: holdoutCounters,
  /** Test sends from the console or `POST …/test-send` (never in the totals). */
  tests: z.strictObject({ sent: z.int() }),
  /** Null until both the sent and the holdout group have members. */
  uplift: z.nullable(campaignUplift),
});
export type CampaignReport = z.infer<typeof campaignReport>;

export const emptyCounters = (): CampaignCounters => ({
  ...(Object.fromEntries(CAMPAIGN_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    (typeof CAMPAIGN_OUTCOMES)[number],
    number
  >),
  revenuePerRecipient: 0,
});
