// Hand-on markers of page chains on DynamoDB: one item per chain key (hashed, so cursors of any length fit), claimed
// by a conditional write and removed by TTL after the runs it guards are long over.
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HandOnMarkers } from '#app/hand-on';
import { keys } from './keys.ts';

const KEEP_SECONDS = 35 * 86_400;

const digest = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 32);

export class DynamoHandOnMarkers implements HandOnMarkers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(key: string, now: Date, staleBefore: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.handOn(digest(key)),
          UpdateExpression: 'SET claimedAt = :now, entity = :entity, expiresAt = :expires REMOVE doneAt',
          ConditionExpression: 'attribute_not_exists(PK) OR (attribute_not_exists(doneAt) AND claimedAt < :stale)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':stale': staleBefore.toISOString(),
            ':entity': 'hand-on',
            ':expires': Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async complete(key: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.handOn(digest(key)),
        UpdateExpression: 'SET doneAt = :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }

  async release(key: string, claimedAt: Date): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.handOn(digest(key)),
          ConditionExpression: 'claimedAt = :claimedAt AND attribute_not_exists(doneAt)',
          ExpressionAttributeValues: { ':claimedAt': claimedAt.toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
