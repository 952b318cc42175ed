// Use case: the monthly tier review. The schedule fans out one message per index shard (once per firing); each
// message reviews one page of the members due (sparse GSI4, no Scan) and, after its writes, hands the rest on through
// the queue, so any number of members is reviewed without reaching the Lambda time limit. The chain never forks: a
// page counts its statistics once (with where it stopped) and hands on once; a retry of a counted page does no
// review again and only finishes a hand-on that a crash cut short.
import { monthKey, pruneMonths } from '#domain/spend-window';
import { initialTierState, review } from '#domain/tier-engine';
import { type HandOnMarkers, handOnOnce } from './hand-on.ts';
import type { Clock, EventPublisher } from './ports.ts';
import type { Account, LadderSource, PurchaseStore } from './purchase-ports.ts';
import { finishTierEvent, ownerRefOf, tierChangeRef, tierEffects } from './tier-effects.ts';

export interface ReviewPageMessage {
  readonly runId: string;
  /** The review's point in time; members whose review time is at or before it are due. */
  readonly reviewAt: string;
  readonly shard: number;
  /** Where the previous page stopped (opaque, made by the store). */
  readonly cursor?: string;
}

export interface ReviewStats {
  readonly itemsRead: number;
  readonly reviewed: number;
  readonly changed: number;
  readonly notices: number;
}

export interface ReviewStore {
  readonly shards: number;
  dueForReview(
    shard: number,
    reviewAt: string,
    pageSize: number,
    cursor?: string,
  ): Promise<{ accounts: Account[]; itemsRead: number; cursor?: string }>;
  /** A page already counted (its statistics written once), with the cursor it handed on, or null. */
  countedPage(runId: string, page: string): Promise<{ next?: string } | null>;
  /** Adds a page's statistics to the run once per page; false when the page was counted already. */
  countPage(runId: string, page: string, stats: ReviewStats, next: string | undefined): Promise<boolean>;
}

export interface ReviewQueue {
  enqueue(messages: readonly ReviewPageMessage[]): Promise<void>;
}

export interface ReviewDeps {
  readonly store: PurchaseStore & ReviewStore;
  readonly ladders: LadderSource;
  readonly events: EventPublisher;
  readonly queue: ReviewQueue;
  readonly handOns: HandOnMarkers;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
  readonly pageSize?: number;
}

const DEFAULT_PAGE_SIZE = 100;

/** One run per schedule firing: a retried firing (same time) hands out no second set of shard messages. */
export async function startTierReview(
  at: Date,
  deps: Pick<ReviewDeps, 'store' | 'queue' | 'handOns' | 'clock'> & { promoteLadder?: (at: Date) => Promise<unknown> },
): Promise<ReviewPageMessage[]> {
  // A ladder edited since the last review takes effect now, for the whole review.
  await deps.promoteLadder?.(at);
  const reviewAt = at.toISOString();
  const messages = Array.from({ length: deps.store.shards }, (_, shard) => ({ runId: reviewAt, reviewAt, shard }));
  const started = await handOnOnce(deps.handOns, `review-start|${reviewAt}`, deps.clock(), () =>
    deps.queue.enqueue(messages),
  );
  return started ? messages : [];
}

/** The page's name within its run: its shard and where it starts. */
const pageOf = (message: ReviewPageMessage) => `${message.shard}|${message.cursor ?? 'start'}`;

/** Hands the next page of the shard to the queue, once per page however often this page runs. */
async function handOn(message: ReviewPageMessage, next: string | undefined, deps: ReviewDeps): Promise<void> {
  if (!next) return;
  await handOnOnce(deps.handOns, `review|${message.runId}|${pageOf(message)}`, deps.clock(), () =>
    deps.queue.enqueue([{ ...message, cursor: next }]),
  );
}

export async function reviewPage(message: ReviewPageMessage, deps: ReviewDeps): Promise<ReviewStats> {
  // A page counted before (a retry after a crash between its writes and its hand-on): review nothing again, since
  // the index has moved on and the same cursor would now read the next members; finish the hand-on.
  const counted = await deps.store.countedPage(message.runId, pageOf(message));
  if (counted) {
    await handOn(message, counted.next, deps);
    return { itemsRead: 0, reviewed: 0, changed: 0, notices: 0 };
  }
  const page = await deps.store.dueForReview(
    message.shard,
    message.reviewAt,
    deps.pageSize ?? DEFAULT_PAGE_SIZE,
    message.cursor,
  );
  const ladder = await deps.ladders.current();
  const clock = { now: new Date(message.reviewAt), timeZone: deps.programme.timeZone };
  let itemsRead = page.itemsRead;
  let changed = 0;
  let notices = 0;
  for (const first of page.accounts) {
    if (first.owner.kind !== 'member') continue;
    let account = first;
    for (let attempt = 0; ; attempt++) {
      const state = account.tierState ?? initialTierState(ladder, clock.now);
      const aggregates = pruneMonths(account.aggregates, monthKey(clock.now, clock.timeZone));
      // Always written: even an unchanged state moves the member's place in the review index past this review.
      const tier = {
        ...tierEffects(ladder, review(ladder, state, aggregates, clock), account.tierState),
        stateChanged: true,
      };
      const history = tier.change ? tierChangeRef(tier.change.at, 'review', message.runId) : undefined;
      const outcome = await deps.store.applyReview({ account, aggregates, tier, ...(history && { history }) });
      if (outcome === 'applied') {
        if (tier.change) changed += 1;
        if (tier.notice) notices += 1;
        await finishTierEvent(ownerRefOf(account.owner), history, deps);
        break;
      }
      // A purchase changed the member meanwhile: read it again and review what is there now.
      if (attempt >= 5) throw new Error('member kept changing during the review');
      // With jitter, so that the purchase that moved it and this review part.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
      account = await deps.store.loadAccount(account.owner);
      itemsRead += 1;
    }
  }
  const stats = { itemsRead, reviewed: page.accounts.length, changed, notices };
  await deps.store.countPage(message.runId, pageOf(message), stats, page.cursor);
  await handOn(message, page.cursor, deps);
  return stats;
}
