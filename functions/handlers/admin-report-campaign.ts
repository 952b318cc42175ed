// GET /admin/reports/campaigns/{id} — sent, delivered, opened, clicked, bounced, complained, unsubscribed of a
// calendar entry, in total and by tier, segment and variant.
import { campaignReport } from '#app/campaign-report';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { campaignReportDeps } from '#shared/wiring';

const deps = campaignReportDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  return json(200, await campaignReport(event.pathParameters?.['id'] ?? '', deps));
});
