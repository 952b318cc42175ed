// What a tier decision writes and publishes: the effects record, the history key, the Tier Changed event.
import type { TierChanged } from '#schema/events';
import type { TierLadder } from '#schema/tier-ladder';
import { tierIndex, type TierDecision, type TierState } from '#domain/tier-engine';
import type { Clock, EventPublisher } from './ports.ts';
import type { Owner, OwnerRef, PurchaseStore, TierChangeRef, TierEffects } from './purchase-ports.ts';

export function tierEffects(ladder: TierLadder, decision: TierDecision, previous: TierState | undefined): TierEffects {
  const change = decision.change;
  const upgraded = change !== undefined && tierIndex(ladder, change.to) > tierIndex(ladder, change.from);
  const entered = upgraded ? ladder.tiers.find((tier) => tier.code === change.to) : undefined;
  return {
    state: decision.state,
    stateChanged: previous === undefined || JSON.stringify(previous) !== JSON.stringify(decision.state),
    ...(decision.change && { change: decision.change }),
    ...(decision.notice && { notice: decision.notice }),
    ...(decision.nextReviewAt && { nextReviewAt: decision.nextReviewAt }),
    ladderVersion: ladder.version,
    entryTouchpoint: entered?.entryTouchpoint ?? false,
  };
}

/** The tier-history entry of a change at `at`, caused by `cause` (the order, the review run, the admin). */
export function tierChangeRef(at: string, ...cause: string[]): TierChangeRef {
  return { at, cause };
}

/** What an order remembers of its owner. */
export function ownerRefOf(owner: Owner): OwnerRef {
  return owner.kind === 'member' ? { kind: 'member', memberId: owner.memberId } : { kind: 'prospect', ref: owner.ref };
}

/** Publishes the Tier Changed event of a committed change that has not been published yet (crash-safe). */
export async function finishTierEvent(
  owner: OwnerRef,
  ref: TierChangeRef | undefined,
  deps: { store: PurchaseStore; events: EventPublisher; clock: Clock },
): Promise<void> {
  if (!ref || owner.kind !== 'member') return;
  const memberId = owner.memberId;
  const pending = await deps.store.unpublishedTierChange(memberId, ref);
  if (!pending) return;
  const detail: TierChanged = {
    memberId,
    from: pending.change.from,
    to: pending.change.to,
    reason: pending.change.reason,
    at: pending.change.at,
    ladderVersion: pending.ladderVersion,
  };
  await deps.events.publish('Tier Changed', detail);
  await deps.store.markTierChangePublished(memberId, ref, deps.clock());
}
