// The tier review's reads: members due for review from the sparse review index (GSI4, sharded), a page at a time,
// and the counters of a review run.
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReviewStore } from '#app/tier-review';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys, REVIEW_SHARDS, reviewShard } from './keys.ts';
import { type AccountItem, toAccount } from './purchase-items.ts';

export class DynamoReviewPages implements ReviewStore {
  get shards(): number {
    return REVIEW_SHARDS;
  }

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async dueForReview(shard: number, reviewAt: string, pageSize: number, cursor?: string) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :shard AND GSI4SK <= :upTo',
        ExpressionAttributeValues: { ':shard': reviewShard(shard), ':upTo': `${reviewAt}#\uffff` },
        Limit: pageSize,
        ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
      }),
    );
    const accounts = (result.Items ?? []).map((item) => {
      const memberId = String(item['memberId']);
      return toAccount({ kind: 'member', memberId }, item as AccountItem);
    });
    return {
      accounts,
      itemsRead: result.ScannedCount ?? accounts.length,
      ...(result.LastEvaluatedKey && { cursor: encodeCursor(result.LastEvaluatedKey) }),
    };
  }

  async addReviewStats(
    runId: string,
    stats: { itemsRead: number; reviewed: number; changed: number; notices: number },
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.reviewRun(runId),
        UpdateExpression:
          'ADD itemsRead :read, reviewed :reviewed, changed :changed, notices :notices, pages :one SET entity = :entity',
        ExpressionAttributeValues: {
          ':read': stats.itemsRead,
          ':reviewed': stats.reviewed,
          ':changed': stats.changed,
          ':notices': stats.notices,
          ':one': 1,
          ':entity': 'review-run',
        },
      }),
    );
  }
}
