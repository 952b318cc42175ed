// The tier review's reads: members due for review from the sparse review index (GSI4, sharded), a page at a time,
// and the counters of a review run, each page counted once.
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReviewStats, ReviewStore } from '#app/tier-review';
import { transactUnlessCancelled } from './transactions.ts';
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
    // Only active members are reviewed: a pending (a child awaiting the guardian) or otherwise inactive member's
    // writes are refused by the account's condition, so reviewing them would only conflict until the retries ran out.
    const accounts = (result.Items ?? [])
      .filter((item) => item['status'] === undefined || item['status'] === 'active')
      .map((item) => {
        const memberId = String(item['memberId']);
        return toAccount({ kind: 'member', memberId }, item as AccountItem);
      });
    return {
      accounts,
      itemsRead: result.ScannedCount ?? accounts.length,
      ...(result.LastEvaluatedKey && { cursor: encodeCursor(result.LastEvaluatedKey) }),
    };
  }

  async countedPage(runId: string, page: string): Promise<{ next?: string } | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reviewPage(runId, page), ConsistentRead: true }),
    );
    if (!Item) return null;
    return typeof Item['next'] === 'string' ? { next: Item['next'] } : {};
  }

  async countPage(runId: string, page: string, stats: ReviewStats, next: string | undefined): Promise<boolean> {
    return transactUnlessCancelled(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.reviewPage(runId, page), entity: 'review-page', ...(next && { next }) },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
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
        },
      },
    ]);
  }
}
