// GET /admin/reports/tiers — members, 12-month spend and average LTV per tier, and members per RFM offer group,
// as of the last monthly RFM run (summed from its pages; no member is read).
import { mergeReports } from '#app/rfm-scoring';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { ladderDeps, rfmStore } from '#shared/wiring';

const store = rfmStore();
const { ladders } = ladderDeps();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const [run, ladder] = await Promise.all([store.breakpoints(), ladders.current()]);
  const pages = run ? await store.runReports(run.runId) : [];
  return json(
    200,
    mergeReports(
      pages,
      ladder.tiers.map((tier) => tier.code),
      run?.runId ?? null,
    ),
  );
});
