// Business metrics as CloudWatch embedded metric format (Powertools Metrics): one EMF line per count, written at
// once, with dimensions that name kinds (channel, outcome, event type) — never a member or any personal data.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

const metrics = new Metrics({
  namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'dangol',
  serviceName: 'dangol',
});

export type MetricName =
  | 'PurchasesApplied'
  | 'PurchasesDuplicate'
  | 'PurchasesRejected'
  | 'TierChanges'
  | 'TierNotices'
  | 'TouchpointsSent'
  | 'TouchpointsSkipped'
  | 'TouchpointsFailed'
  | 'TouchpointsDeferred'
  | 'TouchpointsHeld'
  | 'AudiencePages'
  | 'SesEvents'
  | 'SentCountsLost';

/** Counts `value` of `name` (nothing when 0), with these dimensions. */
export function count(name: MetricName, value: number, dimensions: Readonly<Record<string, string>> = {}): void {
  if (!(value > 0)) return;
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, MetricUnit.Count, value);
}

/** What a send job did, per outcome, for its channel. */
export function countTouchpoints(
  outcome: { sent: number; skipped: number; failed: number; deferred: number; held?: number },
  channel: string,
): void {
  count('TouchpointsSent', outcome.sent, { channel });
  count('TouchpointsSkipped', outcome.skipped, { channel });
  count('TouchpointsFailed', outcome.failed, { channel });
  count('TouchpointsDeferred', outcome.deferred, { channel });
  count('TouchpointsHeld', outcome.held ?? 0, { channel });
}
