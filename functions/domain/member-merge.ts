// Two members who are one person, combined: spend and orders add up (an order belongs to one of them only: the order
// record is unique per channel and id), the tier moves up at once if the combined spend reaches higher (down only at
// a review), each consent is the more restrictive of the two, and the survivor keeps its contacts, taking the other's
// only where it has none.
import type { TierLadder } from '#schema/tier-ladder';
import type { SpendAggregates } from './spend-window.ts';
import { initialTierState, onPurchase, type ProgrammeClock, type TierDecision, type TierState } from './tier-engine.ts';

type Profile = Readonly<Record<string, unknown>>;
type ConsentState = { value: boolean; at: string; source: string; confirmedAt?: string };

const numbers = (value: unknown) => (value ?? {}) as Record<string, number>;

function addMaps(a: unknown, b: unknown): Record<string, number> {
  const sum: Record<string, number> = { ...numbers(a) };
  for (const [key, value] of Object.entries(numbers(b))) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

const earliest = (a: unknown, b: unknown) =>
  [a, b].filter((value): value is string => typeof value === 'string').sort()[0];
const latest = (a: unknown, b: unknown) =>
  [a, b]
    .filter((value): value is string => typeof value === 'string')
    .sort()
    .pop();

/** The more restrictive of two consents: a no wins; of two yeses (or two noes) the survivor's stands. */
function restrictive(into: ConsentState | undefined, source: ConsentState | undefined): ConsentState | undefined {
  if (!into || !source) return into ?? source;
  if (into.value && !source.value) return source;
  return into;
}

export interface MergedFields {
  readonly spendByMonth: Record<string, number>;
  readonly ordersByMonth: Record<string, number>;
  readonly purchaseCount: number;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  readonly tier: TierDecision;
  readonly consents: Record<string, ConsentState>;
  /** Contacts the survivor takes from the other member (it had none of the kind). */
  readonly takes: { email?: { value: string; verifiedAt?: string }; phone?: { value: string; verifiedAt?: string } };
}

export function combineMembers(
  into: Profile,
  source: Profile,
  ladder: TierLadder,
  clock: ProgrammeClock,
): MergedFields {
  const aggregates: SpendAggregates = {
    spendByMonth: addMaps(into['spendByMonth'], source['spendByMonth']),
    ordersByMonth: addMaps(into['ordersByMonth'], source['ordersByMonth']),
    purchaseCount: Number(into['purchaseCount'] ?? 0) + Number(source['purchaseCount'] ?? 0),
  };
  const state = (into['tierState'] as TierState | undefined) ?? initialTierState(ladder, clock.now);
  const tier = onPurchase(ladder, state, aggregates, clock);
  const consents: Record<string, ConsentState> = {};
  const mine = (into['consents'] ?? {}) as Record<string, ConsentState>;
  const theirs = (source['consents'] ?? {}) as Record<string, ConsentState>;
  for (const channel of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const chosen = restrictive(mine[channel], theirs[channel]);
    if (chosen) consents[channel] = chosen;
  }
  const take = (field: 'email' | 'phone', verified: 'emailVerifiedAt' | 'phoneVerifiedAt') =>
    !into[field] && typeof source[field] === 'string'
      ? {
          [field]: {
            value: source[field] as string,
            ...(typeof source[verified] === 'string' && { verifiedAt: source[verified] as string }),
          },
        }
      : {};
  const first = earliest(into['firstPurchaseAt'], source['firstPurchaseAt']);
  const last = latest(into['lastPurchaseAt'], source['lastPurchaseAt']);
  return {
    spendByMonth: aggregates.spendByMonth,
    ordersByMonth: aggregates.ordersByMonth,
    purchaseCount: aggregates.purchaseCount,
    ...(first && { firstPurchaseAt: first }),
    ...(last && { lastPurchaseAt: last }),
    tier,
    consents,
    takes: { ...take('email', 'emailVerifiedAt'), ...take('phone', 'phoneVerifiedAt') },
  };
}

/** How many merge pointers a look-up follows (a merged member merged again later points on). */
const MERGE_HOPS = 3;

/**
 * What a member id stands for now: the item read for it, or, when that member was merged, the survivor's (its
 * pointer followed, `MERGE_HOPS` at most). `read` is the caller's own read of a member.
 */
export async function followMerges<T extends Readonly<Record<string, unknown>>>(
  memberId: string,
  read: (memberId: string) => Promise<T | null | undefined>,
): Promise<{ memberId: string; item: T | null }> {
  let current = memberId;
  let item = (await read(current)) ?? null;
  for (
    let hops = 0;
    hops < MERGE_HOPS && item?.['status'] === 'merged' && typeof item['mergedInto'] === 'string';
    hops++
  ) {
    current = item['mergedInto'];
    item = (await read(current)) ?? null;
  }
  return { memberId: current, item };
}
