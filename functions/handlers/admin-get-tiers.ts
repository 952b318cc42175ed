// GET /admin/tiers — the ladder in force (and a pending edit, if any), with the document version as ETag.
import { ladderView } from '#app/edit-tiers';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { ladderDeps } from '#shared/wiring';

const { ladders } = ladderDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const view = ladderView(await ladders.document());
  return json(200, view, { etag: `"${view.version}"` });
});
