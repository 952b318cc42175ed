// PUT /admin/tiers (If-Match) — saves a new ladder that takes effect at the next tier review. Group marketing.
import { editTiers } from '#app/edit-tiers';
import { requireAdmin } from '#shared/admin-auth';
import { header, httpHandler, json, jsonBody } from '#shared/http';
import { readConfig } from '#shared/config';
import { ladderDeps } from '#shared/wiring';

const deps = { ...ladderDeps(), programmeCurrency: readConfig('programme').PROGRAMME_CURRENCY };

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'edit');
  const view = await editTiers({ ifMatch: header(event, 'if-match'), body: jsonBody(event, 32 * 1024), by: admin.id }, deps);
  return json(200, view, { etag: `"${view.version}"` });
});
