// GET /admin/coupons?memberId= — a member's coupons: offer, validity, state, and the order that redeemed each.
import { listCoupons } from '#app/coupons';
import { ValidationError } from '#app/validation';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { couponDeps } from '#shared/wiring';

const deps = couponDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const memberId = event.queryStringParameters?.['memberId'];
  if (!memberId || memberId.length > 64)
    throw new ValidationError([{ path: 'memberId', message: 'Give the member id (at most 64 characters)' }]);
  return json(200, await listCoupons(memberId, deps));
});
