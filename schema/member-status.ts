// A member's standing as a partner (a shop's "my page") shows it: tier, progress, active coupons — no contact data.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { isoInstant } from './common.ts';
import { couponView } from './coupons.ts';

const tierRef = { code: z.string(), name: z.strictObject({ ko: z.string(), en: z.string() }) };

export const tierProgressView = z.strictObject({
  tier: z.strictObject(tierRef),
  spend12Months: z.int(),
  purchases12Months: z.int(),
  next: z.optional(z.strictObject({ ...tierRef, spendNeeded: z.int(), purchasesNeeded: z.int() })),
  keep: z.optional(z.strictObject({ until: isoInstant, spendNeeded: z.int(), purchasesNeeded: z.int() })),
});

export const memberStatus = z.strictObject({
  memberId: z.string(),
  progress: tierProgressView,
  coupons: z.array(couponView),
});
export type MemberStatus = z.infer<typeof memberStatus>;
