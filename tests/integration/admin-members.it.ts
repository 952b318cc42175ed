// GET /admin/members look-ups and GET /admin/members/{id}, as marketing sees them.
import { beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '#infra/local/admin-keys';
import { adminCaller, drained, newPerson, putEvents, enroll } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('admin-members', () => {
  let token: string;
  const call = adminCaller(() => token);
  const get = (path: string) => call('GET', path);

  beforeAll(async () => {
    token = await signAdminToken({ group: 'viewer', subject: 'viewer-1' });
  });

  describe('admin member look-up', () => {
    it('finds a member by exact e-mail and by phone in any common form', async () => {
      const person = newPerson({ name: '최유나' });
      const { memberId } = await enroll(person);
      const byEmail = await get(`/admin/members?email=${encodeURIComponent(person.email.toUpperCase())}`);
      expect(byEmail.status).toBe(200);
      expect(byEmail.body['items']).toEqual([
        expect.objectContaining({ memberId, name: '최유나', tier: 'D', status: 'active' }),
      ]);
      const phoneDigits = person.phone.replace(/-/g, '');
      const byPhone = await get(`/admin/members?phone=${encodeURIComponent(`+82 ${phoneDigits.slice(1)}`)}`);
      expect(byPhone.body['items'].map((item: { memberId: string }) => item.memberId)).toEqual([memberId]);
      expect((await get('/admin/members?email=nobody%40example.com')).body).toEqual({ items: [] });
    });

    it('finds members by Korean name prefix, in pages', async () => {
      const stem = `탁${Date.now().toString(36)}`;
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await enroll(newPerson({ name: `${stem} ${i}` }))).memberId);
      const first = await get(`/admin/members?name=${encodeURIComponent(stem)}&limit=2`);
      expect(first.body['items']).toHaveLength(2);
      expect(first.body['next']).toEqual(expect.any(String));
      const second = await get(`/admin/members?name=${encodeURIComponent(stem)}&limit=2&cursor=${first.body['next']}`);
      const found = [...first.body['items'], ...second.body['items']].map(
        (item: { memberId: string }) => item.memberId,
      );
      expect(found.sort()).toEqual(ids.sort());
    });

    it('rejects a query that is not exactly one of email, phone or name, and a forged cursor', async () => {
      for (const query of [
        '',
        '?email=a%40b.com&phone=01012345678',
        '?email=not-an-address',
        '?name=x&limit=500',
        '?name=x&cursor=bad',
        '?name=x&extra=1',
      ]) {
        const reply = await get(`/admin/members${query}`);
        expect(reply.status, query).toBe(400);
        expect(reply.body['errors'].length, query).toBeGreaterThan(0);
      }
    });

    it('shows one member with consents, tier history with reasons, spend and contact history', async () => {
      const person = newPerson({ locale: 'en' });
      const { memberId } = await enroll(person);
      await putEvents([
        {
          detailType: 'Purchase Completed',
          detail: {
            orderId: `adm-${memberId}`,
            channel: 'store',
            occurredAt: new Date().toISOString(),
            amount: { value: 1_000_000, currency: 'KRW' },
            member: { memberId },
          },
        },
      ]);
      await drained('purchases');
      await drained('enrollment-mail');
      const reply = await get(`/admin/members/${memberId}`);
      expect(reply.status).toBe(200);
      expect(reply.body['profile']).toMatchObject({ memberId, email: person.email, locale: 'en' });
      expect(reply.body['profile']['steps']).toBeUndefined();
      expect(reply.body['consents']['email']).toMatchObject({ value: true, source: 'join-form' });
      expect(reply.body['consentHistory']).toHaveLength(4);
      expect(reply.body['tier']).toMatchObject({ code: 'B', name: { ko: '골드', en: 'Gold' } });
      expect(reply.body['tierHistory']).toEqual([
        expect.objectContaining({
          from: 'D',
          to: 'B',
          reason: 'purchase',
          figures: expect.objectContaining({ spend12m: 1_000_000 }),
        }),
      ]);
      expect(reply.body['spend']).toMatchObject({ rolling12Months: 1_000_000, purchaseCount: 1 });
      expect(reply.body['contactHistory']).toEqual([
        expect.objectContaining({ touchpoint: 'email-confirmation', channel: 'email', state: 'sent' }),
      ]);
      expect((await get('/admin/members/no-such-member')).status).toBe(404);
    });
  });
});
