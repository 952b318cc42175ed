// Monthly RFM scoring through the schedule and the queue: every active member scored once per run, the next run's
// breakpoints recomputed from the population the last run saw.
import { describe, expect, it } from 'vitest';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { signAdminToken } from '#infra/local/admin-keys';
import { drained, dynamo, newPerson, putEvents, urls, enroll } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('rfm-scoring', () => {
  const TABLE = 'dangol';

  async function item(pk: string, sk: string) {
    const { Item } = await dynamo().send(
      new GetItemCommand({ TableName: TABLE, Key: marshall({ PK: pk, SK: sk }), ConsistentRead: true }),
    );
    return Item ? unmarshall(Item) : undefined;
  }

  async function fire(at: string) {
    const response = await fetch(`${urls().http}/_local/schedules/rfm-scoring`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ at }),
    });
    expect(response.status).toBe(200);
    await drained('rfm-scoring', 60_000);
  }

  describe('RFM scoring', () => {
    it('scores every member with RFM 1–5, offer group and LTV, and moves the fifths with the population', async () => {
      const buyers: string[] = [];
      for (let i = 0; i < 12; i++) {
        const { memberId } = await enroll(newPerson());
        buyers.push(memberId);
        await putEvents(
          Array.from({ length: 1 + (i % 6) }, (_, n) => ({
            detailType: 'Purchase Completed',
            detail: {
              orderId: `rfm-${memberId}-${n}`,
              channel: 'store',
              occurredAt: '2026-11-10T03:00:00Z',
              amount: { value: 100_000 * (i + 1), currency: 'KRW' },
              member: { memberId },
            },
          })),
        );
      }
      const { memberId: idle } = await enroll(newPerson());
      await drained('purchases');

      await fire('2026-12-01T02:00:00Z');
      const first = await item('CONFIG', 'RFM_BREAKPOINTS');
      expect(first).toMatchObject({ runId: '2026-12', basedOn: null });
      const top = await item(`MEMBER#${buyers[11]}`, 'PROFILE');
      expect(top?.['rfm']).toMatchObject({
        figures: { recencyDays: 20, frequency: 6, monetary: 7_200_000 },
        score: { r: 5, f: 4, m: 5, group: 'frequent' },
        breakpointsOf: '2026-12',
      });
      expect(top?.['ltv']).toBe(7_200_000 * 0.1 * 20);
      const idleItem = await item(`MEMBER#${idle}`, 'PROFILE');
      expect(idleItem?.['rfm']).toMatchObject({
        figures: { recencyDays: null, frequency: 0, monetary: 0 },
        score: { r: 1, f: 1, m: 1, group: 'occasional' },
      });

      const token = await signAdminToken({ group: 'viewer' });
      const report = (await (
        await fetch(`${urls().http}/admin/reports/tiers`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        asOf: string;
        tiers: { code: string; members: number; spend12m: number; averageLtv: number }[];
        rfmGroups: Record<string, number>;
      };
      expect(report.asOf).toBe('2026-12');
      expect(report.tiers.map((tier) => tier.code)).toEqual(['D', 'C', 'B', 'A', 'S']);
      const members = report.tiers.reduce((sum, tier) => sum + tier.members, 0);
      expect(members).toBeGreaterThanOrEqual(13);
      expect(Object.values(report.rfmGroups).reduce((a, b) => a + b, 0)).toBe(members);
      const vip = report.tiers.find((tier) => tier.code === 'A');
      expect(vip?.members).toBeGreaterThan(0);
      expect(vip?.averageLtv).toBe(Math.round(((vip?.spend12m ?? 0) * 0.1 * 20) / (vip?.members ?? 1)));

      await fire('2027-01-01T02:00:00Z');
      const second = await item('CONFIG', 'RFM_BREAKPOINTS');
      expect(second).toMatchObject({ runId: '2027-01', basedOn: '2026-12' });
      expect(second?.['breakpoints']).not.toEqual(first?.['breakpoints']);
      // Scored again with the population's own fifths (other test files share the stack, so compare, do not pin).
      const low = (await item(`MEMBER#${buyers[0]}`, 'PROFILE'))?.['rfm'];
      const high = (await item(`MEMBER#${buyers[11]}`, 'PROFILE'))?.['rfm'];
      expect(low).toMatchObject({ breakpointsOf: '2027-01' });
      expect(low['score']['m']).toBeLessThan(high['score']['m']);
      expect(low['score']['f']).toBeLessThan(high['score']['f']);
      expect(high['score']).toMatchObject({ m: 5 });
    });
  });
});
