// A campaign's counters as the send ledger keeps them: one item per calendar entry, flat numeric attributes
// `<dimension>~<key>~<outcome>` (see the send store), read as they are.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignStatsSource } from '#app/campaign-report';
import { keys, withoutKeys } from './keys.ts';

export class DynamoCampaignStats implements CampaignStatsSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async counters(entryId: string): Promise<Record<string, unknown> | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.campaignStats(entryId) }),
    );
    return Item ? withoutKeys<Record<string, unknown>>(Item) : null;
  }
}
