// POST /admin/members/{id}/merge {into} — merge one member into another; POST /admin/merges/{mergeId}/undo — undo it
// within 30 days. Group marketing.
import { mergeMembers, undoMerge } from '#app/merge-members';
import { requireAdmin } from '#shared/admin-auth';
import { HttpError, httpHandler, json, jsonBody } from '#shared/http';
import { mergeDeps } from '#shared/wiring';

const deps = mergeDeps();

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'edit');
  switch (event.routeKey) {
    case 'POST /admin/members/{id}/merge':
      return json(200, await mergeMembers(event.pathParameters?.['id'] ?? '', jsonBody(event, 4096), admin.id, deps));
    case 'POST /admin/merges/{mergeId}/undo':
      return json(200, await undoMerge(event.pathParameters?.['mergeId'] ?? '', admin.id, deps));
    default:
      throw new HttpError(404, 'Not Found', `No route ${event.routeKey}`);
  }
});
