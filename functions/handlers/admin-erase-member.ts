// DELETE /admin/members/{id} — erases the member's personal data (audited); anonymous purchase records stay.
import { eraseMember } from '#app/member-privacy';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import type { MemberErased } from '#schema/events';
import { contactHashing, eventPublisher, privacyDeps } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = privacyDeps();
const events = eventPublisher();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'privacy');
  const erased = await eraseMember(event.pathParameters?.['id'] ?? '', admin.id, deps);
  // Other systems forget the member too (ids only); a retried erasure announces it again, harmlessly.
  const detail: MemberErased = { memberId: erased.memberId, erasedAt: deps.clock().toISOString(), by: 'admin' };
  await events.publish('Member Erased', detail);
  return json(200, erased);
});
