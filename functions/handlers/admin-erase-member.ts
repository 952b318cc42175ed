// DELETE /admin/members/{id} — erases the member's personal data (audited); anonymous purchase records stay.
import { eraseMember } from '#app/member-privacy';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { contactHashing, privacyDeps } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = privacyDeps();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'privacy');
  return json(200, await eraseMember(event.pathParameters?.['id'] ?? '', admin.id, deps));
});
