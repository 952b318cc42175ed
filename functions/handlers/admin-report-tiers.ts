// GET /admin/reports/tiers — members, 12-month spend and average LTV per tier, and members per RFM offer group,
// as of the last monthly RFM run (summed from its pages; no member is read); and members per tier at each of the
// last 12 monthly runs (the console's stacked chart).
import { mergeReports } from '#app/rfm-scoring';
import { windowMonths } from '#domain/spend-window';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { ladderDeps, rfmStore } from '#shared/wiring';

const store = rfmStore();
const { ladders } = ladderDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const [run, ladder] = await Promise.all([store.breakpoints(), ladders.current()]);
  const codes = ladder.tiers.map((tier) => tier.code);
  // The last 12 monthly runs, oldest first, each summed once; the newest is the report itself.
  const months = run ? windowMonths(run.runId) : [];
  const pages = await Promise.all(months.map((month) => store.runReports(month)));
  const reports = months.map((month, i) => mergeReports(pages[i] ?? [], codes, month));
  const history = reports
    .filter((report) => report.tiers.some((tier) => tier.members > 0))
    .map((report) => ({
      month: report.asOf,
      members: Object.fromEntries(report.tiers.map((tier) => [tier.code, tier.members])),
    }));
  return json(200, { ...(reports.at(-1) ?? mergeReports([], codes, null)), history });
});
