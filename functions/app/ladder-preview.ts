// How many members a ladder edit would move up or down, estimated from the last monthly RFM run's counts of members
// per tier and 12-month spend (no member is read). Purchase-count thresholds are not in those counts.
import type { TierLadder } from '#schema/tier-ladder';
import { valueOfBucket } from '#domain/rfm';
import { qualifiedTierIndex, tierIndex } from '#domain/tier-engine';
import type { PageReport } from './rfm-scoring.ts';

export interface LadderPreview {
  readonly asOf: string | null;
  readonly basis: string;
  readonly up: number;
  readonly down: number;
  readonly unchanged: number;
  readonly byTier: Record<string, { up: number; down: number; unchanged: number }>;
}

export function previewLadderChange(
  next: TierLadder,
  run: { runId: string; pages: readonly PageReport[] } | null,
): LadderPreview {
  const byTier: Record<string, { up: number; down: number; unchanged: number }> = {};
  let up = 0;
  let down = 0;
  let unchanged = 0;
  for (const page of run?.pages ?? []) {
    for (const [tier, buckets] of Object.entries(page.tierSpend ?? {})) {
      const current = tierIndex(next, tier);
      const counts = (byTier[tier] ??= { up: 0, down: 0, unchanged: 0 });
      for (const [bucket, members] of Object.entries(buckets)) {
        const spend = valueOfBucket.monetary(Number(bucket));
        const qualified = qualifiedTierIndex(
          { ...next, tiers: next.tiers.map(({ minPurchases: _ignored, ...tierDef }) => tierDef) },
          { spend, purchases: 0, windowEnd: '' },
        );
        const move = qualified > current ? 'up' : qualified < current ? 'down' : 'unchanged';
        counts[move] += members;
        if (move === 'up') up += members;
        else if (move === 'down') down += members;
        else unchanged += members;
      }
    }
  }
  return {
    asOf: run?.runId ?? null,
    basis:
      '12-month spend per member as of the last monthly RFM run; purchase-count thresholds are not counted; downgrades still wait for the grace period and a notice',
    up,
    down,
    unchanged,
    byTier,
  };
}
