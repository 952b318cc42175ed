// GET /admin/members?email=|phone=|name= — exact e-mail or phone, or name prefix (paged with `cursor`).
import { lookupMembers } from '#app/member-lookup';
import { contactViewOf, requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { lookupDeps } from '#shared/wiring';

const deps = lookupDeps();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'read');
  return json(200, await lookupMembers(event.queryStringParameters ?? {}, deps, contactViewOf(admin), admin.id));
});
