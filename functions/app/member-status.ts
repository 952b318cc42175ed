// Use case: a member's standing for a partner system (`GET /partner/members/{id}/status`) — tier and progress from
// the ladder, and the coupons the member can use now. Ids, codes and amounts only: no contact data.
import { followMerges } from '#domain/member-merge';
import { EMPTY_AGGREGATES, type SpendAggregates } from '#domain/spend-window';
import type { TierState } from '#domain/tier-engine';
import { tierProgress } from '#domain/tier-progress';
import type { MemberStatus } from '#schema/member-status';
import { type CouponStore, couponView } from './coupons.ts';
import { NotFound } from './errors.ts';
import type { Clock } from './ports.ts';
import type { LadderSource } from './purchase-ports.ts';

export interface StatusDeps {
  readonly profiles: { profile(memberId: string): Promise<Record<string, unknown> | null> };
  readonly coupons: Pick<CouponStore, 'ofMember'>;
  readonly ladders: LadderSource;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
}

/** The spend buckets of a stored member profile. */
export function aggregatesOf(profile: Record<string, unknown>): SpendAggregates {
  return {
    spendByMonth: (profile['spendByMonth'] as Record<string, number> | undefined) ?? EMPTY_AGGREGATES.spendByMonth,
    ordersByMonth: (profile['ordersByMonth'] as Record<string, number> | undefined) ?? EMPTY_AGGREGATES.ordersByMonth,
    purchaseCount: Number(profile['purchaseCount'] ?? 0),
  };
}

export async function memberStatus(asked: string, deps: StatusDeps): Promise<MemberStatus> {
  if (asked.length === 0 || asked.length > 64) throw new NotFound('No such member');
  // A member merged into another answers as the survivor: the shop's stored id keeps working.
  const { memberId } = await followMerges(asked, (id) => deps.profiles.profile(id));
  const [profile, coupons, ladder] = await Promise.all([
    deps.profiles.profile(memberId),
    deps.coupons.ofMember(memberId),
    deps.ladders.current(),
  ]);
  if (profile?.['status'] !== 'active') throw new NotFound('No such member');
  const now = deps.clock();
  return {
    memberId,
    progress: tierProgress(ladder, profile['tierState'] as TierState | undefined, aggregatesOf(profile), {
      now,
      timeZone: deps.programme.timeZone,
    }),
    coupons: coupons.map((coupon) => couponView(coupon, now)).filter((coupon) => coupon.state === 'active'),
  };
}
