// GET /admin/members/{id} — profile, consents, tier and history with reasons, spend, RFM, due and sent touchpoints;
// each read is an access record in the audit log.
import { viewMember } from '#app/member-lookup';
import { contactViewOf, requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { lookupDeps } from '#shared/wiring';

const deps = lookupDeps();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'read');
  return json(200, await viewMember(event.pathParameters?.['id'] ?? '', deps, contactViewOf(admin), admin.id));
});
