// Everything that runs: one function per handler, the HTTP API, queues with DLQs and alarms, event rules,
// schedules, the SES configuration set and the SNS topics — all built from infra/topology.ts.
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule, type EventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EventDestination, EmailSendingEvent } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HandlerFunction } from '../constructs/handler-function.ts';
import { topology } from '../topology.ts';
import type { DeployConfig } from '../config.ts';
import {
  dlqVariable,
  environmentFor,
  queueVariable,
  type Capability,
  type QueueName,
} from '../../functions/shared/capabilities.ts';

/** SMS per second the SMS sender may publish (SNS's default account limit is 20 per second). */
const SMS_SEND_RATE = 20;
import { tableDesign } from '../table-design.ts';

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

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);

    const messagingKey = new Key(this, 'MessagingKey', {
      description: 'dangol: encrypts queues and topics',
      enableKeyRotation: true,
    });
    for (const service of ['ses.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com']) {
      messagingKey.addToResourcePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
    }

    const tokenSecret = new Secret(this, 'LinkSigningSecret', {
      description: 'dangol: HMAC key that signs confirmation and unsubscribe links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key signs links already in members\u2019 mailboxes (valid up to 7 days, unsubscribe links for longer); rotating it would break them. Rotate by hand with a grace period if it leaks.',
    });

    const sesEvents = new Topic(this, 'SesEventsTopic', { masterKey: messagingKey, enforceSSL: true });
    const fulfilment = new Topic(this, 'FulfilmentTopic', { masterKey: messagingKey, enforceSSL: true });
    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    configurationSet.addEventDestination('ToSns', {
      destination: EventDestination.snsTopic(sesEvents),
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

    // Marketing staff and viewers sign in to the admin API through Cognito; groups decide what they may do.
    const adminPool = new UserPool(this, 'AdminUserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of ['marketing', 'viewer'])
      new CfnUserPoolGroup(this, `AdminGroup${pascal(group)}`, { userPoolId: adminPool.userPoolId, groupName: group });
    const adminClient = adminPool.addClient('AdminClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
    });
    const adminAuthorizer = new HttpJwtAuthorizer(
      'AdminJwt',
      `https://cognito-idp.${this.region}.amazonaws.com/${adminPool.userPoolId}`,
      {
        jwtAudience: [adminClient.userPoolClientId],
      },
    );

    this.api = new HttpApi(this, 'HttpApi', { description: 'dangol public and admin API', createDefaultStage: true });
    const { config } = props;

    const queues = new Map<string, { queue: Queue; dlq: Queue }>();
    for (const spec of topology.queues) {
      const dlq = new Queue(this, `${pascal(spec.name)}Dlq`, {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: messagingKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
      new Alarm(this, `${pascal(spec.name)}DlqAlarm`, {
        alarmDescription: `dangol: messages in the ${spec.name} dead-letter queue need a look`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const queue = new Queue(this, `${pascal(spec.name)}Queue`, {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: messagingKey,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      queues.set(spec.name, { queue, dlq });
    }

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
      PROGRAMME_CURRENCY: config.programme.currency,
      PROGRAMME_TIME_ZONE: config.programme.timeZone,
      WAVE_INTERVAL_SECONDS: '60',
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
          : SMS_SEND_RATE / senders('send-message');
      return { ...values, MAX_SEND_RATE: String(rate) };
    };

    for (const spec of topology.handlers) {
      const environment = environmentFor(spec.name, spec.capabilities, valuesFor(spec.name));
      const handler = new HandlerFunction(this, `${pascal(spec.name)}Handler`, { spec, environment });
      const fn = handler.fn;
      const has = (capability: Capability) => spec.capabilities.includes(capability);
      if (has('tableWrite')) grantTableAccess(fn, props.table, props.tableKey, 'write');
      else if (has('tableRead')) grantTableAccess(fn, props.table, props.tableKey, 'read');
      for (const capability of spec.capabilities) {
        if (capability.startsWith('queue:')) queues.get(capability.slice(6))?.queue.grantSendMessages(fn);
        if (capability.startsWith('dlq:')) queues.get(capability.slice(4))?.dlq.grantSendMessages(fn);
      }
      if (spec.capabilities.includes('bus')) props.bus.grantPutEventsTo(fn);
      if (spec.capabilities.includes('tokens')) tokenSecret.grantRead(fn);
      if (spec.capabilities.includes('fulfilment')) fulfilment.grantPublish(fn);
      if (spec.capabilities.includes('mail')) {
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['ses:SendEmail', 'ses:SendBulkEmail', 'ses:CreateEmailTemplate', 'ses:GetEmailTemplate'],
            resources: [
              `arn:${this.partition}:ses:${this.region}:${this.account}:identity/*`,
              `arn:${this.partition}:ses:${this.region}:${this.account}:configuration-set/${configurationSet.configurationSetName}`,
              `arn:${this.partition}:ses:${this.region}:${this.account}:template/*`,
            ],
          }),
        );
      }
      if (spec.capabilities.includes('sms')) {
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${this.partition}:sns:*:*:*`] }),
        );
      }
      acknowledgeHandlerFindings(handler, this);
      this.functions.set(spec.name, handler);
    }

    for (const route of topology.routes) {
      const fn = this.functions.get(route.handler)?.fn;
      if (!fn) throw new Error(`route ${route.method} ${route.path} names unknown handler ${route.handler}`);
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.handler)}${route.method}Integration`, fn),
        ...(route.auth === 'admin' && { authorizer: adminAuthorizer }),
      });
    }
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
        'Public routes (enrollment form, confirmation and unsubscribe links) must work without login; /admin/* routes get the JWT authorizer.',
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
      if (spec.subscribesTo === 'ses-events')
        sesEvents.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true }));
    }

    for (const spec of topology.eventRules) {
      const queue = queues.get(spec.targetQueue)?.queue;
      if (!queue) throw new Error(`rule ${spec.name} targets unknown queue ${spec.targetQueue}`);
      new Rule(this, `${pascal(spec.name)}Rule`, {
        description: spec.description,
        eventBus: props.bus,
        eventPattern: { detailType: [...spec.detailTypes] },
        targets: [new SqsQueue(queue)],
      });
    }

    if (topology.schedules.length > 0) {
      const scheduleDlq = new Queue(this, 'ScheduleDlq', {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: messagingKey,
        enforceSSL: true,
      });
      Validations.of(scheduleDlq).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue.',
      });
      for (const spec of topology.schedules) {
        const fn = this.functions.get(spec.handler)?.fn;
        if (!fn) throw new Error(`schedule ${spec.name} names unknown handler ${spec.handler}`);
        new Rule(this, `${pascal(spec.name)}Schedule`, {
          description: spec.description,
          schedule: Schedule.cron(spec.cron),
          targets: [new LambdaFunction(fn, { retryAttempts: 2, deadLetterQueue: scheduleDlq })],
        });
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'JoinFormUrl', { value: `${this.api.apiEndpoint}/join` });
    new CfnOutput(this, 'FulfilmentTopicArn', { value: fulfilment.topicArn });
    new CfnOutput(this, 'AdminUserPoolId', { value: adminPool.userPoolId });
    new CfnOutput(this, 'AdminClientId', { value: adminClient.userPoolClientId });
  }
}

export function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

/** The cdk-nag findings every handler role raises, each accepted with its reason. */
function acknowledgeHandlerFindings(handler: HandlerFunction, stack: Stack): void {
  // cdk-nag names findings by the resolved ARN text, with CloudFormation pseudo parameters spelled out.
  const partition = stack.partition === 'aws' ? 'aws' : '<AWS::Partition>';
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const findings: [string, string][] = [
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the function write to its own CloudWatch log streams.',
    ],
    [
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.',
    ],
    [
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Grant on the table key only: the data-key actions DynamoDB needs for a customer-managed key.',
    ],
    ['AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'Grant on the table key only.'],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:ses:${region}:<AWS::AccountId>:identity/*]`,
      'The sending identity (domain or address) is chosen at deploy time by the operator; SES checks it is verified.',
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:${partition}:ses:${region}:<AWS::AccountId>:template/*]`,
      'Bulk mail uses SES templates that the sending code creates per calendar entry at run time.',
    ],
  ];
  for (const [id, reason] of findings) Validations.of(handler).acknowledge({ id, reason });
}

export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:DescribeTable',
];
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** Item-level access to the table and each of its indexes by name (no `index/*` wildcard), plus its key. */
function grantTableAccess(fn: NodejsFunction, table: Table, key: IKey, access: 'read' | 'write'): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: access === 'write' ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : TABLE_READ_ACTIONS,
      resources: [table.tableArn, ...tableDesign.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
    }),
  );
  if (access === 'write') key.grantEncryptDecrypt(fn);
  else key.grantDecrypt(fn);
}
