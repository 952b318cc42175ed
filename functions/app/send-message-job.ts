// Use case: one SMS or post job. An advertising SMS carries the (광고) prefix and the opt-out line and waits for the
// member's morning at night. SMS are paced by the SMS rate; SNS throttling is waited out like SES's. A message that
// went out is never given back (a retry would send it again), and neither is one that may have: when SNS's answer is
// lost (a 5xx, a timeout, a broken connection after the request), that recipient is recorded `failed:
// outcome-unknown` and never sent again — one missing SMS rather than two. Whatever was not tried yet goes back to
// the queue with the job.
import { adSms, nightHoldUntil } from '#domain/ad-rules';
import { render } from '#domain/templates';
import { announceSent } from './engagement.ts';
import {
  type JobOutcome,
  runJob,
  type SenderDeps,
  smsIdentity,
  touchFor,
  variablesOf,
  withThrottleRetries,
} from './send-job.ts';
import { sendTest } from './send-test.ts';
import { type LedgerRef, NotSentError, RecipientRefused, type SendJob } from './sending-ports.ts';

export async function sendMessageJob(job: SendJob, deps: SenderDeps): Promise<JobOutcome> {
  const messenger = deps.messenger;
  if (!messenger) throw new Error('message sender without a messenger');
  if (job.test) return sendTest(job, deps);
  return runJob(job, deps, async ({ deps, outcome, entry, ladder, prepared, unannounced, counters }) => {
    const events = deps.events;
    const announce = (ref: LedgerRef, messageId: string, at: string) =>
      events ? announceSent(ref, { messageId, at }, { store: deps.store, events }) : Promise.resolve(false);
    for (const sent of unannounced)
      await announce(sent, sent.messageId ?? '', sent.sentAt ?? deps.clock().toISOString());
    // Claimed and not yet tried: given back if the job stops, so that its retry sends them.
    const untried = new Set(prepared);
    const release = (claimed: (typeof prepared)[number]) => deps.store.release(claimed.ref, claimed.claimId);
    for (const item of prepared) {
      untried.delete(item);
      const now = deps.clock();
      const { profile } = item;
      let call: () => Promise<string>;
      try {
        // Everything before the call to SNS: a failure here (a deferral not written, no content, no sender
        // identity) has sent nothing to anyone.
        if (job.channel === 'sms') {
          const hold =
            entry.advertising && !profile.consents.nightTime?.value ? nightHoldUntil(now, profile.timeZone) : null;
          if (hold) {
            await deps.store.defer(item.ref, item.claimId, hold, { tier: item.tier, segment: item.segment });
            outcome.deferred += 1;
            continue;
          }
          const content = entry.content.sms?.[profile.locale] ?? entry.content.sms?.ko ?? entry.content.sms?.en;
          if (!content) throw new Error(`entry ${entry.id} has no SMS content`);
          const sms = smsIdentity(deps);
          const text = adSms(
            render(content.text, variablesOf(entry, item, ladder, deps, now, sms.name)),
            entry.advertising,
            sms,
          );
          const type = entry.advertising ? 'Promotional' : 'Transactional';
          call = () =>
            withThrottleRetries(
              deps.limiter,
              1,
              () => {
                outcome.calls += 1;
                return messenger.sms(profile.phone ?? '', text, type);
              },
              deps.remainingMs,
            );
        } else {
          const content = entry.content.post?.[profile.locale] ?? entry.content.post?.ko ?? entry.content.post?.en;
          const record = {
            kind: entry.kind,
            entryId: entry.id,
            period: item.ref.period,
            memberId: profile.memberId,
            name: profile.name,
            locale: profile.locale,
            tier: item.tier,
            title: content?.title ?? entry.name,
            postalAddress: profile.postalAddress ?? null,
          };
          call = () => {
            outcome.calls += 1;
            return messenger.post(record);
          };
        }
      } catch (error) {
        await Promise.all([item, ...untried].map(release));
        throw error;
      }
      let messageId: string;
      try {
        messageId = await call();
      } catch (error) {
        if (error instanceof RecipientRefused) {
          // SNS refused this one for good (a number it cannot text): it stays failed; the rest go on.
          await deps.store.finish(item.ref, item.claimId, { state: 'failed', reason: error.message, at: now });
          outcome.failed += 1;
          continue;
        }
        if (error instanceof NotSentError) {
          // Not sent (throttled past the job's tries, no time left, refused for the account, unreachable), and the
          // rest cannot go now either: all of them back to the queue.
          await Promise.all([item, ...untried].map(release));
          throw error;
        }
        // SNS may have sent it: never again. The rest wait for the job's retry.
        await Promise.all([
          deps.store.finish(item.ref, item.claimId, { state: 'failed', reason: 'outcome-unknown', at: now }),
          ...[...untried].map(release),
        ]);
        outcome.failed += 1;
        throw error;
      }
      // Sent: from here a failure must never give the claim back (the retry would send it again).
      await deps.store.finish(item.ref, item.claimId, { state: 'sent', messageId, at: now });
      await deps.store.noteTouch(
        profile.memberId,
        touchFor(entry, item, now),
        entry.advertising ? { recent: profile.adSends, at: now } : undefined,
      );
      counters.add(item);
      outcome.sent += 1;
      await announce(item.ref, messageId, now.toISOString());
    }
  });
}
