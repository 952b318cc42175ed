// The senders' use cases against in-memory ports: checks and claims before any call, one SendBulkEmail per job,
// nothing twice on a re-run, claims given back only when SES said it sent nothing, the night window, ad SMS.
import { describe, expect, it } from 'vitest';
import { type SenderDeps, sendEmailJob, sendingBatch, sendMessageJob, STALE_SEND_MS } from '#app/send-touchpoints';
import { TokenBucket } from '#adapters/rate-limiter';
import { NoTimeLeft, NotSentError, RecipientRefused, type SendJob, ThrottledError } from '#app/sending-ports';
import { DEFAULT_TIER_LADDER } from '#schema/tier-ladder';
import type { CalendarEntry } from '#schema/calendar';
import {
  CountingLimiter,
  entry,
  MemoryCouponStore,
  MemorySendStore,
  profile,
  RecordingBulkMailer,
  RecordingMessenger,
  throttle,
} from './sender-fakes.ts';

const NOON_SEOUL = new Date('2027-07-03T03:00:00.000Z');
const NIGHT_SEOUL = new Date('2027-07-03T13:30:00.000Z'); // 22:30 in Seoul

function setup(options: { now?: Date; entry?: CalendarEntry } = {}) {
  const store = new MemorySendStore();
  const mailer = new RecordingBulkMailer();
  const messenger = new RecordingMessenger();
  const limiter = new CountingLimiter();
  const calendarEntry = options.entry ?? entry();
  const coupons = new MemoryCouponStore();
  const deps: SenderDeps = {
    calendar: {
      get: async (id) => (id === calendarEntry.id ? calendarEntry : null),
      list: async () => [calendarEntry],
    },
    store,
    coupons,
    mailer,
    messenger,
    ladder: async () => DEFAULT_TIER_LADDER,
    secret: { current: () => 's'.repeat(64) },
    clock: () => options.now ?? NOON_SEOUL,
    limiter,
    from: 'Brand <members@brand.example>',
    publicBaseUrl: 'https://members.brand.example',
    sms: { name: 'Brand', optOutNumber: '080-123-4567' },
  };
  return { store, mailer, messenger, limiter, deps, coupons };
}

function job(memberIds: readonly string[], overrides: Partial<SendJob> = {}): SendJob {
  return {
    entryId: 'autumn-sale',
    period: 'once',
    channel: 'email',
    wave: 0,
    recipients: memberIds.map((memberId) => ({ memberId })),
    ...overrides,
  };
}

const ids = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('e-mail sender', () => {
  it('claims every recipient in one ledger write, then makes one SendBulkEmail of all of them', async () => {
    const { store, mailer, deps } = setup();
    for (const id of ids(50)) store.profilesById.set(id, profile(id));
    const outcome = await sendEmailJob(job(ids(50)), deps);
    expect(outcome).toMatchObject({ sent: 50, skipped: 0, duplicates: 0, calls: 1 });
    expect(store.calls['claimAll']).toBe(1);
    expect(mailer.calls).toHaveLength(1);
    expect(new Set(mailer.mailed).size).toBe(50);
    // (광고) on a Korean advertising subject, the unsubscribe headers, the ledger tag.
    expect(mailer.calls[0]?.template.subject.startsWith('(광고) ')).toBe(true);
    const first = mailer.calls[0]?.destinations[0];
    expect(first?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first?.headers['List-Unsubscribe']).toMatch(/^<https:\/\/members\.brand\.example\/unsubscribe\?token=/);
    expect(first?.tags['l']).toBeTruthy();
    expect(store.counters.get('autumn-sale/A/sent')).toBe(50);
  });

  it('puts a wave that is not due yet back on its queue (SQS delays 900 s at most), and holds all jobs while paused', async () => {
    const { store, mailer, deps } = setup();
    for (const id of ids(3)) store.profilesById.set(id, profile(id));
    const later: { job: SendJob; delay: number | undefined }[] = [];
    let paused = false;
    const hold = {
      paused: async () => paused,
      later: async (held: SendJob, delay?: number) => void later.push({ job: held, delay }),
    };
    // Wave 40 at 60 s apart: due 40 minutes from now, the queue could hold it back 15.
    const early = job(ids(3), { wave: 40, notBefore: new Date(NOON_SEOUL.getTime() + 2_400_000).toISOString() });
    expect(await sendEmailJob(early, { ...deps, hold })).toMatchObject({ sent: 0, held: 3 });
    expect(later).toEqual([{ job: early, delay: 900 }]);
    expect(store.calls['claimAll'] ?? 0).toBe(0);
    // Its time has come: it goes, once.
    const due = { ...deps, hold, clock: () => new Date(NOON_SEOUL.getTime() + 2_400_000) };
    expect(await sendEmailJob(early, due)).toMatchObject({ sent: 3 });
    // The kill switch: held with the default delay, nothing claimed or sent.
    paused = true;
    expect(await sendEmailJob(job(ids(3), { entryId: 'autumn-sale', period: 'p2' }), { ...deps, hold })).toMatchObject({
      sent: 0,
      held: 3,
    });
    expect(later.at(-1)?.delay).toBeUndefined();
    expect(mailer.calls).toHaveLength(1);
  });

  it('sends nothing twice when the same job runs again', async () => {
    const { store, mailer, deps } = setup();
    for (const id of ids(3)) store.profilesById.set(id, profile(id));
    await sendEmailJob(job(ids(3)), deps);
    const again = await sendEmailJob(job(ids(3)), deps);
    expect(again).toMatchObject({ sent: 0, duplicates: 3, calls: 0 });
    expect(mailer.mailed).toHaveLength(3);
  });

  it('records a skip with its reason instead of sending (no consent, unconfirmed, suppressed, inactive)', async () => {
    const { store, mailer, deps } = setup();
    const base = profile('x');
    store.profilesById.set('ok', profile('ok'));
    store.profilesById.set(
      'no-consent',
      profile('no-consent', { consents: { ...base.consents, email: { value: false } } }),
    );
    store.profilesById.set(
      'unconfirmed',
      profile('unconfirmed', { consents: { ...base.consents, email: { value: true } } }),
    );
    store.profilesById.set('suppressed', profile('suppressed', { suppressed: true }));
    store.profilesById.set('inactive', profile('inactive', { status: 'erased' }));
    const outcome = await sendEmailJob(job(['ok', 'no-consent', 'unconfirmed', 'suppressed', 'inactive']), deps);
    expect(outcome).toMatchObject({ sent: 1, skipped: 4 });
    expect(mailer.mailed).toEqual(['ok@d-ok.test']);
    const reasons = ['no-consent', 'unconfirmed', 'suppressed', 'inactive'].map(
      (memberId) => store.entry({ memberId, entryId: 'autumn-sale', period: 'once', channel: 'email' })?.reason,
    );
    expect(reasons).toEqual(['no-consent', 'unconfirmed', 'suppressed', 'inactive']);
  });

  it('is not sent to members outside the entry’s tiers, nor counted as skipped', async () => {
    const { store, mailer, deps } = setup({ entry: entry({ tiers: ['S'] }) });
    store.profilesById.set('a', profile('a', { tier: 'A' }));
    const outcome = await sendEmailJob(job(['a']), deps);
    expect(outcome).toMatchObject({ sent: 0, skipped: 0, notRecipients: 1 });
    expect(mailer.calls).toHaveLength(0);
    expect(store.items.size).toBe(0);
  });

  it('calls again under the rate when SES throttles, and sends each recipient once', async () => {
    const { store, mailer, limiter, deps } = setup();
    for (const id of ids(4)) store.profilesById.set(id, profile(id));
    mailer.failNext = [throttle(), throttle()];
    const outcome = await sendEmailJob(job(ids(4)), deps);
    expect(outcome).toMatchObject({ sent: 4, calls: 3 });
    expect(limiter.throttledBack).toBe(8);
    expect(mailer.mailed).toHaveLength(4);
  });

  it('gives the claims back when SES keeps throttling, so the retried job sends them', async () => {
    const { store, mailer, deps } = setup();
    for (const id of ids(2)) store.profilesById.set(id, profile(id));
    mailer.failNext = Array.from({ length: 5 }, throttle);
    await expect(sendEmailJob(job(ids(2)), deps)).rejects.toThrow(NotSentError);
    expect(store.calls['release']).toBe(2);
    expect(store.items.size).toBe(0);
    const retry = await sendEmailJob(job(ids(2)), deps);
    expect(retry.sent).toBe(2);
    expect(mailer.mailed).toHaveLength(2);
  });

  it('sends nothing and gives the claims back when its turn under the rate would come after the invocation ends', async () => {
    const { store, mailer, deps } = setup();
    for (const id of [...ids(50), ...ids(50, 'n')]) store.profilesById.set(id, profile(id));
    let now = 0;
    const limiter = new TokenBucket(
      5,
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    const remaining = { ms: 60_000 };
    const timed = { ...deps, limiter, remainingMs: () => remaining.ms };
    // 5 sends a second: the first 50 leave the bucket 45 short, so the next 50 wait 10 s for their turn; with 25 s
    // left, of which the last 20 are kept for the call itself, they do not wait.
    expect((await sendEmailJob(job(ids(50)), timed)).sent).toBe(50);
    remaining.ms = 25_000;
    await expect(sendEmailJob(job(ids(50, 'n')), timed)).rejects.toThrow(NoTimeLeft);
    expect(mailer.calls).toHaveLength(1);
    expect(store.calls['release']).toBe(50);
    // The next invocation, with time enough, sends all of them once.
    remaining.ms = 60_000;
    expect((await sendEmailJob(job(ids(50, 'n')), timed)).sent).toBe(50);
    expect(new Set(mailer.mailed).size).toBe(100);
    expect(now).toBeGreaterThanOrEqual(10_000);
  });

  it('reads the entry, the ladder and the kill switch once for the jobs of one batch, run at once, and counts once', async () => {
    const { store, mailer, deps } = setup();
    for (const id of ids(250)) store.profilesById.set(id, profile(id));
    const reads = { entry: 0, ladder: 0, paused: 0 };
    const counted: SenderDeps = {
      ...deps,
      calendar: {
        get: async (id) => {
          reads.entry += 1;
          return deps.calendar.get(id);
        },
        list: () => deps.calendar.list(),
      },
      ladder: async () => {
        reads.ladder += 1;
        return deps.ladder();
      },
      hold: {
        paused: async () => {
          reads.paused += 1;
          return false;
        },
        later: async () => undefined,
      },
    };
    const batch = sendingBatch(counted);
    const jobs = Array.from({ length: 5 }, (_, i) => job(ids(250).slice(i * 50, (i + 1) * 50)));
    const outcomes = await Promise.all(jobs.map((one) => sendEmailJob(one, batch.deps)));
    expect(outcomes.reduce((sum, outcome) => sum + outcome.sent, 0)).toBe(250);
    expect(reads).toEqual({ entry: 1, ladder: 1, paused: 1 });
    expect(mailer.calls).toHaveLength(5);
    // The counts are written when the batch ends: once, all 250.
    expect(store.counters.get('autumn-sale/A/sent')).toBeUndefined();
    await batch.end();
    expect(store.counters.get('autumn-sale/A/sent')).toBe(250);
    expect(store.calls['count']).toBe(1);
    // The next batch reads again (an edit or a pause in between counts from then on).
    const next = sendingBatch(counted);
    store.profilesById.set('late', profile('late'));
    await sendEmailJob(job(['late']), next.deps);
    await next.end();
    expect(reads).toEqual({ entry: 2, ladder: 2, paused: 2 });
    expect(store.counters.get('autumn-sale/A/sent')).toBe(251);
  });

  it('keeps the claims when the answer is lost (SES may have sent), so the retry sends nobody twice', async () => {
    const { store, mailer, deps } = setup();
    for (const id of ids(2)) store.profilesById.set(id, profile(id));
    mailer.failNext = [new Error('socket hang up after the request was written')];
    await expect(sendEmailJob(job(ids(2)), deps)).rejects.toThrow('socket hang up');
    expect(store.calls['release']).toBeUndefined();
    const retry = await sendEmailJob(job(ids(2)), deps);
    expect(retry).toMatchObject({ sent: 0, duplicates: 2, calls: 0 });
    expect(mailer.mailed).toHaveLength(0);
  });

  it('fails a claim stuck in sending past the stale time, never sending it again', async () => {
    const { store, deps, mailer } = setup();
    store.profilesById.set('m', profile('m'));
    const ref = { memberId: 'm', entryId: 'autumn-sale', period: 'once', channel: 'email' };
    const claimedAt = new Date(NOON_SEOUL.getTime() - STALE_SEND_MS - 1000).toISOString();
    await store.claimAll([
      {
        ref,
        claim: {
          claimId: 'old',
          at: new Date(claimedAt),
          facts: { tier: 'A', segment: 'occasional', advertising: true, kind: 'custom' },
        },
      },
    ]);
    const outcome = await sendEmailJob(job(['m']), deps);
    expect(outcome).toMatchObject({ sent: 0, failed: 1 });
    expect(store.entry(ref)).toMatchObject({ state: 'failed', reason: 'outcome-unknown' });
    expect(mailer.calls).toHaveLength(0);
  });

  it('sends nothing for an entry deleted since the job was queued', async () => {
    const { store, deps, mailer } = setup();
    store.profilesById.set('m', profile('m'));
    const outcome = await sendEmailJob(job(['m'], { entryId: 'deleted' }), deps);
    expect(outcome).toMatchObject({ sent: 0, notRecipients: 1 });
    expect(mailer.calls).toHaveLength(0);
  });
});

describe('SMS sender', () => {
  it('sends an advertising SMS with the (광고)[sender] prefix and the opt-out line, once', async () => {
    const { store, messenger, deps } = setup();
    store.profilesById.set('m', profile('m'));
    const first = await sendMessageJob(job(['m'], { channel: 'sms' }), deps);
    const again = await sendMessageJob(job(['m'], { channel: 'sms' }), deps);
    expect(first.sent).toBe(1);
    expect(again).toMatchObject({ sent: 0, duplicates: 1 });
    expect(messenger.texts).toHaveLength(1);
    expect(messenger.texts[0]?.text).toBe('(광고)[Brand] 김민지님 특가 안내\n무료수신거부 080-123-4567');
    expect(messenger.texts[0]?.type).toBe('Promotional');
    expect(store.entry({ memberId: 'm', entryId: 'autumn-sale', period: 'once', channel: 'sms' })?.state).toBe('sent');
    expect(store.adLog.get('m')).toHaveLength(1);
  });

  it('holds an advertising SMS at night until 08:00 in the member’s zone, unless they consented to night-time', async () => {
    const { store, messenger, deps } = setup({ now: NIGHT_SEOUL });
    const base = profile('x');
    store.profilesById.set('night', profile('night'));
    store.profilesById.set('owl', profile('owl', { consents: { ...base.consents, nightTime: { value: true } } }));
    const outcome = await sendMessageJob(job(['night', 'owl'], { channel: 'sms' }), deps);
    expect(outcome).toMatchObject({ sent: 1, deferred: 1 });
    expect(messenger.texts).toHaveLength(1);
    expect(store.dues[0]).toMatchObject({
      memberId: 'night',
      kind: 'deferred',
      dueAt: new Date('2027-07-03T23:00:00.000Z'),
    });
  });

  it('sends an informational SMS at night, without the ad prefix, as Transactional', async () => {
    const { store, messenger, deps } = setup({ now: NIGHT_SEOUL, entry: entry({ advertising: false }) });
    store.profilesById.set('m', profile('m'));
    await sendMessageJob(job(['m'], { channel: 'sms' }), deps);
    expect(messenger.texts[0]).toMatchObject({ text: '김민지님 특가 안내', type: 'Transactional' });
  });

  it('refuses to send SMS without a sender identity rather than end an ad SMS with a placeholder', async () => {
    const { store, deps } = setup();
    store.profilesById.set('m', profile('m'));
    const { sms: _none, ...withoutSms } = deps;
    await expect(sendMessageJob(job(['m'], { channel: 'sms' }), withoutSms)).rejects.toThrow(/SMS identity/);
    // Nothing was sent: the claim went back.
    expect(store.items.size).toBe(0);
  });

  it('paces SMS by the SMS rate, one token each, and calls again when SNS throttles; each member texted once', async () => {
    const { store, messenger, limiter, deps } = setup();
    for (const id of ids(3)) store.profilesById.set(id, profile(id));
    messenger.failNext = [throttle(), throttle()];
    const outcome = await sendMessageJob(job(ids(3), { channel: 'sms' }), deps);
    expect(outcome).toMatchObject({ sent: 3, calls: 5 });
    expect(limiter.acquired).toBe(5);
    expect(limiter.throttledBack).toBe(2);
    expect(messenger.texts.map((text) => text.phone)).toHaveLength(3);
  });

  it('gives every untried claim back when SNS keeps throttling; the retried job texts the rest once', async () => {
    const { store, messenger, deps } = setup();
    for (const id of ids(4)) store.profilesById.set(id, profile(id, { phone: `+8210000000${id.slice(1)}` }));
    // The first is texted; the second is throttled past the job's own tries (5 calls).
    messenger.failNext = [undefined, ...Array.from({ length: 5 }, throttle)];
    const first = job(ids(4), { channel: 'sms' });
    await expect(sendMessageJob(first, deps)).rejects.toThrow(ThrottledError);
    expect(messenger.texts).toHaveLength(1);
    expect(store.calls['release']).toBe(3);
    const retry = await sendMessageJob(first, deps);
    expect(retry).toMatchObject({ sent: 3, duplicates: 1 });
    expect(new Set(messenger.texts.map((text) => text.phone)).size).toBe(4);
    expect(messenger.texts).toHaveLength(4);
  });

  it('never texts twice when SNS’s answer is lost: that one is failed (outcome-unknown), the rest go on the retry', async () => {
    const { store, messenger, deps } = setup();
    for (const id of ids(3)) store.profilesById.set(id, profile(id, { phone: `+8210000000${id.slice(1)}` }));
    messenger.failNext = [{ lost: new Error('socket hang up') }];
    await expect(sendMessageJob(job(ids(3), { channel: 'sms' }), deps)).rejects.toThrow('socket hang up');
    const ref = (memberId: string) => ({ memberId, entryId: 'autumn-sale', period: 'once', channel: 'sms' });
    expect(store.entry(ref('m0'))).toMatchObject({ state: 'failed', reason: 'outcome-unknown' });
    expect(store.entry(ref('m1'))).toBeUndefined();
    const retry = await sendMessageJob(job(ids(3), { channel: 'sms' }), deps);
    expect(retry).toMatchObject({ sent: 2, duplicates: 1 });
    // m0 got the one text SNS sent before its answer was lost, and no second.
    expect(messenger.texts.map((text) => text.phone).sort()).toEqual(['+82100000000', '+82100000001', '+82100000002']);
  });

  it('records a number SNS refuses as failed and texts the others', async () => {
    const { store, messenger, deps } = setup();
    for (const id of ids(3)) store.profilesById.set(id, profile(id, { phone: `+8210000000${id.slice(1)}` }));
    messenger.failNext = [new RecipientRefused('InvalidParameter')];
    const outcome = await sendMessageJob(job(ids(3), { channel: 'sms' }), deps);
    expect(outcome).toMatchObject({ sent: 2, failed: 1 });
    expect(store.entry({ memberId: 'm0', entryId: 'autumn-sale', period: 'once', channel: 'sms' })).toMatchObject({
      state: 'failed',
      reason: 'InvalidParameter',
    });
  });
});
