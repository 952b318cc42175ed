// The benefit calendar through /admin/calendar: the seeded default programme, validation of content at save time,
// If-Match with 412 for the loser of two concurrent edits, and seeding that never overwrites marketing's edits.
import { beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '#infra/local/admin-keys';
import { DynamoCalendarStore } from '#adapters/calendar-store';
import { DEFAULT_CALENDAR_RELEASES } from '#adapters/calendar-defaults';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { adminCaller } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('admin-calendar', () => {
  let marketing: string;
  const call = adminCaller(() => marketing);

  const entry = (overrides: Record<string, unknown> = {}) => ({
    name: 'Autumn sale',
    kind: 'custom',
    trigger: { type: 'once', at: '2027-10-01T01:00:00Z' },
    tiers: ['B', 'A', 'S'],
    channels: ['email', 'sms'],
    advertising: true,
    content: {
      email: {
        ko: { subject: '{{name}}님 가을 세일', html: '<p>{{coupon}}</p>', text: '{{coupon}}' },
        en: { subject: 'Autumn sale, {{name}}', html: '<p>{{coupon}}</p>', text: '{{coupon}}' },
      },
      sms: { ko: { text: '가을 세일 쿠폰 {{coupon}}' }, en: { text: 'Autumn sale coupon {{coupon}}' } },
    },
    offer: { percentBy: 'tier', percents: { B: 3, A: 5, S: 6 }, validityDays: 14 },
    frequencyCap: { max: 4, perDays: 30 },
    ...overrides,
  });

  beforeAll(async () => {
    marketing = await signAdminToken({ group: 'marketing', subject: 'mk-cal' });
  });

  describe('benefit calendar', () => {
    it('holds the seed VIP care programme from the first start, once', async () => {
      const store = new DynamoCalendarStore(dynamoDocumentClient(), 'dangol', DEFAULT_CALENDAR_RELEASES);
      expect(await Promise.all(Array.from({ length: 4 }, () => store.seedDefaults(new Date())))).toEqual([
        false,
        false,
        false,
        false,
      ]);
      const list = await call('GET', '/admin/calendar');
      expect(list.status).toBe(200);
      const kinds = list.body['items'].map((item: { kind: string }) => item.kind);
      for (const kind of [
        'welcome',
        'vip_entry',
        'thank_you_event',
        'birthday',
        'anniversary',
        'new_product',
        'newsletter',
        'quarterly_mailing',
        'tier_downgrade_notice',
      ])
        expect(kinds).toContain(kind);
      expect(list.body['items'].find((item: { kind: string }) => item.kind === 'quarterly_mailing')).toMatchObject({
        channels: ['post'],
        tiers: ['A', 'S'],
        version: 1,
      });
    });

    it('creates, reads and replaces an entry; the loser of two concurrent edits gets 412', async () => {
      const created = await call('POST', '/admin/calendar', entry());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ version: 1, updatedBy: 'mk-cal', name: 'Autumn sale' });
      const id = created.body['id'];
      const read = await call('GET', `/admin/calendar/${id}`);
      expect(read.etag).toBe('"1"');

      expect((await call('PUT', `/admin/calendar/${id}`, entry({ name: 'x' }))).status).toBe(428);
      const [a, b] = await Promise.all([
        call('PUT', `/admin/calendar/${id}`, entry({ name: 'Autumn sale A' }), { 'if-match': '"1"' }),
        call('PUT', `/admin/calendar/${id}`, entry({ name: 'Autumn sale B' }), { 'if-match': '"1"' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const winner = a.status === 200 ? a : b;
      expect(winner.etag).toBe('"2"');
      expect((await call('GET', `/admin/calendar/${id}`)).body['name']).toBe(winner.body['name']);

      expect((await call('DELETE', `/admin/calendar/${id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
      expect((await call('DELETE', `/admin/calendar/${id}`, undefined, { 'if-match': '"2"' })).status).toBe(204);
      expect((await call('GET', `/admin/calendar/${id}`)).status).toBe(404);
    });

    it.each([
      [
        'an unknown variable',
        entry({
          content: {
            ...entry().content,
            email: { ...entry().content.email, ko: { subject: '{{nmae}}님', html: 'x', text: 'x' } },
          },
        }),
        ['content.email.ko.subject'],
      ],
      [
        'a missing locale',
        entry({ content: { ...entry().content, email: { ko: entry().content.email.ko } } }),
        ['content.email.en'],
      ],
      ['a channel without content', entry({ channels: ['email', 'sms', 'post'] }), ['content.post']],
      [
        'an SMS too long',
        entry({ content: { ...entry().content, sms: { ko: { text: '가'.repeat(980) }, en: { text: 'ok' } } } }),
        ['content.sms.ko.text'],
      ],
      ['an unknown tier', entry({ tiers: ['Z'] }), ['tiers']],
      [
        'offer keys that are not tiers',
        entry({ offer: { percentBy: 'tier', percents: { gold: 5 }, validityDays: 14 } }),
        ['offer.percents'],
      ],
      ['an unknown field', entry({ colour: 'red' }), ['colour']],
      [
        'a bad trigger',
        entry({ trigger: { type: 'member_date', field: 'birthday', offsetDays: 0, localHour: 25 } }),
        ['trigger.localHour'],
      ],
    ])('rejects %s with the field path', async (_, body, paths) => {
      const reply = await call('POST', '/admin/calendar', body);
      expect(reply.status).toBe(400);
      expect(reply.body['errors'].map((error: { path: string }) => error.path).sort()).toEqual(paths.sort());
    });

    it('previews an entry: audience per tier from the counts of the last RFM run, content rendered per channel and locale', async () => {
      const preview = await call('POST', '/admin/calendar/default-birthday/preview');
      expect(preview.status).toBe(200);
      expect(preview.body['samples']['sms']['ko']['text']).toBe('홍길동님, 생일을 축하드립니다! 생일 쿠폰 VIP-8F3K2Q');
      expect(preview.body['samples']['email']['en']['html']).toContain('Happy birthday!');
      const audience = preview.body['audience'];
      expect(Object.keys(audience['byTier'])).toEqual(['D', 'C', 'B', 'A', 'S']);
      expect(audience['total']).toBe(Object.values<number>(audience['byTier']).reduce((a, b) => a + b, 0));
      expect((await call('POST', '/admin/calendar/no-such-entry/preview')).status).toBe(404);
    });

    it('reports a campaign in the fixed shape, zeros until the sender fills it', async () => {
      // An entry nobody has sent yet.
      const created = await call('POST', '/admin/calendar', entry({ name: 'Report shape' }));
      expect(created.status).toBe(201);
      const id = String(created.body['id']);
      const report = await call('GET', `/admin/reports/campaigns/${id}`);
      expect(report.status).toBe(200);
      const zero = {
        sent: 0,
        delivered: 0,
        opened: 0,
        machineOpened: 0,
        clicked: 0,
        bounced: 0,
        complained: 0,
        unsubscribed: 0,
        converted: 0,
        revenue: 0,
        revenuePerRecipient: 0,
      };
      expect(report.body).toEqual({
        campaignId: id,
        name: 'Report shape',
        totals: zero,
        byTier: {},
        bySegment: {},
        byVariant: {},
        byPeriod: {},
        byStep: {},
        holdout: { members: 0, converted: 0, revenue: 0, revenuePerMember: 0 },
        tests: { sent: 0 },
        uplift: null,
      });
      expect((await call('GET', '/admin/reports/campaigns/nothing-here')).status).toBe(404);
    });

    it('never brings back a default entry that marketing deleted', async () => {
      const list = await call('GET', '/admin/calendar');
      const anniversary = list.body['items'].find((item: { id: string }) => item.id === 'default-anniversary');
      expect(
        (
          await call('DELETE', '/admin/calendar/default-anniversary', undefined, {
            'if-match': `"${anniversary.version}"`,
          })
        ).status,
      ).toBe(204);
      expect(
        await new DynamoCalendarStore(dynamoDocumentClient(), 'dangol', DEFAULT_CALENDAR_RELEASES).seedDefaults(
          new Date(),
        ),
      ).toBe(false);
      const after = await call('GET', '/admin/calendar');
      expect(after.body['items'].some((item: { id: string }) => item.id === 'default-anniversary')).toBe(false);
      const audit = await call('GET', '/admin/audit');
      expect(audit.body['items']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ who: 'mk-cal', action: 'calendar.delete', target: 'calendar:default-anniversary' }),
        ]),
      );
    });
  });
});
