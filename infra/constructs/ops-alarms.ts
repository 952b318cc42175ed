// The alarms that reach a person (the ops topic mails the config's addresses): each names the runbook section that
// says what it means, how to look and how to fix it (docs/operations.md).
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** `Runbook: docs/operations.md#<anchor>` — the anchors are headings of the runbook, checked by tests/infra. */
export const runbook = (anchor: string) => `Runbook: docs/operations.md#${anchor}`;

export interface OpsAlarmsProps {
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly purchasesQueue: IQueue;
  readonly tierReviewQueue: IQueue;
  readonly scheduleDlq: IQueue;
}

export class OpsAlarms extends Construct {
  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    const alarm = (name: string, description: string, anchor: string, metric: Metric, threshold: number) =>
      new Alarm(this, name, {
        alarmDescription: `dangol: ${description}. ${runbook(anchor)}`,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    for (const [name, fn] of props.functions) {
      alarm(`${pascal(name)}Errors`, `${name} failed`, 'alarm-function-errors', fn.metricErrors(fiveMinutes), 1);
      alarm(
        `${pascal(name)}Throttles`,
        `${name} was throttled`,
        'alarm-function-throttles',
        fn.metricThrottles(fiveMinutes),
        1,
      );
    }
    alarm(
      'PurchasesWaiting',
      'the oldest purchase has waited over 10 minutes to be applied',
      'alarm-purchases-waiting',
      props.purchasesQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      600,
    );
    alarm(
      'TierReviewUnfinished',
      'a tier review page has waited over 2 hours: the monthly review has not finished',
      'alarm-tier-review-unfinished',
      props.tierReviewQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(15), statistic: 'Maximum' }),
      7200,
    );
    alarm(
      'ScheduleFailed',
      'a schedule (dispatcher, tier review, RFM, consent renewal) could not run its function',
      'alarm-schedule-failed',
      props.scheduleDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
    );
    // SES reviews an account at a bounce rate of 5 % and a complaint rate of 0.1 %: act well before.
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    alarm(
      'BounceRate',
      'the SES bounce rate reached 2 %',
      'alarm-bounce-rate',
      reputation('Reputation.BounceRate'),
      0.02,
    );
    alarm(
      'ComplaintRate',
      'the SES complaint rate reached 0.05 %',
      'alarm-complaint-rate',
      reputation('Reputation.ComplaintRate'),
      0.0005,
    );
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}
