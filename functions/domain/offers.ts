// Offers of a touchpoint: the coupon percent by tier or RFM offer group, and the coupon code of a member's send.
import { createHmac } from 'node:crypto';
import type { CalendarEntry } from '#schema/calendar';

export type OfferGroup = 'most-frequent' | 'frequent' | 'average' | 'occasional';

/** Coupon percent for a member, by tier or RFM offer group as the entry says; members not yet scored count as occasional. */
export function couponPercent(
  offer: NonNullable<CalendarEntry['offer']>,
  tier: string,
  group: OfferGroup | undefined,
): number {
  const key = offer.percentBy === 'tier' ? tier : (group ?? 'occasional');
  return offer.percents[key] ?? 0;
}

/** A coupon code unique per member, entry and period, and reproducible (a retry shows the same code). */
export function couponCode(secret: string, memberId: string, entryId: string, period: string): string {
  const digest = createHmac('sha256', secret).update(`coupon|${memberId}|${entryId}|${period}`).digest();
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 12; i++) code += alphabet[(digest[i] ?? 0) % alphabet.length];
  return `DG-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}
