// Use case: one e-mail job (≤ 50 recipients of one entry) as one SendBulkEmail with a stored template per locale.
// A throttled call is made again under the rate a few times; then the unsent claims go back and the job fails so
// that the queue retries it later. Any other failure may have sent the mail: the claims stay (SES's Send events
// settle them), so nobody is mailed twice.
import { BULK_LIMIT, chunk } from '#domain/waves';
import { addressPart, campaignTag, type MailTemplate, senderNameOf, templateFor } from '#domain/message-content';
import type { Prepared } from './send-prepare.ts';
import { followUpDue, type JobOutcome, runJob, type SenderDeps, variablesOf, withThrottleRetries } from './send-job.ts';
import { sendTest } from './send-test.ts';
import { type BulkDestination, type DueItem, encodeRef, NotSentError, type SendJob } from './sending-ports.ts';

export async function sendEmailJob(job: SendJob, deps: SenderDeps): Promise<JobOutcome> {
  const mailer = deps.mailer;
  if (!mailer) throw new Error('e-mail sender without a mailer');
  if (job.test) return sendTest(job, deps);
  return runJob(job, deps, async ({ deps, outcome, entry, ladder, prepared, counters }) => {
    const alternate = job.followUp ? entry.followUp?.alternates[job.followUp - 1] : undefined;
    const from = alternate ? `${alternate.senderName} <${addressPart(deps.from)}>` : deps.from;
    const senderName = alternate?.senderName ?? senderNameOf(deps.from);
    const groups = new Map<string, { template: MailTemplate; items: Prepared[] }>();
    for (const item of prepared) {
      const template = templateFor(entry, item.profile.locale, item.variant, job.followUp);
      const group = groups.get(template.name) ?? { template, items: [] };
      group.items.push(item);
      groups.set(template.name, group);
    }
    const pending = new Set(prepared);
    try {
      for (const { template, items } of groups.values()) {
        for (const part of chunk(items, BULK_LIMIT)) {
          const now = deps.clock();
          const destinations: BulkDestination[] = part.map((item) => {
            const vars = variablesOf(entry, item, ladder, deps, now, senderName);
            return {
              to: item.profile.email ?? '',
              vars,
              headers: {
                'List-Unsubscribe': `<${vars['unsubscribeUrl']}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
              tags: { l: encodeRef(item.ref) },
            };
          });
          const results = await withThrottleRetries(
            deps.limiter,
            part.length,
            () => {
              outcome.calls += 1;
              return mailer.sendBulk(template, from, destinations, {
                campaign: campaignTag(entry),
                kind: entry.advertising ? 'advertising' : 'informational',
              });
            },
            deps.remainingMs,
          );
          for (const item of part) pending.delete(item);
          // Sent ones turn `sent` on the ledger when SES's Send event comes back (record-engagement); only failures
          // and follow-ups are written here.
          const dues: DueItem[] = [];
          const failures: Promise<void>[] = [];
          part.forEach((item, index) => {
            const result = results[index];
            if (result?.ok) {
              const due = followUpDue(entry, job, item, now);
              if (due) dues.push(due);
              counters.add(item);
              outcome.sent += 1;
            } else {
              failures.push(
                deps.store.finish(item.ref, item.claimId, {
                  state: 'failed',
                  reason: result?.reason ?? 'no result',
                  at: now,
                }),
              );
              outcome.failed += 1;
            }
          });
          await Promise.all([...failures, dues.length > 0 ? deps.store.putDues(dues) : Promise.resolve()]);
        }
      }
    } catch (error) {
      // SES said it sent nothing (throttled, refused): the claims go back so that the retry of this job sends them.
      // Any other failure (5xx, timeout, lost connection) may have sent them: the claims stay, and become `sent` on
      // SES's Send event or `failed: outcome-unknown` later — never sent twice.
      if (error instanceof NotSentError)
        await Promise.all([...pending].map((item) => deps.store.release(item.ref, item.claimId)));
      throw error;
    }
  });
}
