// The CDK app: cdk-nag clean, stateful resources pinned, built from the same topology as the local stack, lean bundles.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Messaging } from '#infra/constructs/messaging';
import { buildApp } from '#infra/app';
import { tableDesign } from '#infra/table-design';
import { EVENT_BUS_NAME, topology } from '#infra/topology';
import { matchRoute } from '#infra/local/gateway';
import { MAX_BUNDLE_BYTES } from '#infra/bundling';
import { parseDeployConfig, readDeployConfig } from '#infra/config';
import { pascal } from '#infra/stacks/service-stack';
import { variablesOf } from '#shared/capabilities';

const ROOT = join(import.meta.dirname, '..', '..');
const outdir = join(ROOT, '.cache', 'cdk-test-out');

let stateful: Template;
let service: Template;
let edge: Template;
let statefulStack: Stack;
let serviceStack: Stack;
let edgeStack: Stack;

beforeAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  process.env['TMPDIR'] = join(ROOT, '.cache');
  const config = readDeployConfig(join(ROOT, 'dangol.config.example.json'));
  const built = buildApp(new App({ outdir }), config);
  const { app } = built;
  statefulStack = built.stateful;
  serviceStack = built.service;
  edgeStack = built.edge;
  // Synth runs cdk-nag: any unacknowledged AwsSolutions finding throws here.
  app.synth();
  stateful = Template.fromStack(statefulStack);
  service = Template.fromStack(serviceStack);
  edge = Template.fromStack(edgeStack);
});

describe('mail identity with a hosted zone', () => {
  it('creates the DKIM CNAMEs and the MAIL FROM MX and SPF records in the zone', () => {
    const stack = new Stack(new App({ outdir: join(ROOT, '.cache', 'cdk-zone-out') }), 'Zone', {
      env: { account: '111111111111', region: 'ap-northeast-2' },
    });
    new Messaging(stack, 'Messaging', {
      domain: 'mail.brand.example',
      hostedZone: { id: 'Z0123456789ABC', name: 'brand.example' },
    });
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'CNAME' }, 3);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Type: 'MX',
      Name: 'bounce.mail.brand.example.',
      ResourceRecords: ['10 feedback-smtp.ap-northeast-2.amazonses.com'],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Type: 'TXT',
      Name: 'bounce.mail.brand.example.',
      ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
    });
  });
});

describe('edge stack', () => {
  it('puts the API behind CloudFront with AWS WAF: a rate-based rule per client IP, IP reputation, common rules', () => {
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RatePerClientIp',
          Action: { Block: {} },
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 300 } },
        }),
        Match.objectLike({
          Name: 'SignInRatePerClientIp',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              AggregateKeyType: 'IP',
              Limit: 20,
              ScopeDownStatement: {
                AndStatement: {
                  Statements: [
                    Match.objectLike({ ByteMatchStatement: Match.objectLike({ SearchString: '/me/sign-in' }) }),
                    Match.objectLike({ ByteMatchStatement: Match.objectLike({ SearchString: 'POST' }) }),
                  ],
                },
              },
            }),
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
          },
        }),
      ]),
    });
    const distribution = Object.values(edge.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: { DistributionConfig: Record<string, any> };
    };
    expect(distribution.Properties.DistributionConfig['WebACLId']).toBeDefined();
    expect(distribution.Properties.DistributionConfig['DefaultCacheBehavior']['ViewerProtocolPolicy']).toBe(
      'redirect-to-https',
    );
    expect(JSON.stringify(distribution.Properties.DistributionConfig['Origins'])).toContain('execute-api');
  });
});

describe('stateful stack', () => {
  // Literal ids, not the stack's constant: renaming one would replace the table (and lose every member).
  it('keeps the logical ids of the table, its key and the bus', () => {
    const resources = stateful.toJSON().Resources;
    stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    expect(resources['LoyaltyTable'].Type).toBe('AWS::DynamoDB::Table');
    expect(resources['DataKey'].Type).toBe('AWS::KMS::Key');
    expect(resources['LoyaltyBus'].Type).toBe('AWS::Events::EventBus');
  });

  it('encrypts the table with a rotating customer key, with PITR, deletion protection, TTL and the designed GSIs', () => {
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const table = stateful.toJSON().Resources['LoyaltyTable'].Properties;
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: { AttributeName: tableDesign.timeToLiveAttribute, Enabled: true },
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    });
    expect(table.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName)).toEqual(
      tableDesign.indexes.map((index) => index.name),
    );
  });

  it('names the bus by the stage (`loyalty-prod`) and no other physical resource; stacks by the stage', () => {
    stateful.hasResourceProperties('AWS::Events::EventBus', { Name: `${EVENT_BUS_NAME}-prod` });
    expect([statefulStack.stackName, serviceStack.stackName, edgeStack.stackName]).toEqual([
      'dangol-prod-stateful',
      'dangol-prod-service',
      'dangol-prod-edge',
    ]);
    expect(stateful.toJSON().Resources['LoyaltyTable'].Properties.TableName).toBeUndefined();
    const physicalNameKeys = [
      'TableName',
      'QueueName',
      'TopicName',
      'FunctionName',
      'RoleName',
      'SecretName',
      'Name',
      'ConfigurationSetName',
      'LogGroupName',
    ];
    // Names CloudFormation requires and that live inside the API, plus the bus that producers address by name.
    const exempt = ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Authorizer', 'AWS::Events::EventBus'];
    for (const template of [stateful, service]) {
      for (const [id, resource] of Object.entries(
        template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
      )) {
        if (exempt.includes(resource.Type)) continue;
        for (const key of physicalNameKeys) {
          expect(typeof resource.Properties?.[key], `${id} (${resource.Type}) hard-codes ${key}`).not.toBe('string');
        }
      }
    }
  });
});

describe('service stack built from the topology', () => {
  it('has one Node 24 ARM function per handler with X-Ray and log retention', () => {
    // The Tracer comes from Powertools' layer of the bundled version, its ARN from AWS's public SSM parameter.
    const parameters = Object.entries(service.toJSON().Parameters ?? {}) as [string, { Default?: string }][];
    const layerParameter = parameters.find(
      ([, parameter]) => parameter.Default === '/aws/service/powertools/typescript/generic/all/2.35.0',
    )?.[0];
    expect(layerParameter).toBeDefined();
    const functions = service.findResources('AWS::Lambda::Function');
    const ours = Object.values(functions).filter((fn) =>
      String((fn as { Properties: { Description?: string } }).Properties.Description ?? '').startsWith('dangol:'),
    );
    expect(ours).toHaveLength(topology.handlers.length);
    for (const fn of ours) {
      expect((fn as { Properties: object }).Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect((fn as { Properties: { Layers?: unknown[] } }).Properties.Layers).toContainEqual({ Ref: layerParameter });
    }
  });

  it('serves exactly the topology routes, and the local gateway serves the same ones', () => {
    const routeKeys = Object.values(service.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual(topology.routes.map((route) => `${route.method} ${route.path}`).sort());
    for (const key of routeKeys) {
      const [method = '', path = ''] = key.split(' ');
      expect(matchRoute(method, path.replace(/\{(\w+)\+?\}/g, 'x')), key).toMatchObject({ spec: { method, path } });
    }
  });

  it('puts the Cognito JWT authorizer on every admin route, IAM on every partner route, and none on a public one', () => {
    const routesByKey = Object.values(service.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as { Properties: Record<string, unknown> }).Properties,
    );
    for (const spec of topology.routes) {
      const route = routesByKey.find((candidate) => candidate['RouteKey'] === `${spec.method} ${spec.path}`);
      expect(route?.['AuthorizationType'] ?? 'NONE', `${spec.method} ${spec.path}`).toBe(
        spec.auth === 'admin' ? 'JWT' : spec.auth === 'partner' ? 'AWS_IAM' : 'NONE',
      );
    }
    // What a partner's IAM user or role is given: invoking the partner routes of this API's stage, nothing else.
    const partnerPolicies = Object.values(service.findResources('AWS::IAM::ManagedPolicy')).filter((policy) =>
      JSON.stringify(policy).includes('execute-api:Invoke'),
    );
    expect(partnerPolicies).toHaveLength(1);
    const statements = (
      partnerPolicies[0] as { Properties: { PolicyDocument: { Statement: { Action: string; Resource: unknown }[] } } }
    ).Properties.PolicyDocument.Statement;
    expect(statements.map((statement) => statement.Action)).toEqual(['execute-api:Invoke']);
    const resources = JSON.stringify(statements[0]?.Resource);
    const partnerPaths = topology.routes.filter((route) => route.auth === 'partner');
    expect(partnerPaths.length).toBeGreaterThan(0);
    for (const route of partnerPaths)
      expect(resources).toContain(`/$default/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`);
    expect(resources).not.toContain('/admin/');
    service.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    service.resourceCountIs('AWS::Cognito::UserPoolGroup', 3);
    // No implicit grant (tokens in URLs): the API's client has no hosted-UI flow; the console's the authorization
    // code only (its PKCE challenge is the console's), no secret, back only to the config's console addresses.
    const clients = Object.values(service.findResources('AWS::Cognito::UserPoolClient')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.Properties['AllowedOAuthFlows'] ?? []).not.toContain('implicit');
      expect(client.Properties['GenerateSecret']).toBe(false);
    }
    const consoleClient = clients.find((client) => client.Properties['AllowedOAuthFlows'] !== undefined);
    expect(consoleClient?.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid'],
      CallbackURLs: ['https://members.brand.example/console/'],
    });
    service.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'brand-dangol-prod' });
  });

  it('serves the console from a private bucket through CloudFront with origin access control, nothing public', () => {
    const edgeTemplate = edge;
    edgeTemplate.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    edgeTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    edgeTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({ PathPattern: '/console/*', ViewerProtocolPolicy: 'redirect-to-https' })],
      }),
    });
    // Only the distribution reads the bucket (the OAC's service principal, conditioned on this distribution).
    const policy = JSON.stringify(edgeTemplate.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).toContain('AWS:SourceArn');
    // The console may talk to its own origin and the Cognito sign-in, nothing else.
    const headers = JSON.stringify(edgeTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(headers).toContain("connect-src 'self' https://brand-dangol-prod.auth.ap-northeast-2.amazoncognito.com");
  });

  it('gives every queue a dead-letter queue with an alarm, and every consumer partial batch failures', () => {
    const queues = Object.values(service.findResources('AWS::SQS::Queue')).map(
      (queue) => (queue as { Properties: Record<string, unknown> }).Properties,
    );
    const withRedrive = queues.filter((queue) => queue['RedrivePolicy']);
    expect(withRedrive).toHaveLength(topology.queues.length);
    for (const spec of topology.queues) {
      expect(
        withRedrive.some(
          (queue) => (queue['RedrivePolicy'] as { maxReceiveCount: number }).maxReceiveCount === spec.maxReceiveCount,
        ),
      ).toBe(true);
    }
    // Every alarm mails the ops addresses and names its runbook section, which exists in docs/operations.md.
    const runbookText = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const alarms = Object.entries(service.findResources('AWS::CloudWatch::Alarm')) as [string, { Properties: any }][];
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toHaveLength(1);
      const anchor = /Runbook: docs\/operations\.md#([\w-]+)/.exec(String(alarm.Properties.AlarmDescription))?.[1];
      expect(anchor, id).toBeDefined();
      expect(runbookText, `${id}: ${anchor}`).toContain(`### ${anchor}\n`);
    }
    // What must be watched: each DLQ, the bus's DLQ, every function's errors and throttles, the purchases' age, an
    // unfinished review, failed schedules, SES bounce and complaint rates, SMS spend.
    const metrics = alarms.map(([, alarm]) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`);
    const count = (metric: string) => metrics.filter((name) => name === metric).length;
    // Each queue's DLQ, the bus's, the rules' and the webhook deliveries' dead-letter queue.
    expect(count('AWS/SQS/ApproximateNumberOfMessagesVisible')).toBe(topology.queues.length + 3);
    expect(count('AWS/Lambda/Errors')).toBe(topology.handlers.length);
    expect(count('AWS/Lambda/Throttles')).toBe(topology.handlers.length);
    expect(count('AWS/SQS/ApproximateAgeOfOldestMessage')).toBe(2);
    for (const metric of [
      'AWS/SES/Reputation.BounceRate',
      'AWS/SES/Reputation.ComplaintRate',
      'AWS/SNS/SMSMonthToDateSpentUSD',
    ])
      expect(count(metric), metric).toBe(1);
    service.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@brand.example' });
    service.resourceCountIs('AWS::Lambda::EventSourceMapping', topology.queues.length);
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    for (const queue of queues) expect(queue['KmsMasterKeyId']).toBeDefined();
  });

  it('shows the business metrics and the queues on one dashboard, in the stage’s namespace', () => {
    const dashboards = Object.values(service.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]);
    for (const metric of [
      'PurchasesApplied',
      'PurchasesRejected',
      'TierChanges',
      'TouchpointsSent',
      'TouchpointsFailed',
      'SesEvents',
      'AudiencePages',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
    ])
      expect(body, metric).toContain(metric);
    expect(body).toContain('dangol/prod');
    const [, fn] = Object.entries(service.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('IngestPurchasesHandlerFunction'),
    ) as [string, { Properties: Record<string, any> }];
    expect(fn.Properties['Environment']['Variables']['POWERTOOLS_METRICS_NAMESPACE']).toBe('dangol/prod');
  });

  it('caps the account’s SMS spend at the config’s monthly limit and alarms at 80 % of it', () => {
    const calls = Object.values(service.findResources('Custom::AWS')).map(
      (resource) => (resource as { Properties: Record<string, any> }).Properties,
    );
    const setSms = calls
      .map((call) => JSON.stringify(call['Create'] ?? ''))
      .find((call) => call.includes('setSMSAttributes'));
    expect(setSms).toBeDefined();
    expect(setSms).toContain('\\"MonthlySpendLimit\\":\\"300\\"');
    expect(setSms).toContain('\\"DefaultSMSType\\":\\"Transactional\\"');
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Threshold: 240,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const enroll = Object.entries(service.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('EnrollMemberHandlerFunction'),
    )?.[1] as { Properties: Record<string, any> };
    expect(enroll.Properties['Environment']['Variables']).toMatchObject({ PHONE_COUNTRIES: 'KR' });
    const example = JSON.parse(readFileSync(join(ROOT, 'dangol.config.example.json'), 'utf8'));
    expect(() =>
      parseDeployConfig({ ...example, mail: { ...example.mail, from: 'Brand <members@other.example>' } }),
    ).toThrow(/mail\.from: The From address must be an address of mail\.domain/);
    delete example.sms.monthlySpendLimitUsd;
    expect(() => parseDeployConfig(example)).toThrow(/sms\.monthlySpendLimitUsd/);
    expect(() =>
      parseDeployConfig({ ...example, sms: { ...example.sms, monthlySpendLimitUsd: 5, allowedCountries: ['Korea'] } }),
    ).toThrow(/sms\.allowedCountries\.0/);
  });

  it('routes each event rule of the topology from the loyalty bus to its queue', () => {
    const rules = Object.values(service.findResources('AWS::Events::Rule')).map(
      (rule) => (rule as { Properties: Record<string, any> }).Properties,
    );
    for (const spec of topology.eventRules) {
      const rule = rules.find(
        (candidate) => JSON.stringify(candidate['EventPattern']?.['detail-type']) === JSON.stringify(spec.detailTypes),
      );
      expect(rule, spec.name).toBeDefined();
      expect(rule?.['Targets']).toHaveLength(1);
      // Undeliverable events go to a dead-letter queue, not nowhere.
      expect(rule?.['Targets'][0]['DeadLetterConfig']?.['Arn']).toBeDefined();
    }
    expect(rules.filter((rule) => rule['ScheduleExpression'])).toHaveLength(topology.schedules.length);
    // dangol's own events reach the mail sender only from dangol: no producer on the bus can forge a confirmation.
    const enrollment = rules.find((rule) => rule['EventPattern']?.['detail-type']?.includes('Member Email Confirmed'));
    expect(enrollment?.['EventPattern']?.['source']).toEqual(['dangol']);
    // Purchases come from sales channels, never as dangol.
    const purchases = rules.find((rule) => rule['EventPattern']?.['detail-type']?.includes('Purchase Completed'));
    expect(purchases?.['EventPattern']?.['source']).toEqual([{ 'anything-but': ['dangol'] }]);
    // A sales channel's policy puts purchases only, never as dangol.
    service.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'events:PutEvents',
            Condition: {
              StringEquals: { 'events:detail-type': ['Purchase Completed', 'Purchase Refunded'] },
              StringNotEquals: { 'events:source': 'dangol' },
            },
          }),
        ],
      },
    });
  });

  it('lets services use the queues and the messaging key only for this account’s own rules, topics and alarms', () => {
    // Queue policies: a service principal may send only for this account, and to a rule's queue only from that rule.
    const queuePolicies = Object.values(service.findResources('AWS::SQS::QueuePolicy')) as { Properties: any }[];
    expect(queuePolicies.length).toBeGreaterThan(0);
    for (const policy of queuePolicies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (statement.Effect !== 'Allow' || !statement.Principal?.Service) continue;
        expect(JSON.stringify(statement.Condition ?? {}), JSON.stringify(statement.Principal)).toMatch(
          /aws:SourceArn|aws:SourceAccount/,
        );
      }
    }
    const onlyItsRule = queuePolicies.flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.filter(
        (statement: any) =>
          statement.Effect === 'Deny' &&
          statement.Principal?.Service === 'events.amazonaws.com' &&
          statement.Condition?.ArnNotEquals?.['aws:SourceArn'],
      ),
    );
    expect(onlyItsRule).toHaveLength(topology.eventRules.length);
    // The messaging key: each service principal conditioned on this account and its own kind of source.
    const keys = Object.values(service.findResources('AWS::KMS::Key')) as { Properties: any }[];
    const services = keys.flatMap((key) =>
      key.Properties.KeyPolicy.Statement.filter((statement: any) => statement.Principal?.Service),
    );
    expect(services.length).toBeGreaterThanOrEqual(4);
    for (const statement of services) {
      // Ours name account and source; CDK's own (a rule's queue, a topic's subscription) name one of them.
      expect(JSON.stringify(statement.Condition ?? {}), statement.Principal.Service).toMatch(
        /aws:SourceArn|aws:SourceAccount/,
      );
    }
    const ours = services.filter((statement: any) => statement.Condition?.ArnLike);
    expect(ours.map((statement: any) => statement.Principal.Service).sort()).toEqual([
      'cloudwatch.amazonaws.com',
      'events.amazonaws.com',
      'ses.amazonaws.com',
      'sns.amazonaws.com',
    ]);
    for (const statement of ours) expect(statement.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
  });

  it('leaves a wildcard resource in a function role for X-Ray and SES GetAccount only (the finding acknowledged)', () => {
    const roles = new Set(
      Object.entries(service.findResources('AWS::Lambda::Function'))
        .filter(([id]) => id.includes('HandlerFunction'))
        .map(([, fn]: [string, any]) => String(fn.Properties.Role['Fn::GetAtt'][0])),
    );
    const policies = (Object.values(service.findResources('AWS::IAM::Policy')) as { Properties: any }[]).filter(
      (policy) => policy.Properties.Roles.some((ref: { Ref: string }) => roles.has(ref.Ref)),
    );
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (statement.Effect === 'Deny' || [statement.Resource].flat().every((resource: unknown) => resource !== '*'))
          continue;
        expect(
          [statement.Action]
            .flat()
            .filter((action: string) => !action.startsWith('xray:') && action !== 'ses:GetAccount'),
        ).toEqual([]);
      }
    }
  });

  it('lets only the webhook function build webhook routes, and only under the stage prefix; pipes sign and deliver', () => {
    const policies = Object.values(service.findResources('AWS::IAM::Policy')) as { Properties: any }[];
    const building = policies.filter((policy) =>
      policy.Properties.PolicyDocument.Statement.some((statement: any) =>
        [statement.Action].flat().includes('pipes:CreatePipe'),
      ),
    );
    expect(building).toHaveLength(1);
    expect(JSON.stringify(building[0]?.Properties.Roles)).toContain('AdminWebhooks');
    for (const statement of building[0]?.Properties.PolicyDocument.Statement ?? []) {
      const actions = [statement.Action].flat() as string[];
      if (!actions.some((action) => /^(events|sqs|pipes|secretsmanager):/.test(action))) continue;
      if (actions.every((action) => action.startsWith('xray:'))) continue;
      if (actions.some((action) => action.startsWith('dynamodb:') || action.startsWith('kms:'))) continue;
      const resources = JSON.stringify(statement.Resource);
      expect(resources, actions.join()).toContain('dangol-prod-');
    }
    const passRole = building[0]?.Properties.PolicyDocument.Statement.find((statement: any) =>
      [statement.Action].flat().includes('iam:PassRole'),
    );
    expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'pipes.amazonaws.com' } });
    // The pipes' role: assumed by Pipes of this account only; reads the webhook queues, calls the signer and the
    // API destinations under the prefix.
    service.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'pipes.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      },
    });
    const signerEnv = JSON.stringify(
      (Object.values(service.findResources('AWS::Lambda::Function')) as { Properties: any }[]).find((fn) =>
        JSON.stringify(fn.Properties.Environment ?? {}).includes('WEBHOOK_ROUTING'),
      )?.Properties.Environment,
    );
    for (const part of ['"kind\\":\\"aws', 'dangol-prod-', 'loyalty-prod', 'pipeRoleArn', 'signerArn', 'deadLetterArn'])
      expect(signerEnv).toContain(part);
  });

  it('sends mail through an SES configuration set whose events go to SNS', () => {
    service.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    service.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
    });
    // The domain identity: Easy DKIM, a custom MAIL FROM subdomain, the configuration set as default.
    service.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'mail.brand.example',
      DkimAttributes: { SigningEnabled: true },
      MailFromAttributes: { MailFromDomain: 'bounce.mail.brand.example' },
    });
    // The DNS records to create are printed after deploy: three DKIM CNAMEs, MAIL FROM MX and SPF, a DMARC start.
    const outputs = Object.keys(service.findOutputs('*'));
    for (const name of ['DkimCname1', 'DkimCname2', 'DkimCname3', 'MailFromMxRecord', 'MailFromTxtRecord', 'Dmarc'])
      expect(
        outputs.some((output) => output.includes(name)),
        name,
      ).toBe(true);
    // The account-level suppression list is switched on for bounces and complaints.
    expect(JSON.stringify(service.findResources('Custom::AWS'))).toContain('putAccountSuppressionAttributes');
    service.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint', 'open', 'click']),
      },
    });
  });
});

describe('capabilities in AWS', () => {
  const functions = () =>
    Object.entries(
      service.findResources('AWS::Lambda::Function') as Record<string, { Properties: Record<string, any> }>,
    );
  const functionOf = (name: string) => {
    const found = functions().find(([id]) => id.startsWith(`${pascal(name)}HandlerFunction`));
    if (!found) throw new Error(`no function for ${name}`);
    return found;
  };
  const policyStatements = (logicalId: string): any[] => {
    const role = String(functionOf(logicalId)[1].Properties['Role']['Fn::GetAtt'][0]);
    const policies = Object.values(
      service.findResources('AWS::IAM::Policy') as Record<string, { Properties: any }>,
    ).filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === role));
    return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  };
  /** The actions a role is allowed without conditions on the keys (the audit put is conditioned: see below). */
  const policyActions = (logicalId: string): string[] =>
    policyStatements(logicalId)
      .filter((statement) => statement.Effect === 'Allow' && !statement.Condition)
      .flatMap((statement) => [statement.Action].flat());

  it('keeps the audit log append-only for every role, and lets read-only handlers add access records only', () => {
    const auditOnly = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } };
    const noAuditChange = { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } };
    for (const spec of topology.handlers) {
      const statements = policyStatements(spec.name);
      const writes = spec.capabilities.includes('tableWrite') || spec.capabilities.includes('auditWrite');
      const deny = statements.find((statement) => statement.Effect === 'Deny');
      if (writes) {
        expect(deny?.Condition, spec.name).toEqual(noAuditChange);
        expect([deny?.Action].flat().sort(), spec.name).toEqual(
          ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'].sort(),
        );
      } else expect(deny, spec.name).toBeUndefined();
    }
    for (const name of ['admin-get-member', 'admin-find-members']) {
      const put = policyStatements(name).find((statement) => statement.Condition && statement.Effect === 'Allow');
      expect(put, name).toMatchObject({ Action: 'dynamodb:PutItem', Condition: auditOnly });
      expect(policyActions(name), name).not.toContain('dynamodb:PutItem');
    }
  });

  it("gives each function exactly the variables of its capabilities, with the config file's values", () => {
    for (const spec of topology.handlers) {
      const [, fn] = functionOf(spec.name);
      const env = Object.keys(fn.Properties['Environment']?.['Variables'] ?? {}).filter(
        // Lambda's own settings and those of the Parameters and Secrets extension.
        (name) =>
          !['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE'].includes(
            name,
          ) && !/^(PARAMETERS_SECRETS_EXTENSION|SECRETS_MANAGER|SSM_PARAMETER_STORE)_/.test(name),
      );
      const expected = [...new Set(spec.capabilities.flatMap((capability) => variablesOf(capability)))].filter(
        (name) => name !== 'TOKEN_SECRET' && name !== 'CONTACT_HASH_KEYS',
      );
      expect(env.sort(), spec.name).toEqual(expected.sort());
    }
    const message = functionOf('send-message')[1].Properties['Environment']['Variables'];
    // sms.maxSendRate 20 of the example config, shared by the SMS sender's two instances.
    expect(message).toMatchObject({
      SMS_SENDER_NAME: 'Brand',
      SMS_OPT_OUT_NUMBER: '080-123-4567',
      MAX_SEND_RATE: '10',
    });
    expect(functionOf('send-email')[1].Properties['Environment']['Variables']).toMatchObject({
      MAIL_FROM: 'Brand Membership <members@mail.brand.example>',
      PUBLIC_BASE_URL: 'https://members.brand.example',
      MAX_SEND_RATE: '7',
      SEND_RATE_SHARE: '0.5',
    });
    expect(functionOf('ingest-purchases')[1].Properties['Environment']['Variables']).toMatchObject({
      PROGRAMME_CURRENCY: 'KRW',
    });
  });

  it('grants read-only handlers no table write, and writers their writes to the partitions they own only', () => {
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const spec of topology.handlers) {
      const actions = policyActions(spec.name);
      if (spec.capabilities.includes('tableRead')) {
        expect(actions, spec.name).toContain('dynamodb:Query');
        for (const write of writes) expect(actions, spec.name).not.toContain(write);
      }
      // Writers write only the partitions they own: every write action sits under a LeadingKeys condition.
      expect(
        actions.filter((action) => writes.includes(action)),
        spec.name,
      ).toEqual([]);
      const owned = policyStatements(spec.name).find(
        (statement) =>
          statement.Effect === 'Allow' &&
          [statement.Action].flat().includes('dynamodb:UpdateItem') &&
          statement.Condition,
      );
      if (spec.capabilities.includes('tableWrite')) {
        expect(owned?.Condition, spec.name).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': (spec.writes ?? []).map((prefix) => `${prefix}*`) },
        });
        expect([owned?.Action].flat(), spec.name).toEqual(expect.arrayContaining(writes));
      } else expect(owned, spec.name).toBeUndefined();
      if (!spec.capabilities.some((capability) => capability.startsWith('table')))
        expect(
          actions.filter((a) => a.startsWith('dynamodb:')),
          spec.name,
        ).toEqual([]);
      const sends = spec.capabilities.some(
        (capability) => capability.startsWith('queue:') || capability.startsWith('dlq:'),
      );
      expect(actions.includes('sqs:SendMessage'), spec.name).toBe(sends);
      // PutEvents only as dangol.
      const putEvents = policyStatements(spec.name).filter((statement) =>
        [statement.Action].flat().includes('events:PutEvents'),
      );
      expect(putEvents.length, spec.name).toBe(spec.capabilities.includes('bus') ? 1 : 0);
      for (const statement of putEvents)
        expect(statement.Condition, spec.name).toEqual({ StringEquals: { 'events:source': 'dangol' } });
      expect(actions.includes('ses:SendBulkEmail'), spec.name).toBe(spec.capabilities.includes('mail'));
    }
  });

  it('refuses a config without the SMS opt-out number, naming the field', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'dangol.config.example.json'), 'utf8'));
    delete example.sms.optOutNumber;
    expect(() => parseDeployConfig(example)).toThrow(/sms\.optOutNumber/);
    expect(() => parseDeployConfig({ ...example, sms: { ...example.sms, optOutNumber: 'call us' } })).toThrow(
      /sms\.optOutNumber/,
    );
    expect(() => parseDeployConfig({ ...example, ops: { alarmEmails: [] } })).toThrow(/ops\.alarmEmails/);
    expect(() => parseDeployConfig({ ...example, programme: { currency: 'KRW', timeZone: 'Mars/Olympus' } })).toThrow(
      /programme\.timeZone/,
    );
  });
});

describe('bundles', () => {
  it(`keeps each handler's bundle minified, with the AWS SDK inside, under ${MAX_BUNDLE_BYTES / 1024} KB`, () => {
    const bundles = readdirSync(outdir)
      .filter((entry) => entry.startsWith('asset.'))
      .map((entry) => join(outdir, entry, 'index.mjs'))
      .filter((file) => {
        try {
          return statSync(file).isFile();
        } catch {
          return false;
        }
      });
    expect(bundles).toHaveLength(topology.handlers.length);
    for (const file of bundles) {
      const code = readFileSync(file, 'utf8');
      expect(code.length, file).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(code.split('\n').length, 'minified').toBeLessThan(200);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      // The credential alias is applied: no SSO/STS clients in the bundle.
      expect(code).not.toContain('sso-oidc');
    }
  });
});
