// The operations dashboard: the business metrics the handlers write (EMF, functions/shared/metrics.ts) beside each
// queue's oldest message and dead-letter depth.
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OpsDashboardProps {
  readonly namespace: string;
  readonly queues: ReadonlyMap<string, { readonly queue: IQueue; readonly dlq: IQueue }>;
}

export class OpsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    const metric = (metricName: string, dimensionsMap: Record<string, string> = {}) =>
      new Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { service: 'dangol', ...dimensionsMap },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const graph = (title: string, left: Metric[]) => new GraphWidget({ title, left, width: 12, height: 6 });
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# dangol\nBusiness metrics (EMF) and queues. Alarms and what to do: docs/operations.md#runbook',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Purchases', [metric('PurchasesApplied'), metric('PurchasesDuplicate'), metric('PurchasesRejected')]),
      graph('Tier changes and notices', [metric('TierChanges', { cause: 'review' }), metric('TierNotices')]),
    );
    const channels = ['email', 'sms', 'post'];
    this.dashboard.addWidgets(
      graph(
        'Touchpoints sent by channel',
        channels.map((channel) => metric('TouchpointsSent', { channel })),
      ),
      graph(
        'Touchpoints skipped, failed, deferred, held',
        channels.flatMap((channel) =>
          ['TouchpointsSkipped', 'TouchpointsFailed', 'TouchpointsDeferred', 'TouchpointsHeld'].map((name) =>
            metric(name, { channel }),
          ),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'SES events',
        ['Send', 'Delivery', 'Open', 'Click', 'Bounce', 'Complaint'].map((eventType) =>
          metric('SesEvents', { eventType }),
        ),
      ),
      graph(
        'Audience pages',
        ['date', 'population', 'due'].map((source) => metric('AudiencePages', { source })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Oldest message per queue (s)',
        [...props.queues.values()].map(({ queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
        ),
      ),
      graph(
        'Dead-letter queues (messages)',
        [...props.queues.values()].map(({ dlq }) =>
          dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        ),
      ),
    );
  }
}
