// GET /admin/tiers — the tier ladder in force, with its version as ETag (for If-Match on PUT).
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { purchaseDeps } from '#shared/wiring';

const { ladders } = purchaseDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const ladder = await ladders.current();
  return json(200, ladder, { etag: `"${ladder.version}"` });
});
