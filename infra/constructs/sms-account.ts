// The account's SMS and mail settings, set by the stack: SNS's monthly spend limit from the deployment's config (SNS stops
// sending SMS past it), the default sender and type, and an alarm when the month's spend reaches 80 % of the limit.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { runbook } from './ops-alarms.ts';

export interface SmsAccountProps {
  readonly monthlySpendLimitUsd: number;
  readonly senderName: string;
}

/** The share of the monthly limit at which the alarm fires. */
export const SMS_SPEND_ALARM_SHARE = 0.8;

export class SmsAccount extends Construct {
  readonly spendAlarm: Alarm;

  constructor(scope: Construct, id: string, props: SmsAccountProps) {
    super(scope, id);
    const attributes = {
      MonthlySpendLimit: String(props.monthlySpendLimitUsd),
      DefaultSenderID: props.senderName.replace(/[^A-Za-z0-9]/g, '').slice(0, 11) || 'dangol',
      // Tier notices and verification links are transactional; advertising SMS set Promotional per message.
      DefaultSMSType: 'Transactional',
    };
    accountSetting(this, 'SetSmsAttributes', {
      service: 'SNS',
      action: 'setSMSAttributes',
      parameters: { attributes },
      iamAction: 'sns:SetSMSAttributes',
    });
    // The provider function CDK adds once per stack for AwsCustomResource (its id is CDK's fixed one).
    const provider = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The custom-resource provider only writes its own CloudWatch logs with it.',
      });
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'CDK pins the custom-resource provider’s runtime; it runs only at deploy time, on no member data.',
      });
    }
    this.spendAlarm = new Alarm(this, 'SpendAlarm', {
      alarmDescription: `dangol: SMS spend this month reached ${SMS_SPEND_ALARM_SHARE * 100} % of the ${props.monthlySpendLimitUsd} USD limit (SNS stops sending SMS at the limit). ${runbook('alarm-sms-spend')}`,
      metric: new Metric({
        namespace: 'AWS/SNS',
        metricName: 'SMSMonthToDateSpentUSD',
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold: props.monthlySpendLimitUsd * SMS_SPEND_ALARM_SHARE,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

/** The account-level SES suppression list, on for bounces and complaints (every configuration set inherits it). */
export class MailAccount extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    accountSetting(this, 'AccountSuppression', {
      service: 'SESV2',
      action: 'putAccountSuppressionAttributes',
      parameters: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      iamAction: 'ses:PutAccountSuppressionAttributes',
    });
  }
}

/**
 * One account-wide setting made by an SDK call at deploy (create and update). Such actions have no resource-level
 * permissions: `*` is the only resource IAM accepts, acknowledged on this resource alone.
 */
function accountSetting(
  scope: Construct,
  id: string,
  setting: { service: string; action: string; parameters: Record<string, unknown>; iamAction: string },
): AwsCustomResource {
  const call = {
    service: setting.service,
    action: setting.action,
    parameters: setting.parameters,
    physicalResourceId: PhysicalResourceId.of(`${setting.action}-${Stack.of(scope).stackName}`),
  };
  const resource = new AwsCustomResource(scope, id, {
    onCreate: call,
    onUpdate: call,
    installLatestAwsSdk: false,
    policy: AwsCustomResourcePolicy.fromStatements([
      new PolicyStatement({ actions: [setting.iamAction], resources: ['*'] }),
    ]),
  });
  Validations.of(resource).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${setting.iamAction} is account-wide and has no resource-level permissions.`,
  });
  return resource;
}
