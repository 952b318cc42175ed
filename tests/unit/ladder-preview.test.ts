// The preview of a ladder edit: members per tier and spend bucket against the new thresholds.
import { describe, expect, it } from 'vitest';
import { previewLadderChange } from '#app/ladder-preview';
import type { PageReport } from '#app/rfm-scoring';
import { bucketOf } from '#domain/rfm';
import { DEFAULT_TIER_LADDER } from '#schema/tier-ladder';

const withGold = (minSpend: number) => ({
  ...DEFAULT_TIER_LADDER,
  tiers: DEFAULT_TIER_LADDER.tiers.map((tier) => (tier.code === 'B' ? { ...tier, minSpend } : tier)),
});
const pages: PageReport[] = [
  {
    byTier: {},
    groups: {},
    tierSpend: { C: { [bucketOf.monetary(500_000)]: 3 }, B: { [bucketOf.monetary(900_000)]: 2 } },
  },
  {
    byTier: {},
    groups: {},
    tierSpend: { B: { [bucketOf.monetary(1_500_000)]: 4 }, D: { [bucketOf.monetary(10_000)]: 7 } },
  },
];

describe('ladder preview', () => {
  it('counts who would move up when Gold gets cheaper', () => {
    const preview = previewLadderChange(withGold(400_000), { runId: '2026-12', pages });
    expect(preview).toMatchObject({ asOf: '2026-12', up: 3, down: 0, unchanged: 13 });
    expect(preview.byTier['C']).toEqual({ up: 3, down: 0, unchanged: 0 });
  });

  it('counts who would move down when Gold gets dearer', () => {
    const preview = previewLadderChange(withGold(1_000_000 + 200_000), { runId: '2026-12', pages });
    expect(preview).toMatchObject({ up: 0, down: 2, unchanged: 14 });
    expect(preview.byTier['B']).toEqual({ up: 0, down: 2, unchanged: 4 });
  });

  it('says so when there is no run to count from', () => {
    expect(previewLadderChange(withGold(900_000), null)).toMatchObject({ asOf: null, up: 0, down: 0, unchanged: 0 });
  });
});
