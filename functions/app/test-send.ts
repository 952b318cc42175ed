// Use case: a test send of a calendar entry from the admin API — checked here, sent by the same senders as the
// campaign (queued as a job marked `test`: no ledger, no caps, subject "[TEST] …").
import { testSendRequest, type CalendarEntry } from '#schema/calendar';
import { normaliseEmail, normalisePhone } from '#domain/identity';
import { fieldErrors, ValidationError } from './validation.ts';
import type { CalendarSource, SendJob } from './sending-ports.ts';
import type { JobQueue } from './dispatch-touchpoints.ts';

export interface TestSendDeps {
  readonly calendar: CalendarSource;
  readonly emailJobs: JobQueue<SendJob>;
  readonly messageJobs: JobQueue<SendJob>;
}

export type TestSendResult =
  | { status: 'queued'; channel: 'email' | 'sms'; entry: CalendarEntry }
  | { status: 'missing' };

export async function testSend(id: string, body: unknown, by: string, deps: TestSendDeps): Promise<TestSendResult> {
  const parsed = testSendRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const request = parsed.data;
  const to = request.channel === 'email' ? normaliseEmail(request.to) : normalisePhone(request.to);
  if (!to)
    throw new ValidationError([
      {
        path: 'to',
        message: request.channel === 'email' ? 'Not an e-mail address' : 'Not a phone number (Korean or E.164)',
      },
    ]);
  const entry = await deps.calendar.get(id);
  if (!entry) return { status: 'missing' };
  const content = entry.content[request.channel]?.[request.locale];
  if (!content)
    throw new ValidationError([
      { path: 'channel', message: `The entry has no ${request.channel} content in ${request.locale}` },
    ]);
  const job: SendJob = {
    entryId: entry.id,
    period: 'test',
    channel: request.channel,
    wave: 0,
    recipients: [],
    test: { to, locale: request.locale, by },
  };
  await (request.channel === 'email' ? deps.emailJobs : deps.messageJobs).enqueue([job]);
  return { status: 'queued', channel: request.channel, entry };
}
