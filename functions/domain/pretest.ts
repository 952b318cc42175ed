// Pre-tests: a stable sample and variant per member, and the winner by open or click rate.
import { createHmac } from 'node:crypto';

/** Pre-test winner: the variant with the highest rate of the metric among those sent (ties: the first). */
export function pickWinner(
  variants: readonly string[],
  counts: Readonly<Record<string, { sent: number; opened: number; clicked: number }>>,
  metric: 'open' | 'click',
): string {
  let best = variants[0] ?? 'A';
  let bestRate = -1;
  for (const name of variants) {
    const c = counts[name];
    const rate = c && c.sent > 0 ? (metric === 'open' ? c.opened : c.clicked) / c.sent : 0;
    if (rate > bestRate) {
      best = name;
      bestRate = rate;
    }
  }
  return best;
}

/** Whether a member belongs to the pre-test sample: a stable hash of member and entry below the fraction. */
export function inSample(memberId: string, entryId: string, fraction: number): boolean {
  const digest = createHmac('sha256', 'sample').update(`${entryId}|${memberId}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < fraction;
}

/** The variant a sampled member gets: spread evenly by hash. */
export function variantFor(memberId: string, entryId: string, variants: readonly { name: string }[]): string {
  const digest = createHmac('sha256', 'variant').update(`${entryId}|${memberId}`).digest();
  return variants[digest.readUInt32BE(0) % variants.length]?.name ?? 'A';
}
