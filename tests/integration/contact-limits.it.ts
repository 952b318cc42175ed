// Per-address daily limits on the real table: concurrent takers never pass the limit; the counter expires by TTL
// and its key carries a hash, never the address.
import { describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoContactLimits } from '#adapters/contact-limits';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { dynamo } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('contact-limits', () => {
  it('lets 3 of 10 concurrent sends to one address through in a day, and the next day 3 again', async () => {
    const limits = new DynamoContactLimits(dynamoDocumentClient(), 'dangol');
    const address = `limit-${Date.now()}@example.com`;
    const at = new Date('2027-05-01T10:00:00Z');
    const first = await Promise.all(Array.from({ length: 10 }, () => limits.take('enrollment-mail', address, at, 3)));
    expect(first.filter(Boolean)).toHaveLength(3);
    const nextDay = new Date('2027-05-02T00:00:01Z');
    const second = await Promise.all(
      Array.from({ length: 5 }, () => limits.take('enrollment-mail', address, nextDay, 3)),
    );
    expect(second.filter(Boolean)).toHaveLength(3);
    // Upper case is the same address.
    expect(await limits.take('enrollment-mail', address.toUpperCase(), at, 3)).toBe(false);

    // The whole table, page by page (a filtered Scan stops at 1 MB read, however few items match).
    const Items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, any> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({
          TableName: 'dangol',
          FilterExpression: 'entity = :entity',
          ExpressionAttributeValues: { ':entity': { S: 'contact-limit' } },
          ExclusiveStartKey,
        }),
      );
      Items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const mine = Items.map((item) => unmarshall(item)).filter((item) =>
      ['2027-05-01', '2027-05-02'].includes(item['SK']),
    );
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const item of mine) {
      expect(JSON.stringify(item)).not.toContain(address);
      expect(item['expiresAt']).toBeGreaterThan(Math.floor(at.getTime() / 1000));
    }
  });
});
