// GET /admin/members/{id}/export — everything kept about the member, as JSON (audited).
import { exportMember } from '#app/member-privacy';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { privacyDeps } from '#shared/wiring';

const deps = privacyDeps();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'privacy');
  const memberId = event.pathParameters?.['id'] ?? '';
  return json(200, await exportMember(memberId, admin.id, deps), {
    'content-disposition': `attachment; filename="member-${memberId.replace(/[^\w-]/g, '')}.json"`,
  });
});
