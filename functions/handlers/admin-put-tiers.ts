// PUT /admin/tiers (If-Match) — saves a new ladder that takes effect at the next tier review; `?dryRun=true` only
// checks it and previews who would move. Group marketing.
import { editTiers } from '#app/edit-tiers';
import { requireAdmin } from '#shared/admin-auth';
import { header, httpHandler, json, jsonBody } from '#shared/http';
import { readConfig } from '#shared/config';
import { ladderDeps, rfmStore } from '#shared/wiring';

const rfm = rfmStore();
const deps = {
  ...ladderDeps(),
  programmeCurrency: readConfig('programme').PROGRAMME_CURRENCY,
  lastRun: async () => {
    const run = await rfm.breakpoints();
    return run ? { runId: run.runId, pages: await rfm.runReports(run.runId) } : null;
  },
};

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'edit');
  const view = await editTiers(
    {
      ifMatch: header(event, 'if-match'),
      body: jsonBody(event, 32 * 1024),
      by: admin.id,
      dryRun: event.queryStringParameters?.['dryRun'] === 'true',
    },
    deps,
  );
  return json(200, view, { etag: `"${view.version}"` });
});
