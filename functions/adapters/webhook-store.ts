// Webhook subscriptions on DynamoDB: one partition (`WEBHOOKS`), an item per subscription with its signing secret
// (encrypted at rest with the table's key), each change written with its audit entry in one transaction.
import { GetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#app/ports';
import type { Webhook, WebhookStore } from '#app/webhooks';
import { AUDIT_PUT_CONDITION, auditItem } from './audit-log.ts';
import { keys, withoutKeys } from './keys.ts';
import { queryAll } from './query-all.ts';
import { transactUnlessCancelled } from './transactions.ts';

const fromItem = (item: Record<string, unknown>): Webhook => {
  const { entity: _entity, ...webhook } = withoutKeys<Webhook & { entity?: string }>(item);
  return webhook;
};

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(webhook: Webhook, audit: AuditEntry): Promise<void> {
    const written = await transactUnlessCancelled(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.webhook(webhook.id), entity: 'webhook', ...webhook },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      { Put: { TableName: this.tableName, Item: auditItem(audit), ConditionExpression: AUDIT_PUT_CONDITION } },
    ]);
    if (!written) throw new Error(`webhook ${webhook.id} was not written`);
  }

  async markActive(id: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.webhook(id),
        UpdateExpression: 'SET #status = :active',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      }),
    );
  }

  async get(id: string): Promise<Webhook | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.webhook(id), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : null;
  }

  async list(): Promise<Webhook[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.webhooks.PK },
      ConsistentRead: true,
    });
    return items.map(fromItem);
  }

  async remove(id: string, audit: AuditEntry): Promise<void> {
    await transactUnlessCancelled(this.db, [
      { Delete: { TableName: this.tableName, Key: keys.webhook(id) } },
      { Put: { TableName: this.tableName, Item: auditItem(audit), ConditionExpression: AUDIT_PUT_CONDITION } },
    ]);
  }
}
