// Use case: one SMS or post job. An advertising SMS carries the (광고) prefix and the opt-out line and waits for the
// member's morning at night; a message that went out is never given back (a retry would send it again).
import { adSms, nightHoldUntil } from '#domain/ad-rules';
import { render } from '#domain/templates';
import { announceSent } from './engagement.ts';
import { type JobOutcome, runJob, type SenderDeps, smsIdentity, variablesOf } from './send-job.ts';
import { sendTest } from './send-test.ts';
import type { LedgerRef, SendJob } from './sending-ports.ts';

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
    for (const item of prepared) {
      const now = deps.clock();
      const { profile } = item;
      let messageId: string | undefined;
      try {
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
          messageId = await messenger.sms(
            profile.phone ?? '',
            text,
            entry.advertising ? 'Promotional' : 'Transactional',
          );
        } else {
          const content = entry.content.post?.[profile.locale] ?? entry.content.post?.ko ?? entry.content.post?.en;
          messageId = await messenger.post({
            kind: entry.kind,
            entryId: entry.id,
            period: item.ref.period,
            memberId: profile.memberId,
            name: profile.name,
            locale: profile.locale,
            tier: item.tier,
            title: content?.title ?? entry.name,
            postalAddress: profile.postalAddress ?? null,
          });
        }
        outcome.calls += 1;
      } catch (error) {
        // Not sent: the claim goes back so that the retry of this job sends it.
        await deps.store.release(item.ref, item.claimId);
        throw error;
      }
      // Sent: from here a failure must never give the claim back (the retry would send it again).
      await deps.store.finish(item.ref, item.claimId, { state: 'sent', messageId, at: now });
      if (entry.advertising) await deps.store.noteAdSend(profile.memberId, profile.adSends, now);
      counters.add(item);
      outcome.sent += 1;
      await announce(item.ref, messageId, now.toISOString());
    }
  });
}
