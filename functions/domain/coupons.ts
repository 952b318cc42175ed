// Coupons as stored things: what a touchpoint issues to one member, whether a code applies to a member and basket,
// and the discount. Pure: the store keeps them, the purchase redeems them (functions/app/coupons.ts).
import type { CalendarEntry } from '#schema/calendar';
import { couponCode, couponPercent, type OfferGroup } from './offers.ts';

export interface CouponOffer {
  /** Percent off the basket, or… */
  readonly percent?: number;
  /** …a fixed amount off (programme currency, never more than the basket). */
  readonly amount?: number;
  /** The least the basket must come to. */
  readonly minSpend: number;
}

export interface Coupon {
  readonly code: string;
  readonly memberId: string;
  /** The touchpoint (calendar entry) and period that issued it: where its redemption is attributed. */
  readonly entryId: string;
  readonly period: string;
  readonly offer: CouponOffer;
  readonly validFrom: string;
  readonly validUntil: string;
  /** The member's facts when it was issued (the report's tier, segment and variant). */
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  readonly status: 'active' | 'redeemed';
  readonly redeemedBy?: { readonly channel: string; readonly orderId: string; readonly at: string };
  /** When `Coupon Redeemed` went out for the current redemption. */
  readonly announcedAt?: string;
}

export type CouponRejection = 'unknown' | 'not-yet-valid' | 'expired' | 'foreign' | 'used' | 'below-minimum';

export type CouponCheck =
  | { readonly applies: true; readonly coupon: Coupon; readonly discount: number }
  | { readonly applies: false; readonly reason: CouponRejection; readonly coupon?: Coupon };

/**
 * A code as a person types it: case, spaces and dashes do not matter (`dg 8f3k…` is `DG-8F3K-…`). Null for what can
 * never be a code.
 */
export function normaliseCouponCode(input: string): string | null {
  const bare = input.toUpperCase().replace(/[\s-]/g, '');
  if (!/^DG[A-Z2-9]{12}$/.test(bare)) return null;
  return `DG-${bare.slice(2, 6)}-${bare.slice(6, 10)}-${bare.slice(10)}`;
}

/** The discount of an offer on a basket: a percent rounded down, or the amount, never more than the basket. */
export function discountOf(offer: CouponOffer, basket: number): number {
  if (offer.percent) return Math.floor((basket * offer.percent) / 100);
  return Math.min(basket, offer.amount ?? 0);
}

/** Whether a coupon applies to this member's basket at `at`, and its discount; the first reason it does not. */
export function checkCoupon(
  coupon: Coupon | null,
  use: { readonly memberId?: string; readonly amount: number; readonly at: Date; readonly orderId?: string },
): CouponCheck {
  if (!coupon) return { applies: false, reason: 'unknown' };
  const refuse = (reason: CouponRejection): CouponCheck => ({ applies: false, reason, coupon });
  if (use.memberId !== undefined && use.memberId !== coupon.memberId) return refuse('foreign');
  if (coupon.status === 'redeemed' && coupon.redeemedBy?.orderId !== use.orderId) return refuse('used');
  const at = use.at.getTime();
  if (at < Date.parse(coupon.validFrom)) return refuse('not-yet-valid');
  if (at > Date.parse(coupon.validUntil)) return refuse('expired');
  if (use.amount < coupon.offer.minSpend) return refuse('below-minimum');
  return { applies: true, coupon, discount: discountOf(coupon.offer, use.amount) };
}

/** The offer an entry makes this member (by tier or RFM group), or null when it makes none (0 % and no amount). */
export function offerFor(
  offer: NonNullable<CalendarEntry['offer']>,
  tier: string,
  group: OfferGroup | undefined,
): CouponOffer | null {
  const minSpend = offer.minSpend ?? 0;
  const percent = couponPercent(offer, tier, group);
  if (percent > 0) return { percent, minSpend };
  const key = offer.percentBy === 'tier' ? tier : (group ?? 'occasional');
  const amount = offer.amounts?.[key] ?? 0;
  return amount > 0 ? { amount, minSpend } : null;
}

/**
 * The coupon a touchpoint issues to one member for one period, or null when its offer gives this member nothing. The
 * code is reproducible (a retried send shows and stores the same one), unguessable without the secret, and short
 * enough to type.
 */
export function issuedCoupon(
  entry: CalendarEntry,
  recipient: {
    readonly memberId: string;
    readonly tier: string;
    readonly segment?: OfferGroup;
    readonly period: string;
    readonly variant?: string;
  },
  context: { readonly secret: string; readonly now: Date },
): Coupon | null {
  if (!entry.offer) return null;
  const offer = offerFor(entry.offer, recipient.tier, recipient.segment);
  if (!offer) return null;
  return {
    code: couponCode(context.secret, recipient.memberId, entry.id, recipient.period),
    memberId: recipient.memberId,
    entryId: entry.id,
    period: recipient.period,
    offer,
    validFrom: context.now.toISOString(),
    validUntil: new Date(context.now.getTime() + entry.offer.validityDays * 86_400_000).toISOString(),
    tier: recipient.tier,
    segment: recipient.segment ?? 'occasional',
    ...(recipient.variant && { variant: recipient.variant }),
    status: 'active',
  };
}
