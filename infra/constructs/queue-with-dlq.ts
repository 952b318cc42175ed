// A topology queue as it runs in AWS: KMS-encrypted, TLS only, its dead-letter queue after maxReceiveCount receives
// (kept 14 days), and an alarm as soon as anything rests there.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../topology.ts';
import { runbook } from './ops-alarms.ts';

export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: { spec: QueueSpec; key: IKey }) {
    super(scope, id);
    const { spec, key } = props;
    ({ queue: this.dlq, alarm: this.alarm } = watchedDeadLetterQueue(this, 'Dlq', {
      key,
      what: `messages in the ${spec.name} dead-letter queue need a look`,
    }));
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: spec.maxReceiveCount },
    });
  }
}

/**
 * A dead-letter queue as every one of the stack's: KMS-encrypted, TLS only, kept 14 days, and an alarm (to the ops
 * addresses) as soon as anything rests there. `what` begins the alarm's description.
 */
export function watchedDeadLetterQueue(
  scope: Construct,
  id: string,
  props: { key: IKey; what: string },
): { queue: Queue; alarm: Alarm } {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
  const alarm = new Alarm(scope, `${id}Alarm`, {
    alarmDescription: `dangol: ${props.what}. ${runbook('alarm-dead-letter-queue')}`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
}
