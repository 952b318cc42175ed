// GET /partner/members/{memberId}/status — tier, progress and active coupons for a shop's own "my page" (SigV4).
import { memberStatus } from '#app/member-status';
import { requirePartner } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { memberStatusDeps } from '#shared/wiring';

const deps = memberStatusDeps();

export const handler = httpHandler(async (event) => {
  requirePartner(event);
  return json(200, await memberStatus(event.pathParameters?.['memberId'] ?? '', deps));
});
