// Use cases around stored coupons: a partner asks whether a code applies to a member's basket (it never redeems:
// only the purchase event that names it does), and marketing lists a member's coupons.
import { checkCoupon, type Coupon, type CouponRejection, normaliseCouponCode } from '#domain/coupons';
import { couponValidation, type CouponValidation, type CouponView } from '#schema/coupons';
import type { Clock } from './ports.ts';
import { fieldErrors, ValidationError } from './validation.ts';

export interface CouponStore {
  /** Stores coupons a touchpoint issued; one already stored (a retried send) stays as it is. */
  issue(coupons: readonly Coupon[]): Promise<void>;
  /** The stored coupons of these codes (codes unknown are absent). */
  find(codes: readonly string[]): Promise<Map<string, Coupon>>;
  /** A member's coupons, oldest first. */
  ofMember(memberId: string): Promise<Coupon[]>;
  /** Notes that `Coupon Redeemed` went out for this order's redemption. */
  markAnnounced(code: string, orderId: string): Promise<void>;
}

export type CouponState = 'active' | 'redeemed' | 'expired';

/** A coupon as the admin and partner routes show it: no contact data, its state at `now`. */
export function couponView(coupon: Coupon, now: Date): CouponView {
  const state: CouponState =
    coupon.status === 'redeemed' ? 'redeemed' : Date.parse(coupon.validUntil) < now.getTime() ? 'expired' : 'active';
  return {
    code: coupon.code,
    memberId: coupon.memberId,
    campaignId: coupon.entryId,
    period: coupon.period,
    ...(coupon.offer.percent !== undefined && { percent: coupon.offer.percent }),
    ...(coupon.offer.amount !== undefined && { amount: coupon.offer.amount }),
    minSpend: coupon.offer.minSpend,
    validFrom: coupon.validFrom,
    validUntil: coupon.validUntil,
    state,
    ...(coupon.redeemedBy && { redeemedBy: coupon.redeemedBy }),
  };
}

export interface CouponAnswer {
  readonly code: string;
  readonly valid: boolean;
  readonly reason?: CouponRejection;
  readonly discount: number | { value: number; currency: string };
  readonly coupon?: CouponView;
}

/**
 * `POST /partner/coupons/validate`: whether the code applies to this member (when named) and basket now, and the
 * discount. Reads one item; redeems nothing.
 */
export async function validateCoupon(
  body: unknown,
  deps: { coupons: CouponStore; clock: Clock; currency: string },
): Promise<CouponAnswer> {
  const parsed = couponValidation.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const request: CouponValidation = parsed.data;
  const basket = typeof request.amount === 'number' ? request.amount : request.amount.value;
  const money = (value: number) =>
    typeof request.amount === 'number' ? value : { value, currency: request.amount.currency };
  const code = normaliseCouponCode(request.code);
  const now = deps.clock();
  const coupon = code ? ((await deps.coupons.find([code])).get(code) ?? null) : null;
  const check = checkCoupon(coupon, {
    ...(request.memberId !== undefined && { memberId: request.memberId }),
    amount: basket,
    at: now,
  });
  // A foreign or unknown code shows nothing of the coupon: a partner learns only that it does not apply.
  const shown = check.coupon && check.applies ? couponView(check.coupon, now) : undefined;
  return {
    code: code ?? request.code,
    valid: check.applies,
    ...(!check.applies && { reason: check.reason }),
    discount: money(check.applies ? check.discount : 0),
    ...(shown && { coupon: shown }),
  };
}

/** `GET /admin/coupons?memberId=`: the member's coupons with their state. */
export async function listCoupons(
  memberId: string,
  deps: { coupons: CouponStore; clock: Clock },
): Promise<{ memberId: string; coupons: CouponView[] }> {
  const now = deps.clock();
  return { memberId, coupons: (await deps.coupons.ofMember(memberId)).map((coupon) => couponView(coupon, now)) };
}
