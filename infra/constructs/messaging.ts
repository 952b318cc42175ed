// What messages travel through: the key of queues and topics (usable by SES, EventBridge and SNS), the SES
// configuration set whose events go to an SNS topic, and the fulfilment topic that carries post.
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export class Messaging extends Construct {
  readonly key: Key;
  readonly sesEvents: Topic;
  readonly fulfilment: Topic;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'MessagingKey', {
      description: 'dangol: encrypts queues and topics',
      enableKeyRotation: true,
    });
    // The services that put messages on the encrypted queues and topics, each only for this account's own
    // resources (confused deputy): SES from its configuration sets, EventBridge from its rules, SNS from its topics,
    // CloudWatch from its alarms (the ops topic).
    const { account, region, partition } = Stack.of(this);
    const sources: [string, string][] = [
      ['ses.amazonaws.com', `arn:${partition}:ses:${region}:${account}:configuration-set/*`],
      ['events.amazonaws.com', `arn:${partition}:events:${region}:${account}:rule/*`],
      ['sns.amazonaws.com', `arn:${partition}:sns:${region}:${account}:*`],
      ['cloudwatch.amazonaws.com', `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`],
    ];
    for (const [service, sourceArn] of sources) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': sourceArn },
          },
        }),
      );
    }
    this.sesEvents = new Topic(this, 'SesEventsTopic', { masterKey: this.key, enforceSSL: true });
    this.fulfilment = new Topic(this, 'FulfilmentTopic', { masterKey: this.key, enforceSSL: true });
    this.configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSet.addEventDestination('ToSns', {
      destination: EventDestination.snsTopic(this.sesEvents),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.OPEN,
        EmailSendingEvent.CLICK,
        EmailSendingEvent.RENDERING_FAILURE,
        EmailSendingEvent.DELIVERY_DELAY,
      ],
    });
  }
}
