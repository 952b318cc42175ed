// The checks and claims of a send job: every recipient checked in order (targeted, active, address, consent,
// suppression, frequency cap; follow-ups only to reached-not-opened), then claimed in the ledger — the whole job in
// one write when nothing stands in the way — before any SES or SNS call.
import { randomUUID } from 'node:crypto';
import { inHoldout } from '#domain/attribution';
import { type Channel, skipReason, wantsFollowUp } from '#domain/send-checks';
import type { CalendarEntry } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import type { Clock } from './ports.ts';
import {
  encodeRef,
  type LedgerEntry,
  type LedgerRef,
  type LedgerWrite,
  type Recipient,
  type SendJob,
  type SendProfile,
  type SendStore,
} from './sending-ports.ts';

/** A claim still `sending` after this long belongs to a sender that died mid-call: its outcome is unknown. */
export const STALE_SEND_MS = 10 * 60_000;

export interface JobOutcome {
  sent: number;
  skipped: number;
  failed: number;
  deferred: number;
  duplicates: number;
  notRecipients: number;
  calls: number;
  /** Recipients of a job held back because all sending is paused (it comes back later). */
  held?: number;
  /** Recipients kept unsent as the entry's control group (also counted in `skipped`). */
  heldOut?: number;
}

export const emptyOutcome = (): JobOutcome => ({
  sent: 0,
  skipped: 0,
  failed: 0,
  deferred: 0,
  duplicates: 0,
  notRecipients: 0,
  calls: 0,
});

export const ledgerChannel = (channel: Channel, followUp: number | undefined) =>
  followUp ? `${channel}-f${followUp}` : channel;

export interface Prepared {
  readonly recipient: Recipient;
  readonly profile: SendProfile;
  readonly ref: LedgerRef;
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  readonly claimId: string;
}

/**
 * Checks and claims every recipient (all claims and skips of the job in one ledger write when nothing stands in the
 * way); returns those this call may send to, and the sends an earlier try made but did not get announced
 * (`Touchpoint Sent` refused by the bus).
 */
export async function prepare(
  job: SendJob,
  entry: CalendarEntry,
  ladder: TierLadder,
  profiles: ReadonlyMap<string, SendProfile>,
  deps: { readonly store: SendStore; readonly clock: Clock },
  outcome: JobOutcome,
): Promise<{ prepared: Prepared[]; unannounced: LedgerEntry[]; heldOut: Prepared[] }> {
  const now = deps.clock();
  const baseTier = ladder.tiers[0]?.code ?? 'D';
  const channel = ledgerChannel(job.channel, job.followUp);
  // Follow-ups go only to whom the first mail (and any earlier follow-up) reached without any reaction.
  const earlierRefs = (recipient: Recipient): LedgerRef[] =>
    Array.from({ length: job.followUp ?? 0 }, (_, n) => ({
      memberId: recipient.memberId,
      entryId: entry.id,
      period: recipient.period ?? job.period,
      channel: ledgerChannel(job.channel, n === 0 ? undefined : n),
    }));
  const earlier = job.followUp
    ? await deps.store.ledger(job.recipients.flatMap(earlierRefs))
    : new Map<string, LedgerEntry>();
  const writes: LedgerWrite[] = [];
  // Beside each write: the recipient it would let this call send to (none for a skip).
  const candidates: (Prepared | null)[] = [];
  // The writes that hold a recipient out (control group), by index.
  const holdouts = new Map<number, Prepared>();
  const seen = new Set<string>();
  for (const recipient of job.recipients) {
    const profile = profiles.get(recipient.memberId);
    if (!profile) {
      outcome.notRecipients += 1;
      continue;
    }
    const tier = profile.tier ?? baseTier;
    const segment = profile.segment ?? 'occasional';
    const ref: LedgerRef = {
      memberId: recipient.memberId,
      entryId: entry.id,
      period: recipient.period ?? job.period,
      channel,
    };
    const key = encodeRef(ref);
    if (seen.has(key)) {
      outcome.duplicates += 1;
      continue;
    }
    seen.add(key);
    const reason = skipReason(
      entry,
      job.channel,
      { ...profile, tier, segment: profile.segment, hasPostalAddress: Boolean(profile.postalAddress) },
      now,
    );
    if (reason === 'not-targeted' || reason === 'no-address') {
      outcome.notRecipients += 1;
      continue;
    }
    if (job.followUp) {
      const [first, ...followUps] = earlierRefs(recipient).map((ref) => earlier.get(encodeRef(ref)));
      if (
        first?.state !== 'sent' ||
        followUps.some((sent) => !sent) ||
        !wantsFollowUp(
          first.events ?? {},
          followUps.map((sent) => sent?.events ?? {}),
        )
      ) {
        outcome.notRecipients += 1;
        continue;
      }
    }
    if (reason) {
      writes.push({ ref, skip: { reason, at: now, facts: { tier, segment } } });
      candidates.push(null);
      continue;
    }
    const variant = recipient.variant;
    // The control group: a stable share of those it would reach is not sent to (recorded, so it stays unsent on
    // retries and the report knows its size). Follow-ups only reach those sent to, never the holdout.
    if (!job.followUp && entry.holdout && inHoldout(recipient.memberId, entry.id, entry.holdout.percent)) {
      writes.push({ ref, skip: { reason: 'holdout', at: now, facts: { tier, segment } } });
      candidates.push(null);
      holdouts.set(writes.length - 1, { recipient, profile, ref, tier, segment, claimId: '' });
      continue;
    }
    const claimId = randomUUID();
    writes.push({
      ref,
      claim: {
        claimId,
        at: now,
        facts: {
          tier,
          segment,
          ...(variant && { variant }),
          advertising: entry.advertising,
          kind: entry.kind,
          ...(entry.attributionDays && { attributionDays: entry.attributionDays }),
        },
      },
    });
    candidates.push({ recipient, profile, ref, tier, segment, ...(variant && { variant }), claimId });
  }
  const results = await deps.store.claimAll(writes);
  const prepared: Prepared[] = [];
  const heldOut: Prepared[] = [];
  const unannounced: LedgerEntry[] = [];
  const stale: Promise<void>[] = [];
  writes.forEach((write, index) => {
    const result = results[index];
    const candidate = candidates[index];
    if (!candidate) {
      if (result?.claimed) outcome.skipped += 1;
      else outcome.duplicates += 1;
      const holdout = holdouts.get(index);
      if (holdout && result?.claimed) heldOut.push(holdout);
      return;
    }
    if (result?.claimed) {
      prepared.push(candidate);
      return;
    }
    const existing = result?.existing;
    if (
      existing?.state === 'sending' &&
      existing.claimedAt &&
      now.getTime() - new Date(existing.claimedAt).getTime() > STALE_SEND_MS
    ) {
      stale.push(deps.store.markUnknown(write.ref, existing.claimedAt, now));
      outcome.failed += 1;
    } else {
      if (job.channel !== 'email' && existing?.state === 'sent' && !existing.events?.['send'])
        unannounced.push(existing);
      outcome.duplicates += 1;
    }
  });
  await Promise.all(stale);
  // In the job's order (waves and reports read better), as the writes were.
  return { prepared, unannounced, heldOut };
}
