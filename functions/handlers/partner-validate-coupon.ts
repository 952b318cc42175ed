// POST /partner/coupons/validate — whether a coupon applies to a member and basket, and its discount (redeems
// nothing: only the purchase event that names the code does).
import { validateCoupon } from '#app/coupons';
import { requirePartner } from '#shared/admin-auth';
import { httpHandler, json, jsonBody } from '#shared/http';
import { couponDeps } from '#shared/wiring';

const deps = couponDeps();

export const handler = httpHandler(async (event) => {
  requirePartner(event);
  return json(200, await validateCoupon(jsonBody(event, 4096), deps));
});
