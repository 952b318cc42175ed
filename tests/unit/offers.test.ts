// Coupons and conversions as pure rules: codes as people type them, whether a coupon applies and its discount,
// last-touch attribution within the window, the stable holdout draw, and the uplift's interval (Newcombe 1998).
import { describe, expect, it } from 'vitest';
import { attributedTouch, inHoldout, laterTouch, type Touch, uplift } from '#domain/attribution';
import { checkCoupon, type Coupon, discountOf, issuedCoupon, normaliseCouponCode } from '#domain/coupons';
import { DEFAULT_CALENDAR } from '#domain/default-calendar';

const coupon = (fields: Partial<Coupon> = {}): Coupon => ({
  code: 'DG-AAAA-BBBB-CCCC',
  memberId: 'm-1',
  entryId: 'default-birthday',
  period: '2027',
  offer: { percent: 6, minSpend: 0 },
  validFrom: '2027-01-20T01:00:00.000Z',
  validUntil: '2027-02-19T01:00:00.000Z',
  tier: 'D',
  segment: 'occasional',
  status: 'active',
  ...fields,
});
const at = new Date('2027-01-25T00:00:00Z');

describe('coupon codes', () => {
  it('reads a code however it is typed, and nothing that cannot be one', () => {
    expect(normaliseCouponCode('dg-aaaa-bbbb-cccc')).toBe('DG-AAAA-BBBB-CCCC');
    expect(normaliseCouponCode(' DG AAAA BBBB CCCC ')).toBe('DG-AAAA-BBBB-CCCC');
    expect(normaliseCouponCode('DGAAAABBBBCCCC')).toBe('DG-AAAA-BBBB-CCCC');
    // 0, 1, O and I are not in the alphabet (they read alike); neither is a code of the wrong length.
    expect(normaliseCouponCode('DG-AAAA-BBBB-CCC0')).toBeNull();
    expect(normaliseCouponCode('DG-AAAA-BBBB-CCC')).toBeNull();
    expect(normaliseCouponCode('someone@example.com')).toBeNull();
  });

  it('issues the same code for the same member, entry and period, another for another period', () => {
    const entry = DEFAULT_CALENDAR.find((candidate) => candidate.id === 'default-birthday');
    if (!entry) throw new Error('no default birthday entry');
    const now = new Date('2027-01-20T01:00:00Z');
    const recipient = { memberId: 'm-1', tier: 'D', period: '2027' };
    const a = issuedCoupon({ ...entry, version: 1, updatedAt: '', updatedBy: '' }, recipient, { secret: 's', now });
    const b = issuedCoupon({ ...entry, version: 1, updatedAt: '', updatedBy: '' }, recipient, { secret: 's', now });
    const c = issuedCoupon(
      { ...entry, version: 1, updatedAt: '', updatedBy: '' },
      { ...recipient, period: '2028' },
      { secret: 's', now },
    );
    expect(a?.code).toMatch(/^DG-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(b?.code).toBe(a?.code);
    expect(c?.code).not.toBe(a?.code);
    // Not scored yet: the occasional group's 6 %, valid for the entry's 30 days.
    expect(a).toMatchObject({ offer: { percent: 6, minSpend: 0 }, validUntil: '2027-02-19T01:00:00.000Z' });
    // The most frequent buyers get 0 %: no coupon at all.
    expect(
      issuedCoupon(
        { ...entry, version: 1, updatedAt: '', updatedBy: '' },
        { ...recipient, segment: 'most-frequent' },
        { secret: 's', now },
      ),
    ).toBeNull();
  });
});

describe('whether a coupon applies', () => {
  it('gives its discount to its member within its validity', () => {
    expect(checkCoupon(coupon(), { memberId: 'm-1', amount: 50_000, at })).toMatchObject({
      applies: true,
      discount: 3_000,
    });
    expect(discountOf({ amount: 5_000, minSpend: 0 }, 3_000)).toBe(3_000);
    expect(discountOf({ percent: 6, minSpend: 0 }, 999)).toBe(59);
  });

  it.each([
    ['unknown', null, { memberId: 'm-1', amount: 1, at }],
    ['foreign', coupon(), { memberId: 'm-2', amount: 1, at }],
    ['used', coupon({ status: 'redeemed', redeemedBy: { channel: 'web', orderId: 'o-1', at: '' } }), { amount: 1, at }],
    ['not-yet-valid', coupon(), { amount: 1, at: new Date('2027-01-01T00:00:00Z') }],
    ['expired', coupon(), { amount: 1, at: new Date('2027-03-01T00:00:00Z') }],
    ['below-minimum', coupon({ offer: { percent: 6, minSpend: 30_000 } }), { amount: 29_999, at }],
  ] as const)('refuses a coupon: %s', (reason, stored, use) => {
    expect(checkCoupon(stored, use)).toMatchObject({ applies: false, reason });
  });

  it('lets the order that redeemed it see it as its own (a replay of that order)', () => {
    const redeemed = coupon({ status: 'redeemed', redeemedBy: { channel: 'web', orderId: 'o-1', at: '' } });
    expect(checkCoupon(redeemed, { memberId: 'm-1', amount: 10, at, orderId: 'o-1' }).applies).toBe(true);
  });
});

describe('attribution', () => {
  const touch: Touch = { entryId: 'e', period: 'p', at: '2027-01-20T01:00:00.000Z', days: 7, tier: 'D', segment: 's' };

  it('attributes a purchase within the window after the last touch, not before it or after it', () => {
    expect(attributedTouch(touch, '2027-01-27T01:00:00.000Z')).toMatchObject({ entryId: 'e', via: 'touch' });
    expect(attributedTouch(touch, '2027-01-27T01:00:00.001Z')).toBeNull();
    expect(attributedTouch(touch, '2027-01-20T00:59:59.999Z')).toBeNull();
    expect(attributedTouch(undefined, '2027-01-21T00:00:00.000Z')).toBeNull();
    expect(attributedTouch({ ...touch, holdout: true }, '2027-01-21T00:00:00.000Z')).toMatchObject({ holdout: true });
  });

  it('keeps the later of two touches whatever order their events arrive in', () => {
    const later = { ...touch, entryId: 'f', at: '2027-01-21T00:00:00.000Z' };
    expect(laterTouch(later, touch)).toBe(later);
    expect(laterTouch(touch, later)).toBe(later);
    expect(laterTouch(undefined, touch)).toBe(touch);
  });

  it('draws the holdout stably per member and entry, close to its share', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `member-${i}`);
    const held = ids.filter((id) => inHoldout(id, 'entry-1', 5)).length;
    expect(held / ids.length).toBeGreaterThan(0.045);
    expect(held / ids.length).toBeLessThan(0.055);
    expect(ids.filter((id) => inHoldout(id, 'entry-1', 5)).length).toBe(held);
    // Another entry draws another group.
    const other = ids.filter((id) => inHoldout(id, 'entry-2', 5));
    expect(other.filter((id) => inHoldout(id, 'entry-1', 5)).length).toBeLessThan(held / 5);
    expect(inHoldout('member-1', 'entry-1', 0)).toBe(false);
  });

  it('gives the uplift with Newcombe’s hybrid score interval (his 1998 example: 56/70 against 48/80)', () => {
    expect(uplift({ members: 70, converted: 56 }, { members: 80, converted: 48 })).toEqual({
      sentRate: 0.8,
      holdoutRate: 0.6,
      difference: 0.2,
      ci95: { low: expect.closeTo(0.0524, 3), high: expect.closeTo(0.3339, 3) },
      significant: true,
    });
    expect(uplift({ members: 10, converted: 1 }, { members: 10, converted: 1 })?.significant).toBe(false);
    expect(uplift({ members: 10, converted: 1 }, { members: 0, converted: 0 })).toBeNull();
  });
});
