// Use case: a test send from the admin API — the entry rendered with sample values to the address or phone given,
// marked `[TEST]`, with no ledger or caps; counted as tests only.
import { adSms } from '#domain/ad-rules';
import { campaignTag, sampleVariables, senderNameOf, templateFor } from '#domain/message-content';
import { render } from '#domain/templates';
import { emptyOutcome, type JobOutcome } from './send-prepare.ts';
import { jobClock, type SenderDeps, smsIdentity } from './send-job.ts';
import type { SendJob } from './sending-ports.ts';

/** The counter of test sends: an outcome no campaign figure sums. */
export const TEST_SENT = 'testSent';

/** A test send: the entry rendered with sample values to the address or phone given, marked as a test. */
export async function sendTest(job: SendJob, realDeps: SenderDeps): Promise<JobOutcome> {
  const outcome = emptyOutcome();
  const test = job.test;
  if (!test) return outcome;
  const deps = jobClock(job, realDeps);
  const entry = await deps.calendar.get(job.entryId);
  if (!entry) {
    outcome.notRecipients += 1;
    return outcome;
  }
  const now = deps.clock();
  const locale = test.locale;
  const vars = sampleVariables(entry, locale, {
    now,
    senderName: job.channel === 'sms' ? smsIdentity(deps).name : senderNameOf(deps.from),
    unsubscribeUrl: `${deps.publicBaseUrl}/unsubscribe?token=test`,
    memberPageUrl: `${deps.publicBaseUrl}/me/sign-in`,
  });
  if (job.channel === 'email') {
    const template = templateFor(entry, locale, undefined, undefined);
    await deps.limiter.acquire(1);
    await deps.mailer?.sendOne({
      to: test.to,
      from: deps.from,
      subject: `[TEST] ${render(template.subject, vars)}`,
      html: render(template.html, vars, true),
      text: render(template.text, vars),
      tags: { kind: 'test', campaign: campaignTag(entry) },
    });
  } else if (job.channel === 'sms') {
    const content = entry.content.sms?.[locale];
    if (!content) throw new Error(`entry ${entry.id} has no SMS content in ${locale}`);
    await deps.messenger?.sms(
      test.to,
      `[TEST] ${adSms(render(content.text, vars), entry.advertising, smsIdentity(deps))}`,
      'Transactional',
    );
  }
  outcome.calls += 1;
  outcome.sent += 1;
  // Counted apart from the campaign's sends (the report shows tests beside its totals, never in them).
  await deps.store.count(entry.id, { tier: 'test', segment: 'test', period: 'test' }, TEST_SENT, 1);
  return outcome;
}
