// RfmStore on DynamoDB: breakpoints in CONFIG, page histograms per run, the population through GSI3 (no Scan).
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { RfmBreakpoints, RfmHistograms } from '#domain/rfm';
import type { SpendAggregates } from '#domain/spend-window';
import type { MemberRfm, PageReport, RfmStore } from '#app/rfm-scoring';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys, POPULATION_SHARDS, populationShard } from './keys.ts';
import { queryAll } from './query-all.ts';

export class DynamoRfmStore implements RfmStore {
  readonly shards = POPULATION_SHARDS;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async breakpoints(): Promise<{ runId: string; breakpoints: RfmBreakpoints } | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.rfmBreakpoints(), ConsistentRead: true }),
    );
    return Item ? { runId: String(Item['runId']), breakpoints: Item['breakpoints'] as RfmBreakpoints } : null;
  }

  async saveBreakpoints(runId: string, breakpoints: RfmBreakpoints, basedOn: string | null): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.rfmBreakpoints(),
          entity: 'rfm-breakpoints',
          runId,
          breakpoints,
          basedOn,
          savedAt: new Date().toISOString(),
        },
      }),
    );
  }

  async runHistograms(runId: string): Promise<RfmHistograms[]> {
    return (await this.runPages(runId)).map((item) => item['histograms'] as RfmHistograms);
  }

  private runPages(runId: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :hist)',
      ExpressionAttributeValues: { ':pk': keys.rfmPageHistogram(runId, 0, 0).PK, ':hist': keys.rfmHistogramPrefix },
    });
  }

  async populationPage(shard: number, pageSize: number, cursor?: string) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :shard',
        FilterExpression: '#status = :active',
        ProjectionExpression:
          'memberId, spendByMonth, ordersByMonth, purchaseCount, firstPurchaseAt, lastPurchaseAt, tierState',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':shard': populationShard(shard), ':active': 'active' },
        Limit: pageSize,
        ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
      }),
    );
    const members = (result.Items ?? []).map((item) => ({
      memberId: String(item['memberId']),
      ...((item['tierState'] as { tier?: string } | undefined)?.tier && {
        tier: String((item['tierState'] as { tier: string }).tier),
      }),
      aggregates: {
        spendByMonth: (item['spendByMonth'] as Record<string, number> | undefined) ?? {},
        ordersByMonth: (item['ordersByMonth'] as Record<string, number> | undefined) ?? {},
        purchaseCount: Number(item['purchaseCount'] ?? 0),
        ...(item['firstPurchaseAt'] ? { firstPurchaseAt: String(item['firstPurchaseAt']) } : {}),
        ...(item['lastPurchaseAt'] ? { lastPurchaseAt: String(item['lastPurchaseAt']) } : {}),
      } satisfies SpendAggregates,
    }));
    return {
      members,
      itemsRead: result.ScannedCount ?? members.length,
      ...(result.LastEvaluatedKey && { cursor: encodeCursor(result.LastEvaluatedKey) }),
    };
  }

  async saveMemberRfm(memberId: string, rfm: MemberRfm): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: 'SET rfm = :rfm, ltv = :ltv',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':rfm': rfm, ':ltv': rfm.ltv },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async savePageHistogram(
    runId: string,
    shard: number,
    page: number,
    histograms: RfmHistograms,
    report: PageReport,
  ): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.rfmPageHistogram(runId, shard, page), entity: 'rfm-histogram', histograms, report },
      }),
    );
  }

  async runReports(runId: string): Promise<PageReport[]> {
    return (await this.runPages(runId)).map((item) => item['report'] as PageReport).filter(Boolean);
  }
}
