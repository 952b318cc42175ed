// A campaign's counters as the send ledger keeps them: flat numeric attributes `<dimension>~<key>~<outcome>` (see
// the send store) spread over a few counter items per calendar entry, summed when read.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignStatsSource } from '#app/campaign-report';
import { readCampaignCounters } from './send-items.ts';

export class DynamoCampaignStats implements CampaignStatsSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async counters(entryId: string, period?: string): Promise<Record<string, unknown> | null> {
    return readCampaignCounters(this.db, this.tableName, entryId, period);
  }
}
