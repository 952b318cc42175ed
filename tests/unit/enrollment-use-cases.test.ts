// Enrollment, confirmation and enrollment mail as use cases over in-memory ports.
import { beforeEach, describe, expect, it } from 'vitest';
import { enrollMember } from '#app/enroll-member';
import { confirmEmail } from '#app/confirm-email';
import type { CalendarEntry } from '#schema/calendar';
import { sendConfirmationMail, sendRequestedMail, sendVerifications, sendWelcomeMail } from '#app/send-enrollment-mail';
import { ValidationError } from '#app/validation';
import { StepInFlight } from '#app/member-step';
import { ManualClock, MemoryMemberStore, RecordingMailer, RecordingPublisher } from './fakes.ts';

const SECRET = 'k'.repeat(64);
const body = (overrides: Record<string, unknown> = {}) => ({
  name: '이서연',
  email: 'seoyeon@example.com',
  phone: '010-9876-5432',
  locale: 'ko',
  consents: { email: true, sms: true, post: false, nightTime: false },
  privacyNotice: true,
  ...overrides,
});

describe('enrollment use cases', () => {
  let members: MemoryMemberStore;
  let events: RecordingPublisher;
  let mailer: RecordingMailer;
  let clock: ManualClock;
  let ids: number;
  const enrollDeps = () => ({ members, events, clock: clock.now, newId: () => `m${++ids}` });
  const mailDeps = () => ({
    members,
    mailer,
    secret: { current: () => SECRET },
    clock: clock.now,
    publicBaseUrl: 'https://example.test',
  });
  const confirmDeps = () => ({ members, events, secret: { current: () => SECRET }, clock: clock.now });

  beforeEach(() => {
    members = new MemoryMemberStore();
    events = new RecordingPublisher();
    mailer = new RecordingMailer();
    clock = new ManualClock(new Date('2026-11-22T03:00:00Z'));
    ids = 0;
  });

  it('enrolls once, publishes Member Enrolled once, and answers a repeat exactly as a new enrollment', async () => {
    expect(await enrollMember(body(), enrollDeps())).toEqual({ status: 'received' });
    expect(await enrollMember(body({ email: 'SEOYEON@example.com' }), enrollDeps())).toEqual({ status: 'received' });
    expect(members.members.size).toBe(1);
    expect([...members.members.keys()]).toEqual(['m1']);
    expect(events.published.filter((event) => event.detailType === 'Member Enrolled')).toHaveLength(1);
    expect(events.published[0]?.detail).toMatchObject({
      memberId: 'm1',
      emailConfirmationPending: true,
      consents: { email: true, sms: true },
    });
    expect(JSON.stringify(events.published)).not.toMatch(/seoyeon|이서연|9876/);
  });

  it('sends the confirmation mail once per 10 minutes and asks again only after that', async () => {
    const emailOnly = body({ phone: undefined, consents: { email: true, sms: false, post: false, nightTime: false } });
    await enrollMember(emailOnly, enrollDeps());
    expect(await sendConfirmationMail('m1', mailDeps())).toBe('sent');
    expect(await sendConfirmationMail('m1', mailDeps())).toBe('already-sent');
    await enrollMember(emailOnly, enrollDeps());
    expect(events.published.map((event) => event.detailType)).toEqual(['Member Enrolled']);
    clock.advance(10 * 60 * 1000 + 1);
    await enrollMember(emailOnly, enrollDeps());
    expect(events.published.map((event) => event.detailType)).toEqual([
      'Member Enrolled',
      'Email Confirmation Requested',
    ]);
    expect(await sendConfirmationMail('m1', mailDeps())).toBe('sent');
    expect(mailer.sent).toHaveLength(2);
    expect(mailer.sent[0]).toMatchObject({
      to: 'seoyeon@example.com',
      subject: '[단골] 이메일 수신 동의를 확인해 주세요',
      tags: { kind: 'transactional' },
    });
  });

  it('gives the claim back when SES fails, so the retry sends', async () => {
    await enrollMember(body(), enrollDeps());
    mailer.failNext = true;
    await expect(sendConfirmationMail('m1', mailDeps())).rejects.toThrow('SES is down');
    expect(await sendConfirmationMail('m1', mailDeps())).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('confirms with the mailed link, publishes Member Email Confirmed once, and welcomes once', async () => {
    await enrollMember(body(), enrollDeps());
    await sendConfirmationMail('m1', mailDeps());
    const token =
      new URL(/href="([^"]+)"/.exec(mailer.sent[0]?.html ?? '')?.[1]?.replace(/&amp;/g, '&') ?? '').searchParams.get(
        'token',
      ) ?? '';
    expect(await confirmEmail(token, confirmDeps())).toEqual({
      memberId: 'm1',
      locale: 'ko',
      contact: 'email',
      result: 'confirmed',
    });
    expect(await confirmEmail(token, confirmDeps())).toEqual({
      memberId: 'm1',
      locale: 'ko',
      contact: 'email',
      result: 'already-confirmed',
    });
    expect(events.published.filter((event) => event.detailType === 'Member Email Confirmed')).toHaveLength(1);
    expect(members.history.filter((record) => record.source === 'double-opt-in')).toHaveLength(1);
    expect((await sendWelcomeMail('m1', mailDeps())).email).toBe('sent');
    expect((await sendWelcomeMail('m1', mailDeps())).email).toBe('already-sent');
    expect(await sendConfirmationMail('m1', mailDeps())).toBe('not-needed');
    // Enrolling again as a member asks for the "already a member" mail, not a second welcome or a confirmation.
    expect(await enrollMember(body(), enrollDeps())).toEqual({ status: 'received' });
    expect(events.published.map((event) => event.detailType)).toContain('Email Confirmation Requested');
    expect((await sendRequestedMail('m1', mailDeps())).email).toBe('sent');
    expect((await sendRequestedMail('m1', mailDeps())).email).toBe('already-sent');
    expect(mailer.sent.at(-1)?.subject).toBe('[단골] 이미 멤버십 회원이십니다');
  });

  it('does not take a crashed run’s claim for a sent welcome: the redelivery retries, then sends once', async () => {
    await enrollMember(body(), enrollDeps());
    await sendConfirmationMail('m1', mailDeps());
    const token = decodeURIComponent(/token=([^"&]+)/.exec(mailer.sent[0]?.html ?? '')?.[1] ?? '');
    await confirmEmail(token, confirmDeps());
    // A run claims the welcome and dies before sending (the Lambda crashed); SQS redelivers within a minute.
    expect(await members.claimStep('m1', 'welcomeMail', clock.now(), clock.now(), true)).toBe(true);
    clock.advance(60_000);
    await expect(sendWelcomeMail('m1', mailDeps())).rejects.toBeInstanceOf(StepInFlight);
    expect(mailer.sent.map((mail) => mail.tags['touchpoint'])).toEqual(['email-confirmation']);
    // Once the claim is old enough to be abandoned, the next redelivery sends it, once.
    clock.advance(61_000);
    expect((await sendWelcomeMail('m1', mailDeps())).email).toBe('sent');
    expect((await sendWelcomeMail('m1', mailDeps())).email).toBe('already-sent');
    expect(mailer.sent.map((mail) => mail.tags['touchpoint'])).toEqual(['email-confirmation', 'welcome']);
  });

  it('welcomes with the calendar’s welcome entry as marketing edited it; none when they removed it', async () => {
    const confirmed = async (id: string) => {
      await enrollMember(body({ email: `${id}@example.com` }), enrollDeps());
      await sendConfirmationMail(`m${ids}`, mailDeps());
      const token = decodeURIComponent(/token=([^"&]+)/.exec(mailer.sent.at(-1)?.html ?? '')?.[1] ?? '');
      await confirmEmail(token, confirmDeps());
      return `m${ids}`;
    };
    const { DEFAULT_WELCOME } = await import('#domain/default-calendar');
    const edited = {
      ...DEFAULT_WELCOME,
      id: 'default-welcome',
      version: 2,
      updatedAt: '2026-11-01T00:00:00Z',
      content: {
        email: { ko: { subject: '{{name}}님, 단골이 되신 것을 환영해요', html: '<p>{{name}}</p>', text: '{{name}}' } },
      },
    } as CalendarEntry;
    let entries: CalendarEntry[] = [edited];
    let seeded = true;
    const withCalendar = () => ({ ...mailDeps(), calendar: { list: async () => entries, seeded: async () => seeded } });

    expect((await sendWelcomeMail(await confirmed('a'), withCalendar())).email).toBe('sent');
    expect(mailer.sent.at(-1)?.subject).toBe('이서연님, 단골이 되신 것을 환영해요');
    // Marketing removed the welcome from the seeded calendar: no welcome.
    entries = [];
    expect((await sendWelcomeMail(await confirmed('b'), withCalendar())).email).toBe('not-needed');
    expect(mailer.sent.at(-1)?.tags['touchpoint']).toBe('email-confirmation');
    // The calendar was never written (a fresh deployment): the default programme's welcome.
    seeded = false;
    expect((await sendWelcomeMail(await confirmed('c'), withCalendar())).email).toBe('sent');
    expect(mailer.sent.at(-1)?.subject).toBe('[단골] 멤버십 가입을 환영합니다');
  });

  it('refuses an expired link', async () => {
    await enrollMember(body(), enrollDeps());
    await sendConfirmationMail('m1', mailDeps());
    const token = /token=([^"&]+)/.exec(mailer.sent[0]?.html ?? '')?.[1] ?? '';
    clock.advance(7 * 86_400_000 + 1000);
    await expect(confirmEmail(decodeURIComponent(token), confirmDeps())).rejects.toBeInstanceOf(ValidationError);
  });

  it('does not welcome a member whose e-mail is not confirmed', async () => {
    await enrollMember(body(), enrollDeps());
    expect((await sendWelcomeMail('m1', mailDeps())).email).toBe('not-needed');
  });

  it('asks for a guardian under 14, judged by the local date in the member’s zone', async () => {
    // 2026-11-22T15:30Z is already 23 November in Seoul: a child born 2012-11-23 turns 14 there, not in New York.
    clock = new ManualClock(new Date('2026-11-22T15:30:00Z'));
    await expect(enrollMember(body({ birthday: '2012-11-23' }), enrollDeps())).resolves.toEqual({ status: 'received' });
    expect(members.members.has('m1')).toBe(true);
    await expect(
      enrollMember(
        body({
          email: 'ny@example.com',
          phone: '+1 212 555 0199',
          birthday: '2012-11-23',
          timeZone: 'America/New_York',
        }),
        enrollDeps(),
      ),
    ).rejects.toMatchObject({ errors: [{ path: 'guardian' }] });
  });
  it('sends at most 3 enrollment mails to one address a day, however often the person enrolls', async () => {
    const taken = new Map<string, number>();
    const limits = {
      take: async (kind: string, contact: string, at: Date, max: number) => {
        const key = `${kind}/${contact}/${at.toISOString().slice(0, 10)}`;
        if ((taken.get(key) ?? 0) >= max) return false;
        taken.set(key, (taken.get(key) ?? 0) + 1);
        return true;
      },
    };
    await enrollMember(body(), enrollDeps());
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(await sendConfirmationMail('m1', { ...mailDeps(), limits }));
      clock.advance(11 * 60_000); // past the 10-minute spacing, still the same day
    }
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'limited', 'limited', 'limited']);
    expect(mailer.sent).toHaveLength(3);
    clock.advance(24 * 3_600_000);
    expect(await sendConfirmationMail('m1', { ...mailDeps(), limits })).toBe('sent');
  });

  describe('phones and unverified contacts', () => {
    const texts: { phone: string; text: string; type: string }[] = [];
    const smsDeps = () => ({
      ...mailDeps(),
      texts: {
        sender: '단골',
        messenger: {
          sms: async (phone: string, text: string, type: string) => {
            texts.push({ phone, text, type });
            return `sms-${texts.length}`;
          },
        },
      },
    });
    const linkIn = (text: string) => new URL(/https:\/\/\S+/.exec(text)?.[0] ?? '').searchParams.get('token') ?? '';
    beforeEach(() => {
      texts.length = 0;
    });

    it('verifies the phone by the SMS link; SMS consent and the phone count only from then', async () => {
      await enrollMember(
        body({ email: undefined, consents: { email: false, sms: true, post: false, nightTime: false } }),
        enrollDeps(),
      );
      expect(events.published[0]?.detail).toMatchObject({ phoneVerificationPending: true });
      expect(await sendVerifications('m1', smsDeps())).toEqual({ email: 'not-needed', phone: 'sent' });
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatchObject({ phone: '+821098765432', type: 'Transactional' });
      expect(texts[0]?.text).toContain('https://example.test/members/confirm?token=');
      expect((await members.getMember('m1'))?.phoneVerifiedAt).toBeUndefined();

      const absorbed: object[] = [];
      const deps = { ...confirmDeps(), absorbProspects: async (id: string, c: object) => absorbed.push({ id, c }) };
      const outcome = await confirmEmail(linkIn(texts[0]?.text ?? ''), deps);
      expect(outcome).toEqual({ memberId: 'm1', locale: 'ko', contact: 'phone', result: 'confirmed' });
      expect((await members.getMember('m1'))?.phoneVerifiedAt).toBe(clock.now().toISOString());
      expect(absorbed).toEqual([{ id: 'm1', c: { phone: '+821098765432' } }]);
      expect(events.published.filter((event) => event.detailType === 'Member Phone Verified')).toHaveLength(1);
      // The SMS link cannot verify the e-mail, nor a mail link the phone: each is bound to its own contact.
      expect(members.ownership.get('PHONE#+821098765432')).toEqual({ memberId: 'm1', verified: true });
    });

    it('lets the real owner enroll with a contact a stranger enrolled with but never verified', async () => {
      await enrollMember(
        body({
          name: '낯선이',
          phone: undefined,
          consents: { email: true, sms: false, post: false, nightTime: false },
        }),
        enrollDeps(),
      );
      await sendConfirmationMail('m1', mailDeps());
      const strangersLink = /token=([^"&]+)/.exec(mailer.sent[0]?.html ?? '')?.[1] ?? '';
      // The owner enrolls with the same address: a member of their own, and the stranger's member loses it.
      await enrollMember(
        body({ phone: undefined, consents: { email: true, sms: false, post: false, nightTime: false } }),
        enrollDeps(),
      );
      expect(members.members.size).toBe(2);
      expect(members.owners.get('EMAIL#seoyeon@example.com')).toBe('m2');
      expect((await members.getMember('m1'))?.email).toBeUndefined();
      // The first mail's link (the stranger's membership) no longer verifies anything.
      await expect(confirmEmail(decodeURIComponent(strangersLink), confirmDeps())).rejects.toBeInstanceOf(
        ValidationError,
      );
      // The same enrollment again is the same member again, not a third.
      await enrollMember(
        body({ phone: undefined, consents: { email: true, sms: false, post: false, nightTime: false } }),
        enrollDeps(),
      );
      expect(members.members.size).toBe(2);
    });

    it('keeps a verified contact with its member: enrolling with it again makes nobody new', async () => {
      await enrollMember(
        body({ email: undefined, consents: { email: false, sms: true, post: false, nightTime: false } }),
        enrollDeps(),
      );
      await sendVerifications('m1', smsDeps());
      await confirmEmail(linkIn(texts[0]?.text ?? ''), confirmDeps());
      await enrollMember(
        body({
          email: undefined,
          name: '다른사람',
          consents: { email: false, sms: true, post: false, nightTime: false },
        }),
        enrollDeps(),
      );
      expect(members.members.size).toBe(1);
      expect(events.published.map((event) => event.detailType)).toContain('Email Confirmation Requested');
      expect(await sendRequestedMail('m1', smsDeps())).toEqual({ email: 'not-needed', phone: 'sent' });
      expect(texts.at(-1)?.text).toContain('https://example.test/me/sign-in');
    });

    it('holds a child’s membership until the guardian agrees by the SMS link, then verifies the child’s contacts', async () => {
      const child = body({
        birthday: `${clock.now().getUTCFullYear() - 10}-03-01`,
        guardian: { name: '김보호', phone: '010-5555-0000' },
      });
      await enrollMember(child, enrollDeps());
      expect((await members.getMember('m1'))?.status).toBe('pending');
      expect(events.published[0]?.detail).toMatchObject({ guardianConfirmationPending: true });
      // Only the guardian hears from us before the consent: no mail, no SMS to the child.
      expect(await sendVerifications('m1', smsDeps())).toEqual({ email: 'not-needed', phone: 'sent' });
      expect(mailer.sent).toHaveLength(0);
      expect(texts.map((text) => text.phone)).toEqual(['+821055550000']);
      expect(texts[0]?.text).toContain('법정대리인 동의');
      const outcome = await confirmEmail(linkIn(texts[0]?.text ?? ''), confirmDeps());
      expect(outcome).toMatchObject({ memberId: 'm1', contact: 'guardian', result: 'confirmed' });
      const member = await members.getMember('m1');
      expect(member).toMatchObject({ status: 'active', guardianConsent: true });
      expect(members.history.filter((record) => record.channel === 'guardian')).toEqual([
        expect.objectContaining({ value: true, source: 'guardian-sms' }),
      ]);
      expect(events.published.map((event) => event.detailType)).toContain('Email Confirmation Requested');
      expect(await sendRequestedMail('m1', smsDeps())).toEqual({ email: 'sent', phone: 'sent' });
      expect(mailer.sent).toHaveLength(1);
      expect(texts.at(-1)?.phone).toBe('+821098765432');
      // The guardian's link works once; a second POST confirms nothing new.
      expect(await confirmEmail(linkIn(texts[0]?.text ?? ''), confirmDeps())).toMatchObject({
        result: 'already-confirmed',
      });
    });
  });
});
