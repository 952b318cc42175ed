// GET /admin/reports/tiers — members, 12-month spend and average LTV per tier, and members per RFM offer group,
// as of the last monthly RFM run (summed from its pages; no member is read); and members per tier at each of the
// last 12 monthly runs (the console's stacked chart).
import { mergeReports } from '#app/rfm-scoring';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { ladderDeps, rfmStore } from '#shared/wiring';

const store = rfmStore();

/** `2027-03` and the months before it, newest first. */
function lastMonths(month: string, count: number): string[] {
  const [year = 0, number = 1] = month.split('-').map(Number);
  return Array.from({ length: count }, (_, back) =>
    new Date(Date.UTC(year, number - 1 - back, 1)).toISOString().slice(0, 7),
  );
}
const { ladders } = ladderDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const [run, ladder] = await Promise.all([store.breakpoints(), ladders.current()]);
  const codes = ladder.tiers.map((tier) => tier.code);
  const months = run ? lastMonths(run.runId, 12) : [];
  const reports = await Promise.all(months.map((month) => store.runReports(month)));
  const history = months
    .map((month, i) => ({ month, report: mergeReports(reports[i] ?? [], codes, month) }))
    .filter(({ report }) => report.tiers.some((tier) => tier.members > 0))
    .map(({ month, report }) => ({
      month,
      members: Object.fromEntries(report.tiers.map((tier) => [tier.code, tier.members])),
    }))
    .reverse();
  return json(200, { ...mergeReports(reports[0] ?? [], codes, run?.runId ?? null), history });
});
