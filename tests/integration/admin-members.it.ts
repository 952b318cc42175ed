// GET /admin/members look-ups and GET /admin/members/{id}, as marketing sees them.
import { beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '#infra/local/admin-keys';
import { adminCaller, drained, newPerson, putEvents, enroll } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('admin-members', () => {
  let token: string;
  let viewerToken: string;
  const call = adminCaller(() => token);
  const get = (path: string) => call('GET', path);
  const viewer = adminCaller(() => viewerToken);

  beforeAll(async () => {
    token = await signAdminToken({ group: 'marketing', subject: 'marketing-1' });
    viewerToken = await signAdminToken({ group: 'viewer', subject: 'viewer-1' });
  });

  describe('admin member look-up', () => {
    it('writes an access record for every member whose data an admin sees, by look-up or by opening them', async () => {
      const person = newPerson({ name: '기록열람' });
      const { memberId } = await enroll(person);
      expect((await viewer('GET', `/admin/members?email=${encodeURIComponent(person.email)}`)).status).toBe(200);
      expect((await get(`/admin/members/${memberId}`)).status).toBe(200);
      const audit = await get('/admin/audit');
      const records = audit.body['items']
        .filter((entry: { target: string }) => entry.target === `member:${memberId}`)
        .map((entry: { action: string; who: string }) => [entry.action, entry.who]);
      expect(records.sort()).toEqual(
        [
          ['members.find', 'viewer-1'],
          ['members.read', 'marketing-1'],
        ].sort(),
      );
    });

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

    it('shows a viewer contacts masked, no year of birth and no address; marketing sees them whole', async () => {
      const person = newPerson({
        name: '정다은',
        phone: '010-2468-1357',
        birthday: '1992-03-04',
        postalAddress: { postalCode: '06236', address1: '서울 강남구 테헤란로 1' },
        consents: { email: true, sms: false, post: true, nightTime: false },
      });
      const { memberId } = await enroll(person);
      const masked = await viewer('GET', `/admin/members?email=${encodeURIComponent(person.email)}`);
      expect(masked.body['items']).toEqual([
        expect.objectContaining({ memberId, email: `m***@example.com`, phone: '010-****-1357' }),
      ]);
      const detail = await viewer('GET', `/admin/members/${memberId}`);
      expect(detail.body['profile']).toMatchObject({
        email: 'm***@example.com',
        phone: '010-****-1357',
        birthday: '--03-04',
      });
      expect(detail.body['profile']['postalAddress']).toBeUndefined();
      expect(JSON.stringify(detail.body)).not.toContain(person.email);
      expect(JSON.stringify(detail.body)).not.toContain('테헤란로');
      const whole = await get(`/admin/members/${memberId}`);
      expect(whole.body['profile']).toMatchObject({
        email: person.email,
        phone: '+821024681357',
        birthday: '1992-03-04',
      });
    });

    it('rejects a query that is not exactly one of email, phone or name, and a forged cursor', async () => {
      for (const query of [
        '',
        '?name=%ED%83%81',
        '?email=a%40b.com&phone=01012345678',
        '?email=not-an-address',
        '?name=xy&limit=500',
        '?name=xy&cursor=bad',
        '?name=xy&extra=1',
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
