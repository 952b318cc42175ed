// The pure rules of sending: member-date partitions per zone, waves, Korean ad rules, night window, offers.
import { describe, expect, it } from 'vitest';
import { datePartition } from '#adapters/keys';
import fc from 'fast-check';
import { adSms, adSubject, nightHoldUntil } from '#domain/ad-rules';
import { type DateRead, memberDateReads, monthDayOf, recurringPeriod } from '#domain/calendar-due';
import { couponCode, couponPercent } from '#domain/offers';
import { pickWinner } from '#domain/pretest';
import { skipReason, wantsFollowUp } from '#domain/send-checks';
import { planWaves } from '#domain/waves';
import { TokenBucket } from '#adapters/rate-limiter';
import { connectionRetriesOnly } from '#adapters/aws-clients';
import { calendarEntryInput } from '#schema/calendar';
import { DEFAULT_CALENDAR } from '#domain/default-calendar';

const birthday = { field: 'birthday' as const, offsetDays: 0, localHour: 10 };

/** The GSI2 partition the adapter reads for a date read. */
const partitionOf = (read: DateRead) => datePartition(read.field, read.monthDay, read.timeZone);

describe('member-date partitions', () => {
  it('reads each zone at its own 10:00, and only that zone', () => {
    const reads = memberDateReads(birthday, new Date('2027-01-20T01:00:00Z'), [
      'Asia/Seoul',
      'America/New_York',
      'Pacific/Kiritimati',
      'UTC',
    ]);
    expect(reads.filter((read) => !read.enrolledSince).map(partitionOf)).toEqual(['DATE#birthday#01-20#Asia/Seoul']);
    // Where 10:00 already passed today (New York's 19th, Kiritimati's 20th), only members enrolled since the last run.
    expect(reads.filter((read) => read.enrolledSince).map(partitionOf)).toEqual([
      'DATE#birthday#01-19#America/New_York',
      'DATE#birthday#01-20#Pacific/Kiritimati',
    ]);
    expect(reads.find((read) => read.enrolledSince)?.enrolledSince).toBe('2027-01-20T00:00:00.000Z');
    expect(reads[0]?.period).toBe('2027');
  });

  it('reads 29 February members on 28 February of non-leap years only', () => {
    const nonLeap = memberDateReads(birthday, new Date('2027-02-28T01:00:00Z'), ['Asia/Seoul']).map(partitionOf);
    expect(nonLeap).toEqual(['DATE#birthday#02-28#Asia/Seoul', 'DATE#birthday#02-29#Asia/Seoul']);
    const leap = memberDateReads(birthday, new Date('2028-02-28T01:00:00Z'), ['Asia/Seoul']).map(partitionOf);
    expect(leap).toEqual(['DATE#birthday#02-28#Asia/Seoul']);
    expect(memberDateReads(birthday, new Date('2028-02-29T01:00:00Z'), ['Asia/Seoul']).map(partitionOf)).toEqual([
      'DATE#birthday#02-29#Asia/Seoul',
    ]);
  });

  it('applies the offset (a notice days before the date)', () => {
    const reads = memberDateReads(
      { field: 'anniversary', offsetDays: -3, localHour: 9 },
      new Date('2027-12-30T00:00:00Z'),
      ['Asia/Seoul'],
    );
    expect(reads.map((read) => [partitionOf(read), read.period])).toEqual([
      ['DATE#anniversary#01-02#Asia/Seoul', '2028'],
    ]);
  });

  it('takes MM-DD from both date forms and enrollment instants in the member’s zone', () => {
    expect(monthDayOf('birthday', '1990-07-04', 'UTC')).toBe('07-04');
    expect(monthDayOf('birthday', '--02-29', 'UTC')).toBe('02-29');
    expect(monthDayOf('enrolledAt', '2026-03-31T20:00:00Z', 'Asia/Seoul')).toBe('04-01');
  });
});

/** The default programme's thank-you event, as marketing would post it. */
const yearlyInput = (() => {
  const { id: _id, ...input } = DEFAULT_CALENDAR.find((entry) => entry.id === 'default-thank-you-event') ?? {};
  return input as Record<string, unknown> & { trigger: Record<string, unknown> };
})();

describe('membership anniversaries', () => {
  it('read members who joined before this year, at the local hour only (never the day of joining)', () => {
    const trigger = { field: 'enrolledAt', offsetDays: 0, localHour: 10 } as const;
    const [read, ...more] = memberDateReads(trigger, new Date('2027-03-10T01:00:00Z'), ['Asia/Seoul']);
    expect(more).toEqual([]);
    expect(read).toMatchObject({ monthDay: '03-10', period: '2027', enrolledBefore: '2027-03-03T01:00:00.000Z' });
    expect(read?.enrolledSince).toBeUndefined();
    // 11:00: whoever joined since 10:00 joined today; nobody is read again.
    expect(memberDateReads(trigger, new Date('2027-03-10T02:00:00Z'), ['Asia/Seoul'])).toEqual([]);
  });
});

describe('recurring periods', () => {
  it('names the issue in the programme’s zone', () => {
    expect(recurringPeriod({ every: 'month', day: 15, hour: 10 }, new Date('2027-04-15T01:00:00Z'), 'Asia/Seoul')).toBe(
      '2027-04',
    );
    expect(
      recurringPeriod({ every: 'month', day: 15, hour: 10 }, new Date('2027-04-15T02:00:00Z'), 'Asia/Seoul'),
    ).toBeNull();
    expect(
      recurringPeriod({ every: 'quarter', day: 1, hour: 10 }, new Date('2027-04-01T01:00:00Z'), 'Asia/Seoul'),
    ).toBe('2027-Q2');
    expect(
      recurringPeriod({ every: 'quarter', day: 1, hour: 10 }, new Date('2027-05-01T01:00:00Z'), 'Asia/Seoul'),
    ).toBeNull();
  });

  it('comes back every year on its month and day, named by the year', () => {
    const thankYou = { every: 'year', month: 5, day: 15, hour: 10 } as const;
    expect(recurringPeriod(thankYou, new Date('2027-05-15T01:00:00Z'), 'Asia/Seoul')).toBe('2027');
    expect(recurringPeriod(thankYou, new Date('2028-05-15T01:00:00Z'), 'Asia/Seoul')).toBe('2028');
    expect(recurringPeriod(thankYou, new Date('2027-06-15T01:00:00Z'), 'Asia/Seoul')).toBeNull();
    expect(recurringPeriod(thankYou, new Date('2027-05-15T02:00:00Z'), 'Asia/Seoul')).toBeNull();
  });

  it('takes a month for a yearly entry, and only for one', () => {
    const ok = calendarEntryInput.safeParse(yearlyInput);
    expect(ok.success).toBe(true);
    for (const wrong of [
      { type: 'recurring', every: 'year', day: 15, hour: 10 },
      { type: 'recurring', every: 'month', month: 5, day: 15, hour: 10 },
    ]) {
      const parsed = calendarEntryInput.safeParse({ ...yearlyInput, trigger: wrong });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['trigger.month']);
    }
  });
});

describe('waves', () => {
  it('never puts more than 3 of one domain in a wave, keeps everyone, and interleaves domains', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 400 }), (domains) => {
        const recipients = domains.map((d, i) => ({ id: i, domain: `d${d}.test` }));
        const waves = planWaves(recipients, recipients.length);
        const flat = waves.flat();
        expect(flat.map((r) => r.id).sort((a, b) => a - b)).toEqual(recipients.map((r) => r.id));
        for (const wave of waves) {
          expect(wave.length).toBeLessThanOrEqual(Math.max(50, Math.floor(recipients.length / 100)));
          const counts = new Map<string, number>();
          for (const r of wave) counts.set(r.domain, (counts.get(r.domain) ?? 0) + 1);
          expect(Math.max(0, ...counts.values())).toBeLessThanOrEqual(3);
        }
      }),
    );
  });

  it('fills waves of 50 for distinct domains (120 → 50, 50, 20) and 1/100 of a large audience', () => {
    const distinct = Array.from({ length: 120 }, (_, i) => ({ domain: `x${i}.test` }));
    expect(planWaves(distinct, 120).map((wave) => wave.length)).toEqual([50, 50, 20]);
    const large = Array.from({ length: 10_000 }, (_, i) => ({ domain: `y${i}.test` }));
    expect(planWaves(large, 10_000)[0]).toHaveLength(100);
  });
});

describe('Korean advertising rules', () => {
  it('prefixes Korean ad subjects and builds the ad SMS', () => {
    expect(adSubject('생일 축하', 'ko', true)).toBe('(광고) 생일 축하');
    expect(adSubject('Happy birthday', 'en', true)).toBe('Happy birthday');
    expect(adSubject('안내', 'ko', false)).toBe('안내');
    expect(adSms('쿠폰', true, { name: 'dangol', optOutNumber: '080-123-4567' })).toBe(
      '(광고)[dangol] 쿠폰\n무료수신거부 080-123-4567',
    );
    expect(adSms('안내', false, { name: 'dangol', optOutNumber: '080' })).toBe('안내');
  });

  it('holds SMS from 21:00 to 08:00 local until the next 08:00 there', () => {
    expect(nightHoldUntil(new Date('2027-08-10T13:00:00Z'), 'Asia/Seoul')?.toISOString()).toBe(
      '2027-08-10T23:00:00.000Z',
    );
    expect(nightHoldUntil(new Date('2027-08-10T20:30:00Z'), 'Asia/Seoul')?.toISOString()).toBe(
      '2027-08-10T23:00:00.000Z',
    );
    expect(nightHoldUntil(new Date('2027-08-10T23:00:00Z'), 'Asia/Seoul')).toBeNull();
    expect(nightHoldUntil(new Date('2027-01-10T03:00:00Z'), 'America/New_York')?.toISOString()).toBe(
      '2027-01-10T13:00:00.000Z',
    );
  });
});

describe('offers and checks', () => {
  it('picks the percent by tier or RFM group (unscored = occasional) and a stable code per member and period', () => {
    const rfm = {
      percentBy: 'rfm' as const,
      percents: { occasional: 6, average: 5, frequent: 3, 'most-frequent': 0 },
      validityDays: 30,
    };
    expect(couponPercent(rfm, 'D', undefined)).toBe(6);
    expect(couponPercent(rfm, 'D', 'frequent')).toBe(3);
    expect(couponPercent({ percentBy: 'tier', percents: { A: 5, S: 6 }, validityDays: 30 }, 'S', 'average')).toBe(6);
    expect(couponCode('s', 'm1', 'e', '2027')).toBe(couponCode('s', 'm1', 'e', '2027'));
    expect(couponCode('s', 'm1', 'e', '2027')).not.toBe(couponCode('s', 'm2', 'e', '2027'));
  });

  it('checks in order: targeted, active, address, consent, double opt-in, verified phone, suppression, frequency cap', () => {
    const entry = { tiers: ['D'], advertising: true, frequencyCap: { max: 1, perDays: 7 } };
    const facts = {
      status: 'active',
      tier: 'D',
      segment: undefined,
      email: 'a@b.test',
      phoneVerified: false,
      hasPostalAddress: false,
      consents: { email: { value: true, confirmedAt: 'x' }, sms: { value: false }, post: { value: false } },
      suppressed: false,
      adSends: [],
    };
    const now = new Date('2027-01-10T00:00:00Z');
    expect(skipReason(entry, 'email', facts, now)).toBeNull();
    expect(skipReason({ ...entry, tiers: ['A'] }, 'email', facts, now)).toBe('not-targeted');
    expect(skipReason(entry, 'email', { ...facts, status: 'erased' }, now)).toBe('inactive');
    expect(skipReason(entry, 'sms', facts, now)).toBe('no-address');
    // SMS consent counts only once the phone is verified by the link in an SMS.
    const texting = { ...facts, phone: '+821012345678', consents: { ...facts.consents, sms: { value: true } } };
    expect(skipReason(entry, 'sms', texting, now)).toBe('unconfirmed');
    expect(skipReason(entry, 'sms', { ...texting, phoneVerified: true }, now)).toBeNull();
    expect(skipReason(entry, 'email', { ...facts, consents: { ...facts.consents, email: { value: true } } }, now)).toBe(
      'unconfirmed',
    );
    expect(skipReason(entry, 'email', { ...facts, suppressed: true }, now)).toBe('suppressed');
    expect(skipReason(entry, 'email', { ...facts, adSends: ['2027-01-08T00:00:00Z'] }, now)).toBe('frequency-cap');
    expect(skipReason(entry, 'email', { ...facts, adSends: ['2026-12-01T00:00:00Z'] }, now)).toBeNull();
  });

  it('follows up only reached-not-opened, and picks the pre-test winner by rate', () => {
    expect(wantsFollowUp({ delivery: 't' })).toBe(true);
    expect(wantsFollowUp({ delivery: 't', open: 't' })).toBe(false);
    expect(wantsFollowUp({})).toBe(false);
    expect(
      pickWinner(
        ['A', 'B'],
        { A: { sent: 10, opened: 2, clicked: 0 }, B: { sent: 10, opened: 5, clicked: 0 } },
        'open',
      ),
    ).toBe('B');
    expect(
      pickWinner(
        ['A', 'B'],
        { A: { sent: 10, opened: 2, clicked: 1 }, B: { sent: 10, opened: 5, clicked: 0 } },
        'click',
      ),
    ).toBe('A');
  });
});

describe('rate limit', () => {
  it('paces sends to the configured rate', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(
      10,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 5; i++) await bucket.acquire(10);
    // 50 sends at 10/s: the first 10 from the full bucket, the rest take 4 more seconds.
    expect(now).toBeGreaterThanOrEqual(4000);
    expect(now).toBeLessThan(4100);
  });

  it('gives a throttled call’s sends back and holds every send back for as long as they take at the rate', async () => {
    let now = 0;
    const bucket = new TokenBucket(
      10,
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    await bucket.acquire(10);
    bucket.throttled(5);
    // Nothing for 0.5 s (5 sends at 10/s); the 5 given back and the 5 that came meanwhile make the next 10.
    await bucket.acquire(10);
    expect(now).toBe(500);
    await bucket.acquire(10);
    expect(now).toBeGreaterThanOrEqual(1500);
    expect(now).toBeLessThan(1600);
  });
});

describe('SDK retries of bulk sends', () => {
  const connectionError = (code: string, answered = false) =>
    Object.assign(new Error(code), { code, ...(answered && { $response: { statusCode: 500 } }) });

  it('retries a connection that failed without an answer, twice at most', async () => {
    const first = await connectionRetriesOnly.acquireInitialRetryToken();
    const second = await connectionRetriesOnly.refreshRetryTokenForRetry(first, {
      error: connectionError('ECONNRESET'),
    });
    const third = await connectionRetriesOnly.refreshRetryTokenForRetry(second, { error: connectionError('EPIPE') });
    expect(third.getRetryCount()).toBe(2);
    await expect(
      connectionRetriesOnly.refreshRetryTokenForRetry(third, { error: connectionError('ECONNRESET') }),
    ).rejects.toThrow('ECONNRESET');
  });

  it('never retries what SES may have sent or told us to slow down for', async () => {
    const token = await connectionRetriesOnly.acquireInitialRetryToken();
    const throttle = Object.assign(new Error('rate'), {
      name: 'TooManyRequestsException',
      $response: { statusCode: 429 },
    });
    const internal = Object.assign(new Error('internal'), { name: 'InternalFailure', $response: { statusCode: 500 } });
    const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
    for (const error of [throttle, internal, timeout, connectionError('ECONNRESET', true)]) {
      await expect(connectionRetriesOnly.refreshRetryTokenForRetry(token, { error })).rejects.toBe(error);
    }
  });
});

describe('wave timing', () => {
  it('delays a wave on the queue up to 900 s and gives a later one the time it may go', async () => {
    const { waveTiming } = await import('#domain/waves');
    const now = new Date('2027-01-01T00:00:00Z');
    expect(waveTiming(0, 60, now)).toEqual({ delaySeconds: 0 });
    expect(waveTiming(15, 60, now)).toEqual({ delaySeconds: 900 });
    expect(waveTiming(16, 60, now)).toEqual({ delaySeconds: 900, notBefore: '2027-01-01T00:16:00.000Z' });
    expect(waveTiming(99, 60, now).notBefore).toBe('2027-01-01T01:39:00.000Z');
  });
});
