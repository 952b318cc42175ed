// Use case: marketing sets a member's tier by hand until a given date (the admin API calls this); recorded in the
// tier history with reason `manual`, who decided and until when, and published as Tier Changed.
import { manualOverride } from '#domain/tier-engine';
import { monthKey, pruneMonths } from '#domain/spend-window';
import type { Clock, EventPublisher } from './ports.ts';
import type { LadderSource, PurchaseStore } from './purchase-ports.ts';
import { finishTierEvent, ownerRefOf, tierChangeRef, tierEffects } from './tier-effects.ts';
import { ValidationError } from './validation.ts';

export interface OverrideDeps {
  readonly store: PurchaseStore;
  readonly ladders: LadderSource;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
}

export async function overrideTier(
  input: { memberId: string; tier: string; until: Date; by: string },
  deps: OverrideDeps,
): Promise<'applied' | 'unchanged'> {
  const ladder = await deps.ladders.current();
  if (!ladder.tiers.some((tier) => tier.code === input.tier))
    throw new ValidationError([{ path: 'tier', message: `Unknown tier ${input.tier}` }]);
  const now = deps.clock();
  if (input.until <= now)
    throw new ValidationError([{ path: 'until', message: 'A manual tier needs an expiry in the future' }]);
  for (let attempt = 0; attempt < 5; attempt++) {
    const account = await deps.store.resolveAccount({ memberId: input.memberId });
    if (account?.owner.kind !== 'member') throw new ValidationError([{ path: 'memberId', message: 'No such member' }]);
    const state = account.tierState;
    if (state?.tier === input.tier && state.keptUntil === input.until.toISOString()) return 'unchanged';
    const aggregates = pruneMonths(account.aggregates, monthKey(now, deps.programme.timeZone));
    const decision = manualOverride(
      ladder,
      state ?? {
        tier: ladder.tiers[0]?.code ?? input.tier,
        reachedAt: now.toISOString(),
        keptUntil: now.toISOString(),
      },
      input.tier,
      input.until,
      aggregates,
      { now, timeZone: deps.programme.timeZone },
    );
    const change = decision.change ? { ...decision.change, by: input.by } : undefined;
    const tier = { ...tierEffects(ladder, { ...decision, ...(change && { change }) }, state), stateChanged: true };
    const history = tierChangeRef(now.toISOString(), 'manual', input.by);
    const outcome = await deps.store.applyReview({ account, aggregates, tier, history });
    if (outcome === 'applied') {
      await finishTierEvent(ownerRefOf(account.owner), history, deps);
      return 'applied';
    }
  }
  throw new Error('member kept changing during the manual override');
}
