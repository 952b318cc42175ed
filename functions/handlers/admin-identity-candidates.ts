// GET /admin/identity/candidates — pairs of members that may be one person, with why, for marketing to review.
import { listCandidates } from '#app/identity-candidates';
import { contactViewOf, requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { candidatesDeps } from '#shared/wiring';

const deps = candidatesDeps();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'read');
  const query = event.queryStringParameters ?? {};
  return json(
    200,
    await listCandidates({ limit: query['limit'], cursor: query['cursor'] }, contactViewOf(admin), admin.id, deps),
  );
});
