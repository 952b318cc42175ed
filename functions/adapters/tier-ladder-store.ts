// The tier ladder document (`CONFIG` / `TIER_LADDER`): the ladder in force and, after an edit, the pending one that
// takes over at the next tier review (never a silent mass change). Read at most once a minute per container.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DEFAULT_TIER_LADDER, type TierLadder, type TierLadderDocument } from '#schema/tier-ladder';
import type { LadderSource } from '#app/purchase-ports';
import { AUDIT_PUT_CONDITION, auditItem } from './audit-log.ts';
import { keys, withoutKeys } from './keys.ts';
import { transactUnlessCancelled } from './transactions.ts';

/** How long a container trusts the ladder it read (the local stack sets 0, so edits show at once). */
const CACHE_MS = Number(process.env['LADDER_CACHE_SECONDS'] ?? 60) * 1000;

export class DynamoLadderSource implements LadderSource {
  private cached: { ladder: TierLadder; at: number } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async document(): Promise<TierLadderDocument> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.tierLadder(), ConsistentRead: true }),
    );
    return Item
      ? withoutKeys<TierLadderDocument>(Item)
      : { version: DEFAULT_TIER_LADDER.version, current: DEFAULT_TIER_LADDER };
  }

  async current(): Promise<TierLadder> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.ladder;
    const ladder = (await this.document()).current;
    this.cached = { ladder, at: Date.now() };
    return ladder;
  }

  /** Saves a pending ladder if the document is still at `expectedVersion`; false when someone else got there first. */
  async savePending(
    expectedVersion: number,
    ladder: Omit<TierLadder, 'version'>,
    by: string,
    now: Date,
  ): Promise<TierLadderDocument | null> {
    const before = await this.document();
    if (before.version !== expectedVersion) return null;
    const version = expectedVersion + 1;
    const document: TierLadderDocument = {
      version,
      current: before.current,
      pending: { ladder: { ...ladder, version }, savedAt: now.toISOString(), by },
    };
    const saved = await transactUnlessCancelled(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.tierLadder(), entity: 'tier-ladder', ...document },
          ConditionExpression:
            expectedVersion === DEFAULT_TIER_LADDER.version
              ? 'attribute_not_exists(PK) OR version = :v'
              : 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: auditItem({
            who: by,
            action: 'tiers.update',
            target: 'tier-ladder',
            beforeVersion: expectedVersion,
            afterVersion: version,
            at: now.toISOString(),
          }),
          ConditionExpression: AUDIT_PUT_CONDITION,
        },
      },
    ]);
    return saved ? document : null;
  }

  /** At the review: the pending ladder, if any, becomes the one in force. */
  async promotePending(now: Date): Promise<TierLadder | null> {
    const document = await this.document();
    if (!document.pending) return null;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.tierLadder(),
          UpdateExpression: 'SET #current = :ladder, promotedAt = :now REMOVE pending',
          ConditionExpression: 'version = :v',
          ExpressionAttributeNames: { '#current': 'current' },
          ExpressionAttributeValues: {
            ':ladder': document.pending.ladder,
            ':now': now.toISOString(),
            ':v': document.version,
          },
        }),
      );
    } catch (error) {
      // Another review or edit moved the document on first; it stays as that one left it.
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
    this.cached = undefined;
    return document.pending.ladder;
  }
}
