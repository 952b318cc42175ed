// GET /admin/reports/campaigns/{id}[?period=] — sent, delivered, opened, clicked, converted, revenue… of a calendar
// entry (all issues or one), by tier, segment, variant, period and step, against its holdout.
import { campaignReport } from '#app/campaign-report';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { campaignReportDeps } from '#shared/wiring';

const deps = campaignReportDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const period = event.queryStringParameters?.['period'];
  return json(200, await campaignReport(event.pathParameters?.['id'] ?? '', deps, period));
});
