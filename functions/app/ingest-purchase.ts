// Use cases: a purchase or a refund from any sales channel updates its owner's spend buckets and tier, exactly once
// per (channel, orderId) / (channel, refundId), in one DynamoDB transaction; anything that can never apply is
// rejected with a reason (it goes to the dead-letter queue), never half-applied.
import { purchaseCompleted, purchaseRefunded, type PurchaseCompleted, type PurchaseRefunded } from '#schema/purchases';
import { normaliseEmail, normalisePhone } from '#domain/identity';
import { applyPurchase, applyRefund, mergeAggregates, monthKey, pruneMonths } from '#domain/spend-window';
import { initialTierState, onPurchase, onRefund } from '#domain/tier-engine';
import type { Clock, EventPublisher } from './ports.ts';
import type { Account, LadderSource, PurchaseStore, TierChangeRef } from './purchase-ports.ts';
import { finishTierEvent, ownerRefOf, tierChangeRef, tierEffects } from './tier-effects.ts';

export { finishTierEvent, tierChangeRef, tierEffects };

export class RejectedEvent extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RejectedEvent';
  }
}

export interface IngestDeps {
  readonly store: PurchaseStore;
  readonly ladders: LadderSource;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly programme: { readonly currency: string; readonly timeZone: string };
}

export type IngestOutcome = 'applied' | 'duplicate';

const MAX_CONFLICT_RETRIES = 8;

function parse<T>(
  schema: {
    safeParse(
      input: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
  },
  detail: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(detail);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(detail)'}: ${issue.message}`)
      .join('; ');
    throw new RejectedEvent(`malformed ${what}: ${fields}`);
  }
  return parsed.data;
}

/** Runs an optimistic write again (after `reload`) while another write to the same account won the race. */
async function retryOnConflict(
  run: () => Promise<'applied' | 'duplicate' | 'conflict'>,
  reload: () => Promise<void> = async () => undefined,
): Promise<IngestOutcome> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await run();
    if (outcome !== 'conflict') return outcome;
    if (attempt >= MAX_CONFLICT_RETRIES) throw new Error('too many concurrent updates of one member');
    await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** Math.min(attempt, 6) * Math.random()));
    await reload();
  }
}

export async function recordPurchase(detail: unknown, deps: IngestDeps): Promise<IngestOutcome> {
  const purchase: PurchaseCompleted = parse(purchaseCompleted, detail, 'Purchase Completed');
  if (purchase.amount.currency !== deps.programme.currency) {
    throw new RejectedEvent(`currency ${purchase.amount.currency} is not the programme's ${deps.programme.currency}`);
  }
  const first = await deps.store.resolveAccount({
    ...(purchase.member && { memberId: purchase.member.memberId }),
    ...(purchase.customer?.email && { email: normaliseEmail(purchase.customer.email) ?? undefined }),
    ...(purchase.customer?.phone && { phone: normalisePhone(purchase.customer.phone) ?? undefined }),
    ...(purchase.customer?.name && { name: purchase.customer.name }),
  });
  if (!first)
    throw new RejectedEvent(
      `unknown member ${purchase.member?.memberId ?? ''} and no customer contact to keep the purchase against`,
    );
  const owner = first.owner;
  let account: Account = first;

  const ladder = await deps.ladders.current();
  const month = monthKey(new Date(purchase.occurredAt), deps.programme.timeZone);
  const occurredAt = new Date(purchase.occurredAt).toISOString();
  let tierChange: TierChangeRef | undefined;
  const outcome = await retryOnConflict(
    async () => {
      const now = deps.clock();
      const aggregates = pruneMonths(
        applyPurchase(account.aggregates, month, purchase.amount.value, occurredAt),
        monthKey(now, deps.programme.timeZone),
      );
      const tier =
        owner.kind === 'member'
          ? tierEffects(
              ladder,
              onPurchase(ladder, account.tierState ?? initialTierState(ladder, now), aggregates, {
                now,
                timeZone: deps.programme.timeZone,
              }),
              account.tierState,
            )
          : undefined;
      tierChange = tier?.change ? tierChangeRef(tier.change.at, purchase.channel, purchase.orderId) : undefined;
      return deps.store.recordPurchase({
        order: {
          channel: purchase.channel,
          orderId: purchase.orderId,
          owner: ownerRefOf(owner),
          amount: purchase.amount.value,
          currency: purchase.amount.currency,
          refunded: 0,
          month,
          occurredAt,
          ...(tierChange && { tierChange }),
        },
        ...(purchase.items && { items: purchase.items }),
        account,
        aggregates,
        ...(tier && { tier }),
      });
    },
    async () => {
      account = await deps.store.loadAccount(owner);
    },
  );
  if (outcome === 'applied') await finishTierEvent(ownerRefOf(owner), tierChange, deps);
  else {
    const order = await deps.store.getOrder(purchase.channel, purchase.orderId);
    await finishTierEvent(order?.owner ?? ownerRefOf(owner), order?.tierChange, deps);
  }
  return outcome;
}

export async function recordRefund(detail: unknown, deps: IngestDeps): Promise<IngestOutcome> {
  const refund: PurchaseRefunded = parse(purchaseRefunded, detail, 'Purchase Refunded');
  if (refund.amount.currency !== deps.programme.currency) {
    throw new RejectedEvent(`currency ${refund.amount.currency} is not the programme's ${deps.programme.currency}`);
  }
  if (await deps.store.refundExists(refund.channel, refund.refundId)) return 'duplicate';
  const ladder = await deps.ladders.current();
  return retryOnConflict(async () => {
    const order = await deps.store.getOrder(refund.channel, refund.orderId);
    if (!order)
      throw new RejectedEvent(`refund ${refund.refundId} names unknown order ${refund.channel}/${refund.orderId}`);
    const left = order.amount - order.refunded;
    if (refund.amount.value > left) {
      if (await deps.store.refundExists(refund.channel, refund.refundId)) return 'duplicate';
      throw new RejectedEvent(
        `refund ${refund.refundId} of ${refund.amount.value} exceeds the ${left} left of order ${refund.orderId}`,
      );
    }
    const account = await deps.store.accountOf(order.owner);
    if (!account) throw new RejectedEvent(`order ${refund.orderId} belongs to no member or prospect any more`);
    const owner = account.owner;
    const now = deps.clock();
    const aggregates = applyRefund(account.aggregates, order.month, refund.amount.value, refund.amount.value === left);
    const tier =
      owner.kind === 'member'
        ? tierEffects(
            ladder,
            onRefund(ladder, account.tierState ?? initialTierState(ladder, now), aggregates, {
              now,
              timeZone: deps.programme.timeZone,
            }),
            account.tierState,
          )
        : undefined;
    return deps.store.recordRefund({
      refund: {
        channel: refund.channel,
        refundId: refund.refundId,
        orderId: refund.orderId,
        amount: refund.amount.value,
        occurredAt: new Date(refund.occurredAt).toISOString(),
      },
      order,
      account,
      aggregates,
      ...(tier && { tier }),
    });
  });
}

/**
 * When a person enrolls, purchases kept against their e-mail or phone as a prospect join the new member: the
 * buckets are added, the tier is evaluated as after a purchase, and the prospect points at the member from then on.
 */
export async function absorbProspects(
  memberId: string,
  contacts: { email?: string; phone?: string },
  deps: IngestDeps,
): Promise<number> {
  const prospects = deps.store.prospectsOf(contacts);
  let merged = 0;
  for (const key of prospects) {
    const outcome = await retryOnConflict(async () => {
      const prospect = await deps.store.prospectAccount(key);
      if (!prospect || prospect.aggregates.purchaseCount === 0) return 'duplicate';
      const member = await deps.store.loadAccount({ kind: 'member', memberId });
      const ladder = await deps.ladders.current();
      const now = deps.clock();
      const aggregates = pruneMonths(
        mergeAggregates(member.aggregates, prospect.aggregates),
        monthKey(now, deps.programme.timeZone),
      );
      const tier = tierEffects(
        ladder,
        onPurchase(ladder, member.tierState ?? initialTierState(ladder, now), aggregates, {
          now,
          timeZone: deps.programme.timeZone,
        }),
        member.tierState,
      );
      const history = tier.change ? tierChangeRef(tier.change.at, 'prospect', key) : undefined;
      const result = await deps.store.mergeProspect({
        prospect,
        member,
        aggregates,
        tier,
        ...(history && { history }),
      });
      if (result === 'applied') await finishTierEvent({ kind: 'member', memberId }, history, deps);
      return result;
    });
    if (outcome === 'applied') merged += 1;
  }
  return merged;
}
