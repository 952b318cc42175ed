// Use cases: a purchase or a refund from any sales channel updates its owner's spend buckets and tier, exactly once
// per (channel, orderId) / (channel, refundId), in one DynamoDB transaction; anything that can never apply is
// rejected with a reason (it goes to the dead-letter queue), never half-applied.
import { purchaseCompleted, purchaseRefunded, type PurchaseCompleted, type PurchaseRefunded } from '#schema/purchases';
import { normaliseEmail, normalisePhone } from '#domain/identity';
import { applyPurchase, applyRefund, mergeAggregates, monthKey, pruneMonths } from '#domain/spend-window';
import { initialTierState, onPurchase, onRefund } from '#domain/tier-engine';
import { type Attribution, attributedTouch } from '#domain/attribution';
import { checkCoupon, type Coupon, normaliseCouponCode } from '#domain/coupons';
import type { CouponRedeemed } from '#schema/events';
import type { CouponStore } from './coupons.ts';
import type { Clock, EventPublisher } from './ports.ts';
import type {
  Account,
  CouponOutcome,
  LadderSource,
  OrderRecord,
  PurchaseStore,
  TierChangeRef,
} from './purchase-ports.ts';
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
  readonly coupons: Pick<CouponStore, 'find' | 'markAnnounced'>;
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
  const codes = (purchase.coupons ?? []).map((code) => normaliseCouponCode(code));
  const readCoupons = async () => deps.coupons.find(codes.filter((code): code is string => code !== null));
  let coupons = codes.length > 0 ? await readCoupons() : new Map<string, Coupon>();
  let tierChange: TierChangeRef | undefined;
  let order: OrderRecord | undefined;
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
      const outcomes = couponOutcomes(codes, coupons, {
        memberId: owner.kind === 'member' ? owner.memberId : undefined,
        amount: purchase.amount.value,
        at: occurredAt,
        orderId: purchase.orderId,
      });
      const attribution = attributionOf(outcomes, coupons, account, occurredAt);
      order = {
        channel: purchase.channel,
        orderId: purchase.orderId,
        owner: ownerRefOf(owner),
        amount: purchase.amount.value,
        currency: purchase.amount.currency,
        refunded: 0,
        month,
        occurredAt,
        ...(tierChange && { tierChange }),
        ...(outcomes.length > 0 && { coupons: outcomes }),
        ...(attribution && { attribution }),
      };
      return deps.store.recordPurchase({
        order,
        ...(purchase.items && { items: purchase.items }),
        account,
        aggregates,
        ...(tier && { tier }),
      });
    },
    async () => {
      // Another write won: the account, and the coupons (one may have been redeemed by a concurrent order).
      const reloaded = await deps.store.loadAccount(owner);
      // Still the purchase of a merged member, if it came through one (undo gives it back).
      account = first.cameThrough ? { ...reloaded, cameThrough: first.cameThrough } : reloaded;
      if (codes.length > 0) coupons = await readCoupons();
    },
  );
  if (outcome === 'applied') {
    await finishTierEvent(ownerRefOf(owner), tierChange, deps);
    if (order) await announceRedemptions(order, deps);
  } else {
    const stored = await deps.store.getOrder(purchase.channel, purchase.orderId);
    await finishTierEvent(stored?.owner ?? ownerRefOf(owner), stored?.tierChange, deps);
    if (stored) await announceRedemptions(stored, deps);
  }
  return outcome;
}

/**
 * What becomes of each code an order names: redeemed when it applies to this member and basket at the time of the
 * order, else rejected with the first reason — never a reason to refuse the order itself. A code named twice in one
 * order is used once.
 */
function couponOutcomes(
  codes: readonly (string | null)[],
  coupons: ReadonlyMap<string, Coupon>,
  use: { memberId: string | undefined; amount: number; at: string; orderId: string },
): CouponOutcome[] {
  const outcomes: CouponOutcome[] = [];
  const named = new Set<string>();
  for (const code of codes) {
    if (code === null) {
      outcomes.push({ code: '?', redeemed: false, reason: 'unknown' });
      continue;
    }
    if (named.has(code)) {
      outcomes.push({ code, redeemed: false, reason: 'used' });
      continue;
    }
    named.add(code);
    // A prospect (not a member) can hold no coupon: every code is someone else's.
    const check = checkCoupon(coupons.get(code) ?? null, {
      memberId: use.memberId ?? '',
      amount: use.amount,
      at: new Date(use.at),
      orderId: use.orderId,
    });
    outcomes.push(
      check.applies
        ? { code, redeemed: true, discount: check.discount }
        : { code, redeemed: false, reason: check.reason },
    );
  }
  return outcomes;
}

/** Last touch within its window, unless the order redeems a touchpoint's coupon: then that touchpoint (redemption wins). */
function attributionOf(
  outcomes: readonly CouponOutcome[],
  coupons: ReadonlyMap<string, Coupon>,
  account: Account,
  at: string,
): Attribution | undefined {
  const redeemed = outcomes.find((outcome) => outcome.redeemed);
  const coupon = redeemed ? coupons.get(redeemed.code) : undefined;
  if (coupon)
    return {
      entryId: coupon.entryId,
      period: coupon.period,
      tier: coupon.tier,
      segment: coupon.segment,
      ...(coupon.variant && { variant: coupon.variant }),
      via: 'coupon',
    };
  if (account.owner.kind !== 'member') return undefined;
  return attributedTouch(account.lastTouch, at) ?? undefined;
}

/** `Coupon Redeemed` for each coupon the order redeemed that was not announced yet (crash-safe: a replay finishes it). */
async function announceRedemptions(order: OrderRecord, deps: IngestDeps): Promise<void> {
  const redeemed = (order.coupons ?? []).filter((outcome) => outcome.redeemed);
  if (redeemed.length === 0 || order.owner.kind !== 'member') return;
  const stored = await deps.coupons.find(redeemed.map((outcome) => outcome.code));
  for (const outcome of redeemed) {
    const coupon = stored.get(outcome.code);
    if (!coupon || coupon.redeemedBy?.orderId !== order.orderId || coupon.announcedAt) continue;
    const detail: CouponRedeemed = {
      code: coupon.code,
      memberId: coupon.memberId,
      campaignId: coupon.entryId,
      period: coupon.period,
      channel: order.channel,
      orderId: order.orderId,
      discount: outcome.discount,
      redeemedAt: order.occurredAt,
    };
    await deps.events.publish('Coupon Redeemed', detail);
    await deps.coupons.markAnnounced(coupon.code, order.orderId);
  }
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
