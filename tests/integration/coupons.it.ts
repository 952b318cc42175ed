// Coupons as real things on the emulators: the birthday mail's coupon is stored, a shop validates it with a SigV4
// signature, a purchase redeems it once (replays and a concurrent second use do not), a refund gives it back, and the
// campaign report shows the conversion and its revenue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '#infra/local/admin-keys';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { DynamoMemberStore } from '#adapters/member-store';
import { localClock } from '#domain/local-time';
import type { Member } from '#schema/member';
import { mailableMember } from '../support/mail-fixtures.ts';
import { adminCaller, drained, partnerCall, post, putEvents, retire, urls } from './helpers.ts';

describe('coupons', () => {
  const TABLE = 'dangol';
  let marketing: string;
  const call = adminCaller(() => marketing);
  const created: string[] = [];

  beforeAll(async () => {
    marketing = await signAdminToken({ group: 'marketing', subject: 'mk-coupons' });
  });
  afterAll(() => retire(created));

  const events = async () =>
    (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
      events: { detailType: string; detail: Record<string, any> }[];
      email: { destination: { to: string[] }; subject: string; body: { text?: string } }[];
    };

  /**
   * The hour to run the dispatcher for: two hours ago (passed, so the job's clock is the real time and the coupon is
   * valid now; not the current hour, which another test dispatches), or the one before when that is 01:00 UTC, when
   * the default monthly entries go out to every member of the shared stack.
   */
  function dispatchHour(): Date {
    const earlier = (Math.floor(Date.now() / 3_600_000) - 2) * 3_600_000;
    return new Date(new Date(earlier).getUTCHours() === 1 ? earlier - 3_600_000 : earlier);
  }

  /** A zone where `hour` is 10:00 local, and the member's local date then: their birthday. */
  function birthdayAt(hour: Date): { timeZone: string; birthday: string } {
    const offset = ((((10 - hour.getUTCHours() + 12) % 24) + 24) % 24) - 12;
    // IANA's Etc zones count the other way round: Etc/GMT-9 is UTC+9.
    const timeZone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const local = localClock(hour, timeZone);
    expect(local.hour).toBe(10);
    const pad = (n: number) => String(n).padStart(2, '0');
    return { timeZone, birthday: `1990-${pad(local.month)}-${pad(local.day)}` };
  }

  async function member(fields: Partial<Member>): Promise<Member> {
    const memberId = randomUUID();
    const value = {
      ...mailableMember(memberId, '쿠폰', `c-${memberId.slice(0, 8)}@c${memberId.slice(0, 6)}.test`),
      ...fields,
    };
    expect((await new DynamoMemberStore(dynamoDocumentClient(), TABLE).createMember(value, [])).created).toBe(true);
    created.push(memberId);
    return value;
  }

  const purchase = (memberId: string, orderId: string, value: number, coupons?: string[]) => ({
    detailType: 'Purchase Completed',
    detail: {
      orderId,
      channel: 'web-shop',
      occurredAt: new Date().toISOString(),
      amount: { value, currency: 'KRW' },
      member: { memberId },
      ...(coupons && { coupons }),
    },
  });

  it('drives a birthday coupon from the mail to validation, one redemption, a refund and the report’s revenue', async () => {
    const hour = dispatchHour();
    const zoned = birthdayAt(hour);
    const period = String(localClock(hour, zoned.timeZone).year);
    const person = await member(zoned);
    const buyer = await member({});
    const fired = await post('/_local/schedules/dispatcher', { at: hour.toISOString() });
    expect(fired.status).toBe(200);
    await drained(['dispatch', 'email-sends', 'message-sends', 'ses-events'], 60_000);

    // The mail carries the code; the coupon is stored with the RFM offer (not yet scored: occasional, 6 %).
    const mail = (await events()).email.find((m) => m.destination.to.includes(person.email ?? ''));
    const code = /DG-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(mail?.body.text ?? '')?.[0] ?? '';
    expect(code).not.toBe('');
    // Every mail names the member's page (where the coupon shows too).
    expect(mail?.body.text).toMatch(/회원 페이지\(등급, 혜택, 수신 동의\): http:\/\/127\.0\.0\.1:\d+\/me\/sign-in$/);
    const listed = await call('GET', `/admin/coupons?memberId=${person.memberId}`);
    expect(listed.status).toBe(200);
    expect(listed.body['coupons']).toEqual([
      expect.objectContaining({ code, campaignId: 'default-birthday', percent: 6, minSpend: 0, state: 'active' }),
    ]);
    expect((await call('GET', '/admin/coupons')).status).toBe(400);

    // A shop's own member page: tier, progress and the coupon, no contact data; signed, or refused.
    const status = await partnerCall('GET', `/partner/members/${person.memberId}/status`);
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      memberId: person.memberId,
      progress: {
        tier: { code: 'D', name: { ko: '일반', en: 'Member' } },
        spend12Months: 0,
        purchases12Months: 0,
        next: { code: 'C', name: { ko: '실버', en: 'Silver' }, spendNeeded: expect.any(Number), purchasesNeeded: 0 },
      },
      coupons: [expect.objectContaining({ code, state: 'active', percent: 6 })],
    });
    expect(JSON.stringify(status.body)).not.toContain(person.email ?? '@');
    expect(
      (await partnerCall('GET', `/partner/members/${person.memberId}/status`, undefined, { unsigned: true })).status,
    ).toBe(401);
    expect((await partnerCall('GET', '/partner/members/nobody-here/status')).status).toBe(404);

    // A shop asks, signed with SigV4; unsigned, tampered or wrongly signed requests never reach the handler.
    const ask = { code, memberId: person.memberId, amount: { value: 50_000, currency: 'KRW' } };
    expect((await partnerCall('POST', '/partner/coupons/validate', ask, { unsigned: true })).status).toBe(401);
    expect(
      (
        await partnerCall('POST', '/partner/coupons/validate', ask, {
          tamper: (body) => body.replace('50000', '90000'),
        })
      ).status,
    ).toBe(403);
    expect(
      (await partnerCall('POST', '/partner/coupons/validate', ask, { secret: 'not-the-secret-0000000000000000000' }))
        .status,
    ).toBe(403);
    const valid = await partnerCall('POST', '/partner/coupons/validate', ask);
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ code, valid: true, discount: { value: 3_000, currency: 'KRW' } });
    // Typed loosely (lower case, no dashes) it is the same code; someone else's basket is refused; a bare amount too.
    const loose = code.toLowerCase().replace(/-/g, '');
    expect(
      (
        await partnerCall('POST', '/partner/coupons/validate', {
          code: loose,
          memberId: buyer.memberId,
          amount: 50_000,
        })
      ).body,
    ).toEqual({ code, valid: false, reason: 'foreign', discount: 0 });
    expect(
      (await partnerCall('POST', '/partner/coupons/validate', { code: 'DG-AAAA-BBBB-CCCC', amount: 1 })).body,
    ).toMatchObject({ valid: false, reason: 'unknown' });
    const bad = await partnerCall('POST', '/partner/coupons/validate', { code: '', amount: -1, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body['errors'].map((error: { path: string }) => error.path).sort()).toEqual(['amount', 'code', 'extra']);

    // The purchase that names it redeems it, once: the same event again and again changes nothing.
    const first = randomUUID();
    await putEvents([purchase(person.memberId, first, 50_000, [loose])]);
    await drained('purchases');
    await putEvents([
      purchase(person.memberId, first, 50_000, [loose]),
      purchase(person.memberId, first, 50_000, [loose]),
    ]);
    await drained('purchases');
    const redeemed = (await call('GET', `/admin/coupons?memberId=${person.memberId}`)).body['coupons'][0];
    expect(redeemed).toMatchObject({ state: 'redeemed', redeemedBy: { channel: 'web-shop', orderId: first } });
    const announced = (await events()).events.filter(
      (event) => event.detailType === 'Coupon Redeemed' && event.detail['memberId'] === person.memberId,
    );
    expect(announced.map((event) => event.detail)).toEqual([
      expect.objectContaining({ code, campaignId: 'default-birthday', period, orderId: first, discount: 3_000 }),
    ]);
    expect(JSON.stringify(announced)).not.toContain(person.email ?? '@');
    expect((await partnerCall('POST', '/partner/coupons/validate', ask)).body).toMatchObject({
      valid: false,
      reason: 'used',
    });

    // A second order naming the used code still counts (spend), the coupon recorded as rejected on it.
    const second = randomUUID();
    await putEvents([purchase(person.memberId, second, 20_000, [code])]);
    await drained('purchases');
    const profile = await call('GET', `/admin/members/${person.memberId}`);
    expect(profile.body['spend']).toMatchObject({ purchaseCount: 2 });

    // The report of this year's birthday issue: two conversions (the coupon's, and the next order within the
    // window of the mail), their revenue once each.
    const report = async () => (await call('GET', `/admin/reports/campaigns/default-birthday?period=${period}`)).body;
    const before = await report();
    expect(before['period']).toBe(period);
    expect(before['totals']).toMatchObject({ converted: 2, revenue: 70_000 });
    expect(before['byTier']['D']).toMatchObject({ converted: 2, revenue: 70_000 });

    // A refund of the whole first order gives the coupon back and takes its revenue out of the report.
    await putEvents([
      {
        detailType: 'Purchase Refunded',
        detail: {
          orderId: first,
          refundId: `${first}-r`,
          channel: 'web-shop',
          occurredAt: new Date().toISOString(),
          amount: { value: 50_000, currency: 'KRW' },
        },
      },
    ]);
    await drained('purchases');
    expect((await partnerCall('POST', '/partner/coupons/validate', ask)).body).toMatchObject({ valid: true });
    expect((await report())['totals']).toMatchObject({ converted: 2, revenue: 20_000 });

    // Two orders naming it at once: exactly one redeems it.
    const racing = [randomUUID(), randomUUID()];
    await putEvents(racing.map((orderId) => purchase(person.memberId, orderId, 30_000, [code])));
    await drained('purchases');
    const after = (await call('GET', `/admin/coupons?memberId=${person.memberId}`)).body['coupons'][0];
    expect(after['state']).toBe('redeemed');
    expect(racing).toContain(after['redeemedBy']['orderId']);
    const redemptions = (await events()).events.filter(
      (event) => event.detailType === 'Coupon Redeemed' && event.detail['memberId'] === person.memberId,
    );
    expect(redemptions.map((event) => event.detail['orderId'])).toEqual([first, after['redeemedBy']['orderId']]);
    expect((await report())['totals']).toMatchObject({ converted: 4, revenue: 80_000 });
  }, 120_000);
});
