// The webhook functions' adapters, apart from wiring.ts: the route builder imports a dozen EventBridge, SQS and
// Pipes commands, and an SDK command module is kept whole by any bundle that imports it — so only the two webhook
// functions import this file.
import { dynamoDocumentClient, eventBridgeClient, pipesClient, sqsClient } from '#adapters/aws-clients';
import { AwsWebhookRoutes, type AwsWebhookRouting, LocalWebhookRoutes } from '#adapters/webhook-routes';
import { signDelivery } from '#adapters/webhook-signing';
import { DynamoWebhookStore } from '#adapters/webhook-store';
import type { WebhookDeps } from '#app/webhooks';
import { readConfig } from './config.ts';
import { systemClock } from './wiring.ts';

/** Webhook subscriptions and their routes: built in AWS, read by the local event endpoint locally. */
export function webhookDeps(): WebhookDeps {
  const { TABLE_NAME } = readConfig('table');
  const routing = JSON.parse(readConfig('webhooks').WEBHOOK_ROUTING) as AwsWebhookRouting | { kind: 'local' };
  if (routing.kind !== 'aws' && routing.kind !== 'local') throw new Error('configuration: WEBHOOK_ROUTING has no kind');
  return {
    webhooks: new DynamoWebhookStore(dynamoDocumentClient(), TABLE_NAME),
    routes:
      routing.kind === 'aws'
        ? new AwsWebhookRoutes({ events: eventBridgeClient(), sqs: sqsClient(), pipes: pipesClient() }, routing)
        : new LocalWebhookRoutes(),
    clock: systemClock,
    allowLoopbackHttp: routing.kind === 'local',
  };
}

/** The webhook pipes' signer: each subscription's secret, read from the table. */
export function signerDeps() {
  return {
    webhooks: new DynamoWebhookStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME),
    sign: signDelivery,
    clock: systemClock,
  };
}
