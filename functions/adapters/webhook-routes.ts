// The delivery route of a webhook subscription in AWS, built at run time by the admin API with the SDK and nothing
// of our own on the delivery path:
//   loyalty bus ─rule (dangol's events of the chosen types)→ SQS queue ─EventBridge Pipe→ enrichment (sign-webhook:
//   signs the event with the subscription's secret) → API destination (the subscriber's URL, its rate limit) over a
//   connection.
// Retries are the queue's (a failed delivery returns the message; after `maxReceiveCount` it goes to the shared
// webhook dead-letter queue). Every step tolerates "already exists", so a retry after a failure part way finishes
// the route; removal tolerates "not found". Names are the stack's prefix and the subscription's id.
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreatePipeCommand, DeletePipeCommand, type PipesClient } from '@aws-sdk/client-pipes';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Webhook, WebhookRoutes } from '#app/webhooks';
import { webhookEventPattern } from '#domain/webhooks';
import { EVENT_SOURCE } from '#schema/event-source';

export interface AwsWebhookRouting {
  readonly kind: 'aws';
  /** Physical names start with this (the stack's name), then the subscription's id. */
  readonly prefix: string;
  readonly busName: string;
  /** The role pipes assume: read the webhook queues, invoke the signer, invoke the API destinations. */
  readonly pipeRoleArn: string;
  /** The enrichment function that signs each delivery (handler sign-webhook). */
  readonly signerArn: string;
  /** Where deliveries go after the last retry. */
  readonly deadLetterArn: string;
  /** Deliveries of one event before it is dead-lettered (each after the visibility timeout). */
  readonly maxReceiveCount: number;
}

/** The headers the signer's answer fills in on each request (JSON paths into the enriched event). */
export const SIGNED_HEADERS = {
  'webhook-id': '$.id',
  'webhook-timestamp': '$.timestamp',
  'webhook-signature': '$.signature',
};

const errorName = (error: unknown) => (error as { name?: string }).name ?? '';

async function unlessExists<T>(create: () => Promise<T>, existing: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (['ResourceAlreadyExistsException', 'ConflictException'].includes(errorName(error))) return existing();
    throw error;
  }
}

async function ifFound(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    const name = errorName(error);
    if (name === 'ResourceNotFoundException' || name === 'NotFoundException') return;
    if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') return;
    throw error;
  }
}

export class AwsWebhookRoutes implements WebhookRoutes {
  constructor(
    private readonly clients: { events: EventBridgeClient; sqs: SQSClient; pipes: PipesClient },
    private readonly routing: AwsWebhookRouting,
  ) {}

  private name(id: string): string {
    return `${this.routing.prefix}${id}`;
  }

  async provision(webhook: Webhook): Promise<void> {
    const { events, sqs, pipes } = this.clients;
    const name = this.name(webhook.id);
    const busName = this.routing.busName;
    // EventBridge needs an authorization on every connection: a key header naming the subscription (the real proof
    // is the signature; the connection's secret lives in Secrets Manager, managed by EventBridge).
    const connectionArn = await unlessExists(
      async () =>
        (
          await events.send(
            new CreateConnectionCommand({
              Name: name,
              AuthorizationType: 'API_KEY',
              AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-dangol-webhook', ApiKeyValue: webhook.id } },
            }),
          )
        ).ConnectionArn,
      async () => (await events.send(new DescribeConnectionCommand({ Name: name }))).ConnectionArn,
    );
    const destinationArn = await unlessExists(
      async () =>
        (
          await events.send(
            new CreateApiDestinationCommand({
              Name: name,
              ConnectionArn: connectionArn,
              InvocationEndpoint: webhook.url,
              HttpMethod: 'POST',
              InvocationRateLimitPerSecond: webhook.rateLimitPerSecond,
            }),
          )
        ).ApiDestinationArn,
      async () => (await events.send(new DescribeApiDestinationCommand({ Name: name }))).ApiDestinationArn,
    );
    // CreateQueue with the same attributes answers the existing queue.
    const { QueueUrl: queueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          SqsManagedSseEnabled: 'true',
          VisibilityTimeout: '60',
          MessageRetentionPeriod: String(4 * 86_400),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: this.routing.deadLetterArn,
            maxReceiveCount: this.routing.maxReceiveCount,
          }),
        },
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = Attributes?.['QueueArn'];
    if (!queueUrl || !queueArn || !connectionArn || !destinationArn)
      throw new Error(`webhook ${webhook.id}: a part of its route has no ARN`);
    const { RuleArn: ruleArn } = await events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: busName,
        Description: `Webhook ${webhook.id}`,
        EventPattern: JSON.stringify(webhookEventPattern(webhook.events, EVENT_SOURCE)),
        State: 'ENABLED',
      }),
    );
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
                Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
              },
              {
                Effect: 'Deny',
                Principal: '*',
                Action: 'sqs:*',
                Resource: queueArn,
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
        },
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: 'queue', Arn: queueArn }] }),
    );
    await unlessExists(
      () =>
        pipes.send(
          new CreatePipeCommand({
            Name: name,
            RoleArn: this.routing.pipeRoleArn,
            Source: queueArn,
            SourceParameters: { SqsQueueParameters: { BatchSize: 1 } },
            Enrichment: this.routing.signerArn,
            EnrichmentParameters: { InputTemplate: `{"webhookId": "${webhook.id}", "event": <$.body>}` },
            Target: destinationArn,
            TargetParameters: { InputTemplate: '<$.payload>', HttpParameters: { HeaderParameters: SIGNED_HEADERS } },
          }),
        ),
      async () => undefined,
    );
  }

  async remove(id: string): Promise<void> {
    const { events, sqs, pipes } = this.clients;
    const name = this.name(id);
    const busName = this.routing.busName;
    await ifFound(() => pipes.send(new DeletePipeCommand({ Name: name })));
    await ifFound(() => events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: busName, Ids: ['queue'] })));
    await ifFound(() => events.send(new DeleteRuleCommand({ Name: name, EventBusName: busName })));
    await ifFound(async () => {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    });
    await ifFound(() => events.send(new DeleteApiDestinationCommand({ Name: name })));
    await ifFound(() => events.send(new DeleteConnectionCommand({ Name: name })));
  }
}

/** Locally the local event endpoint reads the subscriptions and delivers them itself: nothing to build. */
export class LocalWebhookRoutes implements WebhookRoutes {
  async provision(): Promise<void> {}
  async remove(): Promise<void> {}
}
