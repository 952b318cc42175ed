// What messages travel through: the key of queues and topics (usable by SES, EventBridge and SNS), the SES domain
// identity (Easy DKIM, custom MAIL FROM), the configuration set whose events go to an SNS topic (bounces and
// complaints suppressed), and the fulfilment topic that carries post.
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { HostedZone, MxRecord, TxtRecord } from 'aws-cdk-lib/aws-route53';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface MessagingProps {
  /** The mail domain SES verifies (Easy DKIM) and sends from. */
  readonly domain: string;
  /** Its Route 53 hosted zone, when the stack should create the DNS records itself. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
}

/** The subdomain of the mail domain that SES uses as MAIL FROM (bounces come back there; SPF aligns). */
export const MAIL_FROM_SUBDOMAIN = 'bounce';

export class Messaging extends Construct {
  readonly key: Key;
  readonly sesEvents: Topic;
  readonly fulfilment: Topic;
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;

  constructor(scope: Construct, id: string, props: MessagingProps) {
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
      // An address that bounced or complained is never mailed again, whatever a campaign says.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const mailFrom = `${MAIL_FROM_SUBDOMAIN}.${props.domain}`;
    const zone = props.hostedZone
      ? HostedZone.fromHostedZoneAttributes(this, 'MailZone', {
          hostedZoneId: props.hostedZone.id,
          zoneName: props.hostedZone.name,
        })
      : undefined;
    this.identity = new EmailIdentity(this, 'MailIdentity', {
      // With the hosted zone, CDK writes the DKIM CNAMEs there; without it, they are printed below.
      identity: zone ? Identity.publicHostedZone(zone) : Identity.domain(props.domain),
      dkimSigning: true,
      mailFromDomain: mailFrom,
      configurationSet: this.configurationSet,
    });
    const mx = `10 feedback-smtp.${region}.amazonses.com`;
    const spf = 'v=spf1 include:amazonses.com ~all';
    const dmarc = `v=DMARC1; p=none; rua=mailto:dmarc-reports@${props.domain}`;
    if (zone) {
      new MxRecord(this, 'MailFromMx', {
        zone,
        recordName: mailFrom,
        values: [{ priority: 10, hostName: `feedback-smtp.${region}.amazonses.com` }],
      });
      new TxtRecord(this, 'MailFromSpf', { zone, recordName: mailFrom, values: [spf] });
    }
    // The DNS records to create (or, with a hosted zone, that were created): printed after deploy.
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimCname${index + 1}`, {
        description: 'SES Easy DKIM: CNAME name -> value',
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, 'MailFromMxRecord', { description: 'MAIL FROM: MX', value: `${mailFrom} MX ${mx}` });
    new CfnOutput(this, 'MailFromTxtRecord', { description: 'MAIL FROM: SPF', value: `${mailFrom} TXT "${spf}"` });
    new CfnOutput(this, 'DmarcSuggestion', {
      description: 'A DMARC record to start with (monitor, then tighten to quarantine)',
      value: `_dmarc.${props.domain} TXT "${dmarc}"`,
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
