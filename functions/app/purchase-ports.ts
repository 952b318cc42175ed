// What purchase ingestion and the tier review need from storage.
import type { Attribution, Touch } from '#domain/attribution';
import type { CouponRejection } from '#domain/coupons';
import type { SpendAggregates } from '#domain/spend-window';
import type { DowngradeNotice, TierChange, TierState } from '#domain/tier-engine';
import type { TierLadder } from '#schema/tier-ladder';

/** A prospect (purchases by someone not yet a member), named by the store from the contact the channel gave. */
export type ProspectRef = string;

/** Whose spend a purchase counts for: a member, or a prospect keyed by the contact the channel gave. */
export type Owner =
  | { readonly kind: 'member'; readonly memberId: string }
  | {
      readonly kind: 'prospect';
      readonly ref: ProspectRef;
      readonly contact: { email?: string; phone?: string; name?: string };
    };

/** Whose an order is, as the order remembers it. */
export type OwnerRef =
  | { readonly kind: 'member'; readonly memberId: string }
  | { readonly kind: 'prospect'; readonly ref: ProspectRef };

/** One entry of a member's tier history: when, and what caused it (`[channel, orderId]`, `['review', runId]`…). */
export interface TierChangeRef {
  readonly at: string;
  readonly cause: readonly string[];
}

export interface Account {
  readonly owner: Owner;
  readonly aggregates: SpendAggregates;
  readonly tierState?: TierState;
  /** Optimistic lock on the aggregates; 0 when the item has none yet. */
  readonly version: number;
  /** The member's last touchpoint (or holdout of one), for attributing the purchase. */
  readonly lastTouch?: Touch;
  /**
   * The purchase named a member merged into this one (by its id, or by a contact the merge moved): undoing that
   * merge gives the purchase back to it.
   */
  readonly cameThrough?: { readonly mergeId: string; readonly memberId: string };
}

/** What became of a coupon an order named: redeemed by it, or rejected with the reason (the order counts anyway). */
export type CouponOutcome =
  | { readonly code: string; readonly redeemed: true; readonly discount: number }
  | { readonly code: string; readonly redeemed: false; readonly reason: CouponRejection };

export interface OrderRecord {
  readonly channel: string;
  readonly orderId: string;
  readonly owner: OwnerRef;
  readonly amount: number;
  readonly currency: string;
  readonly refunded: number;
  readonly month: string;
  readonly occurredAt: string;
  /** The tier-history entry this order caused, if any (to finish publishing its event). */
  readonly tierChange?: TierChangeRef;
  /** The coupons the order named, each redeemed or rejected. */
  readonly coupons?: readonly CouponOutcome[];
  /** The campaign (and period) the order counts as a conversion of. */
  readonly attribution?: Attribution;
}

export interface TierEffects {
  readonly state: TierState;
  /** False when the decision left the stored tier state as it was: nothing about the tier needs writing. */
  readonly stateChanged: boolean;
  readonly change?: TierChange;
  readonly notice?: DowngradeNotice;
  readonly nextReviewAt?: string;
  readonly ladderVersion: number;
  /** Whether entering the new tier records the vip_entry touchpoint as due. */
  readonly entryTouchpoint: boolean;
}

export type WriteOutcome = 'applied' | 'duplicate' | 'conflict';

/** Whose a purchase is: members and prospects, orders and refunds as they stand. */
export interface AccountReader {
  /** The account an order belongs to now: its member, or its prospect (or the member that prospect joined). */
  accountOf(owner: OwnerRef): Promise<Account | null>;
  /** The prospects a contact would have, for joining them to a member who enrolls with it. */
  prospectsOf(contacts: { email?: string; phone?: string }): ProspectRef[];
  /** Reads many members' accounts in one call ahead of a batch; resolveAccount then uses each at most once. */
  prefetchMembers(memberIds: readonly string[]): Promise<void>;
  /** Drops what a batch prefetched and did not use, so nothing stale outlives the batch. */
  forgetPrefetched(): void;
  /** Finds whose account a purchase counts for (member by id, else by e-mail or phone, else a prospect) and reads it. */
  resolveAccount(query: { memberId?: string; email?: string; phone?: string; name?: string }): Promise<Account | null>;
  loadAccount(owner: Owner): Promise<Account>;
  getOrder(channel: string, orderId: string): Promise<OrderRecord | null>;
  refundExists(channel: string, refundId: string): Promise<boolean>;
  /** A prospect's account, unless it already joined a member. */
  prospectAccount(prospect: ProspectRef): Promise<Account | null>;
}

/** The transactional writes of purchases, refunds, reviews and merges, and the publication of tier changes. */
export interface PurchaseWriter {
  /**
   * One transaction: the order (must not exist), the owner's aggregates (at the expected version), each coupon it
   * redeems (still active and the member's) and its campaign's conversion counters.
   */
  recordPurchase(input: {
    order: OrderRecord;
    items?: unknown;
    account: Account;
    aggregates: SpendAggregates;
    tier?: TierEffects;
  }): Promise<WriteOutcome>;
  /**
   * One transaction: the refund (must not exist), the order's refunded total and the owner's aggregates, the campaign
   * revenue it takes back; a refund of the whole order gives its coupons back.
   */
  recordRefund(input: {
    refund: { channel: string; refundId: string; orderId: string; amount: number; occurredAt: string };
    order: OrderRecord;
    account: Account;
    aggregates: SpendAggregates;
    tier?: TierEffects;
  }): Promise<WriteOutcome>;
  /** One transaction: the review's decision on the member (state, review index, history, notice). */
  applyReview(input: {
    account: Account;
    aggregates: SpendAggregates;
    tier: TierEffects;
    history?: TierChangeRef;
  }): Promise<WriteOutcome>;
  /** One transaction: the prospect marked as joined to the member, its buckets added to the member's. */
  mergeProspect(input: {
    prospect: Account;
    member: Account;
    aggregates: SpendAggregates;
    tier: TierEffects;
    history?: TierChangeRef;
  }): Promise<WriteOutcome>;
  /** The tier-history entry's Tier Changed event still unpublished, if any. */
  unpublishedTierChange(memberId: string, ref: TierChangeRef): Promise<TierChangeRecord | null>;
  markTierChangePublished(memberId: string, ref: TierChangeRef, at: Date): Promise<void>;
}

export type PurchaseStore = AccountReader & PurchaseWriter;

export interface TierChangeRecord {
  readonly memberId: string;
  readonly ref: TierChangeRef;
  readonly change: TierChange;
  readonly ladderVersion: number;
}

export interface LadderSource {
  current(): Promise<TierLadder>;
}
