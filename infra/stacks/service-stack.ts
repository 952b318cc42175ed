// Everything that runs: one function per handler, the HTTP API, queues with DLQs and alarms, event rules,
// schedules, the SES configuration set and the SNS topics — all built from infra/topology.ts.
import { type CfnElement, CfnOutput, Duration, Lazy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, ManagedPolicy, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EVENT_SOURCE } from '../../schema/event-source.ts';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule, Schedule, type EventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AdminAuth } from '../constructs/admin-auth.ts';
import { HandlerFunction } from '../constructs/handler-function.ts';
import { Messaging } from '../constructs/messaging.ts';
import { QueueWithDlq } from '../constructs/queue-with-dlq.ts';
import { MailAccount, SmsAccount } from '../constructs/sms-account.ts';
import { OpsAlarms, runbook } from '../constructs/ops-alarms.ts';
import { OpsDashboard } from '../constructs/ops-dashboard.ts';
import { grantCapabilities } from '../constructs/capability-grants.ts';
import { WEBHOOK_MAX_RECEIVES, WebhookRouting } from '../constructs/webhook-routing.ts';
import { topology } from '../topology.ts';
import type { DeployConfig } from '../config.ts';
import { dlqVariable, environmentFor, queueVariable, type QueueName } from '../../functions/shared/capabilities.ts';

export interface ServiceStackProps extends StackProps {
  readonly table: Table;
  readonly tableKey: IKey;
  readonly bus: EventBus;
  /** The deployment's settings (infra/config.ts). */
  readonly config: DeployConfig;
}

export class ServiceStack extends Stack {
  readonly api: HttpApi;
  readonly functions = new Map<string, HandlerFunction>();
  /** Cognito: the admin API's authorizer, and the console's Hosted UI domain and client. */
  readonly adminAuth: AdminAuth;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);

    const messaging = new Messaging(this, 'Messaging', {
      domain: props.config.mail.domain,
      ...(props.config.mail.hostedZone && { hostedZone: props.config.mail.hostedZone }),
    });
    const { key: messagingKey, sesEvents, fulfilment, configurationSet } = messaging;

    const tokenSecret = new Secret(this, 'LinkSigningSecret', {
      description: 'dangol: HMAC key that signs confirmation and unsubscribe links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key signs links already in members\u2019 mailboxes (valid up to 7 days, unsubscribe links for longer); rotating it would break them. Rotate by hand with a grace period if it leaks.',
    });

    // Keys of the contact hash (HMAC): `{"current": …}`, and `"previous"` during a rotation (docs/operations.md).
    const contactHashKeys = new Secret(this, 'ContactHashKeys', {
      description: 'dangol: HMAC keys of the contact hashes (prospects, suppression, per-contact limits)',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    Validations.of(contactHashKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Items are keyed by these hashes; rotation is a planned operation (new current, old as previous, re-key), not a scheduled Lambda.',
    });

    const adminAuth = new AdminAuth(this, 'AdminAuth', {
      firstMarketingEmail: props.config.admin.firstMarketingEmail,
      console: props.config.console,
    });
    this.adminAuth = adminAuth;

    this.api = new HttpApi(this, 'HttpApi', { description: 'dangol public and admin API', createDefaultStage: true });
    const { config } = props;

    const queues = new Map<string, QueueWithDlq>();
    for (const spec of topology.queues) {
      queues.set(spec.name, new QueueWithDlq(this, `${pascal(spec.name)}Queue`, { spec, key: messagingKey }));
    }

    // Webhooks out: what every subscriber's route shares; the routes themselves are built at run time.
    const webhooks = new WebhookRouting(this, 'Webhooks', {
      prefix: `dangol-${config.stage}-`,
      key: messagingKey,
      busName: `loyalty-${config.stage}`,
    });
    let signerArn = '';

    // Every value a capability can bring; each function gets only those of its own capabilities.
    const senders = (consumer: string) =>
      topology.queues.find((queue) => queue.consumer === consumer)?.maxConcurrency ?? 1;
    const values: Record<string, string> = {
      TABLE_NAME: props.table.tableName,
      EVENT_BUS_NAME: props.bus.eventBusName,
      MAIL_FROM: config.mail.from,
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      PUBLIC_BASE_URL: config.publicBaseUrl ?? this.api.apiEndpoint,
      SMS_SENDER_NAME: config.sms.senderName,
      SMS_OPT_OUT_NUMBER: config.sms.optOutNumber,
      FULFILMENT_TOPIC_ARN: fulfilment.topicArn,
      TOKEN_SECRET_ARN: tokenSecret.secretArn,
      CONTACT_HASH_SECRET_ARN: contactHashKeys.secretArn,
      PROGRAMME_CURRENCY: config.programme.currency,
      PROGRAMME_TIME_ZONE: config.programme.timeZone,
      WAVE_INTERVAL_SECONDS: '60',
      SENDING_HOLD_SECONDS: '900',
      PHONE_COUNTRIES: config.sms.allowedCountries.join(','),
      WEBHOOK_ROUTING: Lazy.string({
        produce: () =>
          this.toJsonString({
            kind: 'aws',
            prefix: webhooks.prefix,
            busName: webhooks.busName,
            pipeRoleArn: webhooks.pipeRole.roleArn,
            signerArn,
            deadLetterArn: webhooks.deadLetters.queueArn,
            maxReceiveCount: WEBHOOK_MAX_RECEIVES,
          }),
      }),
    };
    for (const [name, { queue, dlq }] of queues) {
      values[queueVariable(name as QueueName)] = queue.queueUrl;
      values[dlqVariable(name as QueueName)] = dlq.queueUrl;
    }
    const valuesFor = (handler: string): Record<string, string> => {
      // The sender's instances share the account's SES rate.
      const rate =
        handler === 'send-email'
          ? config.mail.maxSendRate / senders('send-email')
          : config.sms.maxSendRate / senders('send-message');
      // Each e-mail sender instance may use this share of the account's real SES rate (read at cold start).
      const share = handler === 'send-email' ? 1 / senders('send-email') : 1;
      return { ...values, MAX_SEND_RATE: String(rate), SEND_RATE_SHARE: String(share) };
    };

    const metricsNamespace = `dangol/${config.stage}`;
    for (const spec of topology.handlers) {
      const environment = {
        ...environmentFor(spec.name, spec.capabilities, valuesFor(spec.name)),
        // Business metrics (EMF) of this stage, apart from another stage's in the same account.
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      };
      const handler = new HandlerFunction(this, `${pascal(spec.name)}Handler`, { spec, environment });
      grantCapabilities(
        handler,
        spec.capabilities,
        {
          table: props.table,
          tableKey: props.tableKey,
          bus: props.bus,
          queues,
          tokenSecret,
          contactHashKeys,
          messaging,
        },
        spec.writes,
      );
      this.functions.set(spec.name, handler);
      if (spec.name === 'sign-webhook') {
        signerArn = handler.fn.functionArn;
        webhooks.allowSigner(handler.fn);
      }
      if (spec.capabilities.includes('webhooks')) webhooks.grantBuilder(handler.fn);
    }

    // Partner systems sign with SigV4 (IAM); the managed policy below is what a shop's IAM user or role is given.
    const partnerAuthorizer = new HttpIamAuthorizer();
    const partnerRoutes: string[] = [];
    for (const route of topology.routes) {
      const fn = this.functions.get(route.handler)?.fn;
      if (!fn) throw new Error(`route ${route.method} ${route.path} names unknown handler ${route.handler}`);
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.handler)}${route.method}Integration`, fn),
        ...(route.auth === 'admin' && { authorizer: adminAuth.authorizer }),
        ...(route.auth === 'partner' && { authorizer: partnerAuthorizer }),
      });
      if (route.auth === 'partner')
        // The API's only stage, this method, the path with each parameter as `*` (a member id, a code).
        partnerRoutes.push(
          this.formatArn({
            service: 'execute-api',
            resource: this.api.apiId,
            resourceName: `$default/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
          }),
        );
    }
    const partnerPolicy = new ManagedPolicy(this, 'PartnerAccess', {
      description: 'Lets a partner system (shop, POS, app) call the /partner routes of the API with SigV4',
      statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: partnerRoutes })],
    });
    // A path parameter (the member id) is a `*` of one path segment: the finding names each such route.
    const apiLogicalId = this.getLogicalId(this.api.node.defaultChild as CfnElement);
    // cdk-nag names the partition as the stack resolves it: a literal when the region is known, else the token.
    const partition = Token.isUnresolved(this.partition) ? '<AWS::Partition>' : this.partition;
    for (const route of topology.routes.filter(
      (candidate) => candidate.auth === 'partner' && candidate.path.includes('{'),
    ))
      Validations.of(partnerPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:execute-api:${this.region}:<AWS::AccountId>:<${apiLogicalId}>/$default/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}]`,
        reason: 'The * is the path parameter of one partner route (a member id), on this API and stage only.',
      });
    new CfnOutput(this, 'PartnerPolicyArn', {
      value: partnerPolicy.managedPolicyArn,
      description: 'Attach to the IAM user or role a partner signs /partner requests with',
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: 200, throttlingBurstLimit: 400 };
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Public routes (enrollment form, confirmation and unsubscribe links) must work without login; /admin/* routes get the JWT authorizer, /partner/* the IAM authorizer.',
    });

    for (const spec of topology.queues) {
      const { queue } = queues.get(spec.name) ?? {};
      const consumer = this.functions.get(spec.consumer)?.fn;
      if (!queue || !consumer) throw new Error(`queue ${spec.name} names unknown consumer ${spec.consumer}`);
      consumer.addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.batchSize,
          reportBatchItemFailures: true,
          ...(spec.maxConcurrency && { maxConcurrency: spec.maxConcurrency }),
        }),
      );
      if (spec.subscribesTo === 'ses-events') {
        // The subscription and the queue's policy by hand: CDK's SqsSubscription would also give SNS the messaging
        // key with no condition, where the key's own policy already allows SNS for this account's topics only.
        new Subscription(this, `${pascal(spec.name)}Subscription`, {
          topic: sesEvents,
          protocol: SubscriptionProtocol.SQS,
          endpoint: queue.queueArn,
          rawMessageDelivery: true,
        });
        queue.addToResourcePolicy(
          new PolicyStatement({
            principals: [new ServicePrincipal('sns.amazonaws.com')],
            actions: ['sqs:SendMessage'],
            resources: [queue.queueArn],
            conditions: { ArnEquals: { 'aws:SourceArn': sesEvents.topicArn } },
          }),
        );
      }
    }

    // An event the bus could not deliver to its queue (the queue's key or policy refused it) rests here, alarmed.
    const deadLetterQueue = (id: string, retentionPeriod?: Duration) => {
      const dlq = new Queue(this, id, {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: messagingKey,
        enforceSSL: true,
        ...(retentionPeriod && { retentionPeriod }),
      });
      Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
      return dlq;
    };
    const ruleDlq = deadLetterQueue('RuleDeliveryDlq', Duration.days(14));
    new Alarm(this, 'RuleDeliveryDlqAlarm', {
      alarmDescription: `dangol: events the bus could not deliver to their queue need a look. ${runbook('alarm-dead-letter-queue')}`,
      metric: ruleDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const spec of topology.eventRules) {
      const queue = queues.get(spec.targetQueue)?.queue;
      if (!queue) throw new Error(`rule ${spec.name} targets unknown queue ${spec.targetQueue}`);
      const rule = new Rule(this, `${pascal(spec.name)}Rule`, {
        description: spec.description,
        eventBus: props.bus,
        eventPattern: {
          detailType: [...spec.detailTypes],
          source: 'only' in spec.sources ? [...spec.sources.only] : Match.anythingBut(...spec.sources.except),
        },
        targets: [new SqsQueue(queue, { deadLetterQueue: ruleDlq, retryAttempts: 8 })],
      });
      // EventBridge may deliver to this queue only for its own rule (confused deputy), whatever else allows it.
      queue.addToResourcePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          principals: [new ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnNotEquals: { 'aws:SourceArn': rule.ruleArn } },
        }),
      );
    }

    const scheduleDlq = deadLetterQueue('ScheduleDlq');
    for (const spec of topology.schedules) {
      const fn = this.functions.get(spec.handler)?.fn;
      if (!fn) throw new Error(`schedule ${spec.name} names unknown handler ${spec.handler}`);
      new Rule(this, `${pascal(spec.name)}Schedule`, {
        description: spec.description,
        schedule: Schedule.cron(spec.cron),
        targets: [new LambdaFunction(fn, { retryAttempts: 2, deadLetterQueue: scheduleDlq })],
      });
    }

    const queueOf = (name: string) => {
      const found = queues.get(name)?.queue;
      if (!found) throw new Error(`no queue ${name}`);
      return found;
    };
    new OpsDashboard(this, 'OpsDashboard', {
      namespace: metricsNamespace,
      queues: new Map([...queues].map(([name, { queue, dlq }]) => [name, { queue, dlq }])),
    });
    new OpsAlarms(this, 'OpsAlarms', {
      functions: new Map([...this.functions].map(([name, handler]) => [name, handler.fn])),
      purchasesQueue: queueOf('purchases'),
      tierReviewQueue: queueOf('tier-review'),
      scheduleDlq,
    });

    new MailAccount(this, 'MailAccount');
    new SmsAccount(this, 'SmsAccount', {
      monthlySpendLimitUsd: config.sms.monthlySpendLimitUsd,
      senderName: config.sms.senderName,
    });

    // Every alarm of the stack reaches a person: the ops topic mails the addresses of the deployment's config.
    const opsAlarms = new Topic(this, 'OpsAlarmsTopic', { masterKey: messagingKey, enforceSSL: true });
    for (const address of config.ops.alarmEmails) opsAlarms.addSubscription(new EmailSubscription(address));
    for (const construct of this.node.findAll()) {
      if (construct instanceof Alarm) construct.addAlarmAction(new SnsAction(opsAlarms));
    }

    // What a sales channel's role needs to put purchases on the bus, and no more: never as dangol, never another
    // event type, so no producer can forge `Member Email Confirmed` or any event of dangol's.
    const producer = new ManagedPolicy(this, 'SalesChannelProducerPolicy', {
      description: 'dangol: lets a sales channel put Purchase Completed / Purchase Refunded on the loyalty bus',
      statements: [
        new PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [props.bus.eventBusArn],
          conditions: {
            StringEquals: { 'events:detail-type': ['Purchase Completed', 'Purchase Refunded'] },
            StringNotEquals: { 'events:source': EVENT_SOURCE },
          },
        }),
      ],
    });
    new CfnOutput(this, 'SalesChannelProducerPolicyArn', { value: producer.managedPolicyArn });
    // Each queue and its dead-letter queue, for `npm run redrive` (the deploy writes them to its outputs file).
    for (const [name, { queue, dlq }] of queues) {
      new CfnOutput(this, `${pascal(name)}QueueArn`, { value: queue.queueArn });
      new CfnOutput(this, `${pascal(name)}DlqArn`, { value: dlq.queueArn });
    }
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'JoinFormUrl', { value: `${this.api.apiEndpoint}/join` });
    new CfnOutput(this, 'FulfilmentTopicArn', { value: fulfilment.topicArn });
    new CfnOutput(this, 'AdminUserPoolId', { value: adminAuth.pool.userPoolId });
    new CfnOutput(this, 'AdminClientId', { value: adminAuth.client.userPoolClientId });
  }
}

export function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}
