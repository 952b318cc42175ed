// The tier ladder stored with a version (`CONFIG` / `TIER_LADDER`); the default ladder until marketing saves one.
// Read at most once a minute per container.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TIER_LADDER, type TierLadder } from '#schema/tier-ladder';
import type { LadderSource } from '#app/purchase-ports';
import { keys, withoutKeys } from './keys.ts';

const CACHE_MS = 60_000;

export class DynamoLadderSource implements LadderSource {
  private cached: { ladder: TierLadder; at: number } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(): Promise<TierLadder> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.ladder;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.tierLadder() }));
    const ladder = Item ? withoutKeys<TierLadder>(Item) : DEFAULT_TIER_LADDER;
    this.cached = { ladder, at: Date.now() };
    return ladder;
  }
}
