// What a campaign keeps beside the ledger: its counters (flat ADD-able attributes), the touchpoints due later
// (follow-ups, pre-test decisions), the marks of hours already handed out, and the pre-test's decision.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignDims, CampaignStore, DueItem } from '#app/sending-ports';
import { keys } from './keys.ts';
import {
  batchGetAll,
  batchWrite,
  counterName,
  counterUpdate,
  readCampaignCounters,
  dueTouchpointItem,
  isConditionFailure,
} from './send-items.ts';

export class DynamoCampaignStore implements CampaignStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async count(entryId: string, dims: CampaignDims, outcome: string, by: number): Promise<void> {
    await this.db.send(new UpdateCommand(counterUpdate(this.tableName, entryId, dims, outcome, by)));
  }

  putDue(
    memberId: string,
    kind: string,
    ref: string,
    dueAt: Date,
    fields: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    return this.putDues([{ memberId, kind, ref, dueAt, fields }]);
  }

  async putDues(items: readonly DueItem[]): Promise<void> {
    await batchWrite(
      this.db,
      this.tableName,
      items.map((item) => ({
        PutRequest: {
          Item: dueTouchpointItem(item),
        },
      })),
    );
  }

  async dispatched(entryIds: readonly string[], hour: string): Promise<Set<string>> {
    const marks = await batchGetAll(
      this.db,
      this.tableName,
      entryIds.map((id) => keys.dispatchMarker(id, hour)),
    );
    return new Set(marks.map((mark) => String(mark['entryId'])));
  }

  async markDispatched(entryIds: readonly string[], hour: string): Promise<void> {
    await batchWrite(
      this.db,
      this.tableName,
      entryIds.map((entryId) => ({
        PutRequest: {
          Item: {
            ...keys.dispatchMarker(entryId, hour),
            entity: 'dispatch-marker',
            entryId,
            at: new Date().toISOString(),
            expiresAt: Math.floor(Date.now() / 1000) + 90 * 86_400,
          },
        },
      })),
    );
  }

  async decidePretest(entryId: string, period: string, winner: string, at: Date): Promise<string> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.pretestDecision(entryId, period),
            entity: 'pretest-decision',
            winner,
            decidedAt: at.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return winner;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: keys.pretestDecision(entryId, period), ConsistentRead: true }),
      );
      return String(Item?.['winner'] ?? winner);
    }
  }

  async pretestCounts(
    entryId: string,
    period: string,
    variants: readonly string[],
  ): Promise<Record<string, { sent: number; opened: number; clicked: number }>> {
    const counts = await readCampaignCounters(this.db, this.tableName, entryId, period);
    const read = (variant: string, outcome: string) => Number(counts?.[counterName('variant', variant, outcome)] ?? 0);
    return Object.fromEntries(
      variants.map((variant) => [
        variant,
        { sent: read(variant, 'sent'), opened: read(variant, 'opened'), clicked: read(variant, 'clicked') },
      ]),
    );
  }
}
