// GET /admin/sending — whether all sending is paused; PUT /admin/sending {paused, reason?} — the kill switch
// (marketing), audited. Paused jobs wait on their queues and go out, once each, after the resume.
import { setSending } from '#app/sending-switch';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json, jsonBody } from '#shared/http';
import { sendingSwitchDeps } from '#shared/wiring';

const deps = sendingSwitchDeps();

export const handler = httpHandler(async (event) => {
  if (event.requestContext.http.method === 'GET') {
    requireAdmin(event, 'read');
    return json(200, await deps.switch.state());
  }
  const admin = requireAdmin(event, 'edit');
  return json(200, await setSending(jsonBody(event, 4096), admin.id, deps));
});
