// The tier ladder as data: grades, display names per locale, thresholds on rolling 12-month spend and purchases.
import * as z from 'zod/mini';
import './zod-locale.ts';

export const tierDefinition = z.strictObject({
  /** Stable code, e.g. `A`; what events and history carry. */
  code: z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,15}$/)),
  name: z.strictObject({
    ko: z.string().check(z.minLength(1), z.maxLength(40)),
    en: z.string().check(z.minLength(1), z.maxLength(40)),
  }),
  /** Rolling 12-month net spend, in minor units of the programme currency. */
  minSpend: z.int().check(z.minimum(0)),
  /** Optional: purchases in the same 12 months. */
  minPurchases: z.optional(z.int().check(z.minimum(1))),
  /** Entering this tier records the `vip_entry` touchpoint as due. */
  entryTouchpoint: z.boolean(),
});
export type TierDefinition = z.infer<typeof tierDefinition>;

const ladderFields = {
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  /** Lowest first; the first tier has minSpend 0 and is where every member starts. */
  tiers: z.array(tierDefinition).check(z.minLength(1), z.maxLength(12)),
  /** A tier reached is kept at least this many months. */
  graceMonths: z.int().check(z.minimum(0), z.maximum(36)),
  /** A downgrade at review goes down at most this many tiers. */
  downgradeSteps: z.int().check(z.minimum(1), z.maximum(12)),
  /** The downgrade notice goes out this many days before the tier can drop. */
  noticeDays: z.int().check(z.minimum(1), z.maximum(90)),
};

type LadderShape = { tiers: TierDefinition[] };
const ladderRules = [
  z.refine<LadderShape>((ladder) => ladder.tiers[0]?.minSpend === 0 && ladder.tiers[0]?.minPurchases === undefined, {
    message: 'The first tier is the base tier: minSpend 0, no minPurchases',
    path: ['tiers', 0],
  }),
  z.refine<LadderShape>(
    (ladder) => ladder.tiers.every((tier, i) => i === 0 || tier.minSpend > (ladder.tiers[i - 1]?.minSpend ?? -1)),
    {
      message: 'Thresholds must rise strictly from tier to tier',
      path: ['tiers'],
    },
  ),
  z.refine<LadderShape>((ladder) => new Set(ladder.tiers.map((tier) => tier.code)).size === ladder.tiers.length, {
    message: 'Tier codes must be unique',
    path: ['tiers'],
  }),
] as const;

export const tierLadder = z
  .strictObject({ version: z.int().check(z.minimum(0)), ...ladderFields })
  .check(...ladderRules);
export type TierLadder = z.infer<typeof tierLadder>;

/** The seed's S/A/B/C/D grades (000_…txt slides 12–13), in KRW. */
export const DEFAULT_TIER_LADDER: TierLadder = {
  version: 0,
  currency: 'KRW',
  tiers: [
    { code: 'D', name: { ko: '일반', en: 'Member' }, minSpend: 0, entryTouchpoint: false },
    { code: 'C', name: { ko: '실버', en: 'Silver' }, minSpend: 300_000, entryTouchpoint: false },
    { code: 'B', name: { ko: '골드', en: 'Gold' }, minSpend: 1_000_000, entryTouchpoint: false },
    { code: 'A', name: { ko: 'VIP', en: 'VIP' }, minSpend: 2_000_000, entryTouchpoint: true },
    { code: 'S', name: { ko: 'VVIP', en: 'VVIP' }, minSpend: 5_000_000, minPurchases: 12, entryTouchpoint: true },
  ],
  graceMonths: 12,
  downgradeSteps: 1,
  noticeDays: 30,
};

/** PUT /admin/tiers: a whole ladder; its version is the server's (If-Match names the one being replaced). */
export const tierLadderInput = z.strictObject(ladderFields).check(...ladderRules);
export type TierLadderInput = z.infer<typeof tierLadderInput>;

/** The stored document: the ladder in force and, once edited, the one that takes over at the next review. */
export interface TierLadderDocument {
  readonly version: number;
  readonly current: TierLadder;
  readonly pending?: { readonly ladder: TierLadder; readonly savedAt: string; readonly by: string };
}
