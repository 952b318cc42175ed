// PUT /admin/tiers: If-Match, 412 on a stale version (two concurrent edits: one wins), validation, audit, and the
// pending ladder taking effect only at the next tier review.
import { beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '#infra/local/admin-keys';
import { DEFAULT_TIER_LADDER } from '#schema/tier-ladder';
import { adminCaller, drained, urls } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('admin-tiers', () => {
  let marketing: string;
  const call = adminCaller(() => marketing);

  const { version: _v, ...ladder } = DEFAULT_TIER_LADDER;
  const edited = (minGold: number) => ({
    ...ladder,
    tiers: ladder.tiers.map((tier) => (tier.code === 'B' ? { ...tier, minSpend: minGold } : tier)),
  });

  beforeAll(async () => {
    marketing = await signAdminToken({ group: 'marketing', subject: 'mk-7' });
  });

  describe('PUT /admin/tiers', () => {
    it('needs If-Match, validates every field, and lets exactly one of two concurrent edits win', async () => {
      const before = await call('GET', '/admin/tiers');
      expect(before.status).toBe(200);
      const etag = before.etag ?? '';

      expect((await call('PUT', '/admin/tiers', edited(900_000))).status).toBe(428);
      const invalid = await call(
        'PUT',
        '/admin/tiers',
        { ...edited(100), currency: 'USD', extra: true },
        { 'if-match': etag },
      );
      expect(invalid.status).toBe(400);
      expect(invalid.body['errors'].map((error: { path: string }) => error.path).sort()).toEqual(['extra', 'tiers']);
      const falling = await call('PUT', '/admin/tiers', edited(100), { 'if-match': etag });
      expect(falling.body['errors']).toEqual([expect.objectContaining({ path: 'tiers' })]);
      expect(
        (await call('PUT', '/admin/tiers', { ...edited(900_000), currency: 'USD' }, { 'if-match': etag })).body[
          'errors'
        ],
      ).toEqual([expect.objectContaining({ path: 'currency' })]);

      const [a, b] = await Promise.all([
        call('PUT', '/admin/tiers', edited(900_000), { 'if-match': etag }),
        call('PUT', '/admin/tiers', edited(800_000), { 'if-match': etag }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const winner = a.status === 200 ? a : b;
      expect(winner.body['pending']).toMatchObject({ by: 'mk-7', appliesAt: 'next tier review' });
      expect(winner.body['preview']).toMatchObject({
        up: expect.any(Number),
        down: expect.any(Number),
        unchanged: expect.any(Number),
        basis: expect.any(String),
      });
      expect(winner.etag).toBe(`"${Number(JSON.parse(etag)) + 1}"`);
      // Not in force yet: the ladder members are measured against is unchanged until the review.
      const after = await call('GET', '/admin/tiers');
      expect(after.body['tiers'].find((tier: { code: string }) => tier.code === 'B').minSpend).toBe(1_000_000);
      expect((await call('PUT', '/admin/tiers', edited(700_000), { 'if-match': etag })).status).toBe(412);

      const audit = await call('GET', '/admin/audit');
      expect(audit.body['items']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            who: 'mk-7',
            action: 'tiers.update',
            beforeVersion: Number(JSON.parse(etag)),
            afterVersion: Number(JSON.parse(etag)) + 1,
          }),
        ]),
      );

      // The next tier review puts the pending ladder in force.
      await fetch(`${urls().http}/_local/schedules/tier-review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: '2031-01-01T01:00:00Z' }),
      });
      await drained('tier-review', 60_000);
      const promoted = await call('GET', '/admin/tiers');
      expect(promoted.body['pending']).toBeUndefined();
      expect(promoted.body['tiers'].find((tier: { code: string }) => tier.code === 'B').minSpend).toBe(
        winner.body['pending']['ladder']['tiers'][2].minSpend,
      );

      // Put the seed ladder back for the other test files that share this stack.
      expect((await call('PUT', '/admin/tiers', ladder, { 'if-match': promoted.etag ?? '' })).status).toBe(200);
      await fetch(`${urls().http}/_local/schedules/tier-review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: '2031-02-01T01:00:00Z' }),
      });
      await drained('tier-review', 60_000);
      expect(
        (await call('GET', '/admin/tiers')).body['tiers'].find((tier: { code: string }) => tier.code === 'B').minSpend,
      ).toBe(1_000_000);
    });
  });
});
