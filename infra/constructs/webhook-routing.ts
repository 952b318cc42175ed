// What every webhook route shares in AWS (functions/adapters/webhook-routes.ts builds one per subscriber at run
// time): the dead-letter queue of deliveries that failed every attempt (with its alarm), the role the pipes run
// as, and the permissions of the function that builds and removes routes — each on names under the stage's prefix.
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { watchedDeadLetterQueue } from './queue-with-dlq.ts';

/** Deliveries of one event to one subscriber before it is dead-lettered (one a minute: the queue's visibility). */
export const WEBHOOK_MAX_RECEIVES = 8;

export class WebhookRouting extends Construct {
  readonly deadLetters: Queue;
  readonly pipeRole: Role;
  readonly alarm: Alarm;
  /** Physical names of every route's parts start with this. */
  readonly prefix: string;
  /** The bus by its name as deployed (a plain string: the rules' ARNs and cdk-nag's findings need it). */
  readonly busName: string;

  constructor(scope: Construct, id: string, props: { prefix: string; key: IKey; busName: string }) {
    super(scope, id);
    this.prefix = props.prefix;
    this.busName = props.busName;
    const stack = Stack.of(this);
    ({ queue: this.deadLetters, alarm: this.alarm } = watchedDeadLetterQueue(this, 'DeadLetters', {
      key: props.key,
      what: 'webhook deliveries failed every attempt (a subscriber is down or refuses them)',
    }));
    this.pipeRole = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'dangol: the role of every webhook pipe (queue, then signer, then API destination)',
    });
    this.pipeRole.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.arn('sqs', `${this.prefix}*`)],
      }),
    );
    this.pipeRole.addToPolicy(
      new PolicyStatement({
        actions: ['events:InvokeApiDestination'],
        resources: [this.arn('events', `api-destination/${this.prefix}*`)],
      }),
    );
  }

  private arn(service: string, resource: string): string {
    const stack = Stack.of(this);
    return service === 'sqs'
      ? `arn:${stack.partition}:sqs:${stack.region}:${stack.account}:${resource}`
      : `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  }

  /** The pipes may call the signer. */
  allowSigner(signer: IFunction): void {
    this.pipeRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [signer.functionArn] }),
    );
    const policy = this.pipeRole.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error('the pipe role has no policy');
    const reason = 'The webhook queues and API destinations are made per subscriber at run time, under this prefix.';
    for (const id of [
      this.findingFor('sqs', `${this.prefix}*`),
      this.findingFor('events', `api-destination/${this.prefix}*`),
    ])
      Validations.of(policy).acknowledge({ id, reason });
  }

  /** What the function that builds and removes routes may do: only on names under the prefix. */
  grantBuilder(fn: IFunction): void {
    const p = this.prefix;
    const statements = [
      new PolicyStatement({
        actions: ['events:CreateConnection', 'events:DescribeConnection', 'events:DeleteConnection'],
        resources: [this.arn('events', `connection/${p}*`)],
      }),
      new PolicyStatement({
        actions: ['events:CreateApiDestination', 'events:DescribeApiDestination', 'events:DeleteApiDestination'],
        resources: [this.arn('events', `api-destination/${p}*`)],
      }),
      new PolicyStatement({
        actions: ['events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:DeleteRule'],
        resources: [this.arn('events', `rule/${this.busName}/${p}*`)],
      }),
      new PolicyStatement({
        actions: [
          'sqs:CreateQueue',
          'sqs:GetQueueUrl',
          'sqs:GetQueueAttributes',
          'sqs:SetQueueAttributes',
          'sqs:DeleteQueue',
        ],
        resources: [this.arn('sqs', `${p}*`)],
      }),
      new PolicyStatement({
        actions: ['pipes:CreatePipe', 'pipes:DeletePipe'],
        resources: [this.arn('pipes', `pipe/${p}*`)],
      }),
      // EventBridge keeps a connection's authorization in a secret it creates on the caller's behalf.
      new PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:DeleteSecret',
          'secretsmanager:TagResource',
        ],
        resources: [this.arn('secretsmanager', `secret:events!connection/${p}*`)],
      }),
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.pipeRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'pipes.amazonaws.com' } },
      }),
    ];
    for (const statement of statements) fn.addToRolePolicy(statement);
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error('the webhook builder has no role policy');
    const reason =
      'Webhook routes (connection, API destination, rule, queue, pipe, the connection\u2019s secret) are made per subscriber at run time, only under this prefix.';
    for (const [service, resource] of [
      ['events', `connection/${p}*`],
      ['events', `api-destination/${p}*`],
      ['events', `rule/${this.busName}/${p}*`],
      ['sqs', `${p}*`],
      ['pipes', `pipe/${p}*`],
      ['secretsmanager', `secret:events!connection/${p}*`],
    ] as const)
      Validations.of(policy).acknowledge({ id: this.findingFor(service, resource), reason });
  }

  /** cdk-nag names a wildcard finding by the resolved ARN text (pseudo parameters spelled out). */
  findingFor(service: string, resource: string): string {
    const stack = Stack.of(this);
    const partition = stack.partition === 'aws' ? 'aws' : '<AWS::Partition>';
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    return `AwsSolutions-IAM5[Resource::arn:${partition}:${service}:${region}:<AWS::AccountId>:${resource}]`;
  }
}
