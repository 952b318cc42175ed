// A handler's IAM grants, derived from its capabilities (functions/shared/capabilities.ts) and nothing else: table
// read or read-write on the table and each index by name, the bus, its queues, the secret, SES through the
// configuration set, SNS to phone numbers, the fulfilment topic. Each cdk-nag finding it leaves carries its reason.
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AUDIT_PREFIX } from '../../functions/adapters/keys.ts';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Capability } from '../../functions/shared/capabilities.ts';
import { EVENT_SOURCE } from '../../schema/event-source.ts';
import { tableDesign } from '../table-design.ts';
import type { HandlerFunction } from './handler-function.ts';
import type { Messaging } from './messaging.ts';
import type { QueueWithDlq } from './queue-with-dlq.ts';

export interface GrantTargets {
  readonly table: Table;
  readonly tableKey: IKey;
  readonly bus: EventBus;
  readonly queues: ReadonlyMap<string, QueueWithDlq>;
  readonly tokenSecret: Secret;
  readonly contactHashKeys: Secret;
  readonly messaging: Messaging;
}

export function grantCapabilities(
  handler: HandlerFunction,
  capabilities: readonly Capability[],
  to: GrantTargets,
  writes: readonly string[] = [],
): void {
  const fn = handler.fn;
  const stack = Stack.of(handler);
  const has = (capability: Capability) => capabilities.includes(capability);
  if (has('tableWrite') && writes.length === 0)
    throw new Error(`${handler.node.id}: tableWrite needs the partitions it owns (writes in infra/topology.ts)`);
  if (has('tableWrite') || has('tableRead'))
    grantTableAccess(fn, to.table, to.tableKey, has('tableWrite') ? writes : []);
  if (has('auditWrite')) {
    // Adds access records and nothing else: a put whose partition key is an audit month.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [to.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_PREFIX}*`] } },
      }),
    );
    to.tableKey.grantEncryptDecrypt(fn);
  }
  if (has('tableWrite') || has('auditWrite')) {
    // The audit log is append-only for every role: nobody updates or deletes an entry (PIPA access records, kept
    // at least a year). Puts stay allowed; the code puts them only where none exists (attribute_not_exists).
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [to.table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_PREFIX}*`] } },
      }),
    );
  }
  for (const capability of capabilities) {
    if (capability.startsWith('queue:')) to.queues.get(capability.slice(6))?.queue.grantSendMessages(fn);
    if (capability.startsWith('dlq:')) to.queues.get(capability.slice(4))?.dlq.grantSendMessages(fn);
  }
  if (has('bus')) {
    // Only as dangol: a function cannot put an event that claims another source (nor can a producer claim dangol's).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [to.bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': EVENT_SOURCE } },
      }),
    );
  }
  if (has('tokens')) to.tokenSecret.grantRead(fn);
  if (has('contactHashes')) to.contactHashKeys.grantRead(fn);
  if (has('fulfilment')) to.messaging.fulfilment.grantPublish(fn);
  if (has('mail')) {
    // The account's sending quota, read at cold start: GetAccount has no resource-level permissions.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    const arn = `arn:${stack.partition}:ses:${stack.region}:${stack.account}`;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendBulkEmail', 'ses:CreateEmailTemplate', 'ses:GetEmailTemplate'],
        resources: [
          `${arn}:identity/*`,
          `${arn}:configuration-set/${to.messaging.configurationSet.configurationSetName}`,
          `${arn}:template/*`,
        ],
      }),
    );
  }
  if (has('sms')) {
    // Publish to phone numbers only: a topic ARN is excluded.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${stack.partition}:sns:*:*:*`] }),
    );
  }
  acknowledgeHandlerFindings(handler, stack);
}

/**
 * The cdk-nag findings of a handler's role, each accepted on the construct it is about with its reason: the managed
 * logging policy on the role; the wildcards on the role's policy, which tests/infra holds to X-Ray (the only `*`
 * resource), the table key's data-key actions and SES's identity and template names.
 */
function acknowledgeHandlerFindings(handler: HandlerFunction, stack: Stack): void {
  // cdk-nag names findings by the resolved ARN text, with CloudFormation pseudo parameters spelled out.
  const partition = stack.partition === 'aws' ? 'aws' : '<AWS::Partition>';
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const role = handler.fn.role;
  if (!role) throw new Error(`${handler.node.id} has no role`);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the function write to its own CloudWatch log streams.',
  });
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  const findings: [string, string][] = [
    [
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords and SES GetAccount have no resource-level permissions (the only * resources: tests/infra).',
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
  for (const [id, reason] of findings) Validations.of(policy).acknowledge({ id, reason });
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

/**
 * Reads of the table and each of its indexes by name (no `index/*` wildcard); writes only to items whose partition
 * key starts with one of the partitions the handler owns (`dynamodb:LeadingKeys`), so a function cannot write
 * another's item types; plus the table's key.
 */
function grantTableAccess(fn: LambdaFunction, table: Table, key: IKey, writes: readonly string[]): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: TABLE_READ_ACTIONS,
      resources: [table.tableArn, ...tableDesign.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
    }),
  );
  if (writes.length === 0) {
    key.grantDecrypt(fn);
    return;
  }
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: TABLE_WRITE_ACTIONS,
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': writes.map((prefix) => `${prefix}*`) } },
    }),
  );
  key.grantEncryptDecrypt(fn);
}
