// Coupons on the partner and admin routes: the validation request and a coupon as shown (never contact data).
import * as z from 'zod/mini';
import './zod-locale.ts';
import { isoInstant, money } from './common.ts';

/** `POST /partner/coupons/validate`: a code, the member buying (when the shop knows), and the basket. */
export const couponValidation = z.strictObject({
  code: z.string().check(z.minLength(1), z.maxLength(40)),
  memberId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** The basket: money as in purchase events, or a bare integer in the programme currency. */
  amount: z.union([money, z.int().check(z.minimum(0), z.maximum(1_000_000_000))]),
});
export type CouponValidation = z.infer<typeof couponValidation>;

export const couponView = z.strictObject({
  code: z.string(),
  memberId: z.string(),
  /** The calendar entry that issued it, and the period (its redemption counts for that campaign and period). */
  campaignId: z.string(),
  period: z.string(),
  percent: z.optional(z.int()),
  amount: z.optional(z.int()),
  minSpend: z.int(),
  validFrom: isoInstant,
  validUntil: isoInstant,
  state: z.enum(['active', 'redeemed', 'expired']),
  redeemedBy: z.optional(z.strictObject({ channel: z.string(), orderId: z.string(), at: isoInstant })),
});
export type CouponView = z.infer<typeof couponView>;

export const couponValidationAnswer = z.strictObject({
  code: z.string(),
  valid: z.boolean(),
  reason: z.optional(z.enum(['unknown', 'not-yet-valid', 'expired', 'foreign', 'used', 'below-minimum'])),
  discount: z.union([money, z.int()]),
  coupon: z.optional(couponView),
});

export const memberCoupons = z.strictObject({ memberId: z.string(), coupons: z.array(couponView) });
