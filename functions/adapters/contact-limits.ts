// Per-contact daily limits on DynamoDB: one counter item per (kind, contact, day), keyed by a hash of the contact and
// removed by TTL two days later. Taking one is a conditional ADD, so concurrent senders never exceed the limit.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactLimits } from '#app/send-enrollment-mail';
import { keys } from './keys.ts';

const KEEP_SECONDS = 2 * 86_400;

export class DynamoContactLimits implements ContactLimits {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(kind: string, contact: string, at: Date, max: number): Promise<boolean> {
    const day = at.toISOString().slice(0, 10);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contactLimit(kind, contact, day),
          UpdateExpression: 'ADD #count :one SET entity = :entity, expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':max': max,
            ':entity': 'contact-limit',
            ':expires': Math.floor(at.getTime() / 1000) + KEEP_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
