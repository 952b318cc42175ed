// Sending touchpoints on the real emulators: the hourly dispatcher, audiences from the indexes, waves, the send
// ledger (exactly once under re-runs, duplicate jobs and SES throttling), SES events, unsubscribe, the night window.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { signAdminToken } from '#infra/local/admin-keys';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { DynamoMemberStore } from '#adapters/member-store';
import type { Member } from '#schema/member';
import { localClock } from '#domain/local-time';
import { adminCaller, drained, post, retire, sqs, urls, whileEdited } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('sending', () => {
  const TABLE = 'dangol';
  let marketing: string;
  const call = adminCaller(() => marketing);

  interface Outbox {
    email: {
      messageId: string;
      destination: { to: string[] };
      subject: string;
      headers?: { name: string; value: string }[];
      body: { html?: string; text?: string };
    }[];
    sms: { phoneNumber: string; message: string; attributes: Record<string, string> }[];
    post: { record: Record<string, unknown> }[];
    sesCalls: { action: string; to: string[]; throttled: boolean }[];
  }
  const outbox = async () => (await (await fetch(`${urls().http}/_local/outbox`)).json()) as Outbox;
  const outboxEvents = async () =>
    (
      (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
        events: { detailType: string; detail: Record<string, unknown> }[];
      }
    ).events;

  async function fire(rule: string, at: string): Promise<void> {
    const response = await post(`/_local/schedules/${rule}`, { at });
    expect(response.status).toBe(200);
    await settle();
  }

  /** Until the dispatcher's work has gone through every queue it feeds (all of them empty at once). */
  async function settle(): Promise<void> {
    await drained(['dispatch', 'email-sends', 'message-sends', 'ses-events'], 60_000);
  }

  let seq = 0;
  function phone(): string {
    seq += 1;
    return `+8210${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(seq).padStart(4, '0')}`;
  }

  /** A member as enrollment leaves them after double opt-in (written by the real member store, date items included). */
  async function member(overrides: Partial<Member> & { emailDomain?: string } = {}): Promise<Member> {
    const memberId = randomUUID();
    const at = '2026-01-05T00:00:00.000Z';
    const { emailDomain, ...rest } = overrides;
    const value: Member = {
      memberId,
      status: 'active',
      name: '테스트',
      email: `m-${memberId.slice(0, 8)}@${emailDomain ?? `d${memberId.slice(0, 6)}.test`}`,
      phone: phone(),
      phoneVerifiedAt: at,
      locale: 'ko',
      timeZone: 'Asia/Seoul',
      consents: {
        email: { value: true, at, source: 'web-form', confirmedAt: at },
        sms: { value: true, at, source: 'web-form' },
        post: { value: false, at, source: 'web-form' },
        nightTime: { value: false, at, source: 'web-form' },
      },
      // A fixed day no test dispatches on, so that no membership anniversary falls in another test's hour.
      enrolledAt: at,
      source: 'web-form',
      steps: {},
      ...rest,
    };
    const result = await new DynamoMemberStore(dynamoDocumentClient(), TABLE).createMember(value, []);
    expect(result.created).toBe(true);
    created.push(memberId);
    return value;
  }

  /** Members of the test now running; retired after it, so later campaigns (sent to everyone) skip them. */
  const created: string[] = [];
  afterEach(() => retire(created.splice(0)));

  async function ledger(memberId: string): Promise<Record<string, any>[]> {
    const result = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sent)',
        ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}`, ':sent': 'SENT#' },
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  }

  /** Puts a member in a tier directly (as a past review would have), kept until far ahead. */
  async function inTier(m: Member, tier: string): Promise<void> {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { PK: `MEMBER#${m.memberId}`, SK: 'PROFILE' },
        UpdateExpression: 'SET tierState = :t',
        ExpressionAttributeValues: {
          ':t': { tier, reachedAt: '2026-01-05T00:00:00.000Z', keptUntil: '2099-01-01T00:00:00.000Z' },
        },
      }),
    );
  }

  let hourCounter = 0;
  /** A distinct hour for each one-off campaign, far from the default calendar's own hours (03:00 UTC on odd days). */
  function campaignHour(): string {
    hourCounter += 1;
    return new Date(Date.UTC(2027, 6, 1 + hourCounter * 2, 3)).toISOString();
  }

  async function campaign(overrides: Record<string, unknown> = {}): Promise<{ id: string; at: string }> {
    const at = campaignHour();
    const reply = await call('POST', '/admin/calendar', {
      name: `Test campaign ${at}`,
      kind: 'custom',
      trigger: { type: 'once', at },
      tiers: ['D', 'C', 'B', 'A', 'S'],
      channels: ['email'],
      advertising: true,
      content: {
        email: {
          ko: {
            subject: '{{name}}님 특가',
            html: '<p>{{name}}님</p><p><a href="{{unsubscribeUrl}}">수신거부</a></p>',
            text: '{{name}}님 {{unsubscribeUrl}}',
          },
          en: {
            subject: 'Sale, {{name}}',
            html: '<p>{{name}}</p><a href="{{unsubscribeUrl}}">Unsubscribe</a>',
            text: '{{name}} {{unsubscribeUrl}}',
          },
        },
        sms: { ko: { text: '{{name}}님 특가 안내' }, en: { text: 'Sale for {{name}}' } },
      },
      ...overrides,
    });
    expect(reply.status).toBe(201);
    return { id: String(reply.body['id']), at };
  }

  const mailsTo = (box: Outbox, address: string) => box.email.filter((mail) => mail.destination.to.includes(address));
  const smsTo = (box: Outbox, number: string) => box.sms.filter((sms) => sms.phoneNumber === number);

  beforeAll(async () => {
    marketing = await signAdminToken({ group: 'marketing', subject: 'mk-send' });
  });

  describe('birthdays', () => {
    it('go out at 10:00 in each member’s own zone (UTC+9, UTC−5, UTC+14), once however often the dispatcher runs', async () => {
      const seoul = await member({ birthday: '1990-01-20', timeZone: 'Asia/Seoul' });
      const newYork = await member({ birthday: '1985-01-20', timeZone: 'America/New_York', locale: 'en' });
      const kiritimati = await member({ birthday: '--01-20', timeZone: 'Pacific/Kiritimati' });
      const got = async () => {
        const box = await outbox();
        return [seoul, newYork, kiritimati].map((m) => mailsTo(box, m.email ?? '').length);
      };
      await fire('dispatcher', '2027-01-19T19:00:00Z'); // 09:00 on the 20th in Kiritimati: not yet
      expect(await got()).toEqual([0, 0, 0]);
      await fire('dispatcher', '2027-01-19T20:00:00Z'); // 10:00 in Kiritimati (UTC+14)
      expect(await got()).toEqual([0, 0, 1]);
      await fire('dispatcher', '2027-01-20T01:00:00Z'); // 10:00 in Seoul (UTC+9)
      expect(await got()).toEqual([1, 0, 1]);
      await fire('dispatcher', '2027-01-20T15:00:00Z'); // 10:00 in New York (UTC−5)
      expect(await got()).toEqual([1, 1, 1]);
      // Re-runs of the same hours, and two copies at once: nothing twice.
      await Promise.all([
        post('/_local/schedules/dispatcher', { at: '2027-01-20T01:00:00Z' }),
        post('/_local/schedules/dispatcher', { at: '2027-01-20T01:00:00Z' }),
      ]);
      await fire('dispatcher', '2027-01-19T20:00:00Z');
      await fire('dispatcher', '2027-01-20T15:00:00Z');
      expect(await got()).toEqual([1, 1, 1]);
      // SMS too (the entry sends both), with the Korean ad rules; 10:00 is inside the day window.
      const box = await outbox();
      for (const m of [seoul, newYork, kiritimati]) expect(smsTo(box, m.phone ?? '')).toHaveLength(1);
      const sms = smsTo(box, seoul.phone ?? '')[0];
      expect(sms?.message).toMatch(/^\(광고\)\[dangol\] /);
      expect(sms?.message).toMatch(/무료수신거부 080-000-0000$/);
      expect(sms?.attributes['AWS.SNS.SMS.SMSType']).toBe('Promotional');
      // The mail is advertising: "(광고)" for the Korean member, List-Unsubscribe headers, a coupon by RFM group (occasional 6 %).
      const mail = mailsTo(box, seoul.email ?? '')[0];
      expect(mail?.subject.startsWith('(광고)')).toBe(true);
      expect(mailsTo(box, newYork.email ?? '')[0]?.subject.startsWith('(광고)')).toBe(false);
      const headers = Object.fromEntries((mail?.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
      expect(headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=.+>$/);
      expect(headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(mail?.body.text).toMatch(/DG-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/);
      const rows = await ledger(seoul.memberId);
      expect(rows.map((row) => `${row['SK']}:${row['state']}`).sort()).toEqual([
        `SENT#default-birthday#2027#email:sent`,
        `SENT#default-birthday#2027#sms:sent`,
      ]);
      expect(rows.find((row) => row['channel'] === 'email')?.['messageId']).toBe(mail?.messageId);
      // `Touchpoint Sent` on the bus once per channel, whatever the re-runs (e-mail on SES's Send event, SMS by the sender).
      const announced = (await outboxEvents()).filter(
        (event) => event.detailType === 'Touchpoint Sent' && event.detail['memberId'] === seoul.memberId,
      );
      expect(announced.map((event) => event.detail['channel']).sort()).toEqual(['email', 'sms']);
      expect(announced.find((event) => event.detail['channel'] === 'email')?.detail).toMatchObject({
        entryId: 'default-birthday',
        kind: 'birthday',
        period: '2027',
        messageId: mail?.messageId,
        tier: 'D',
      });
      expect(JSON.stringify(announced)).not.toContain(seoul.email ?? '@');
    }, 180_000); // seven dispatcher runs, each waited out through four queues

    it('sends 29 February birthdays on 28 February in a non-leap year', async () => {
      const leapling = await member({ birthday: '2000-02-29' });
      await fire('dispatcher', '2027-02-28T01:00:00Z');
      expect(mailsTo(await outbox(), leapling.email ?? '')).toHaveLength(1);
    });

    it('does not skip a member who enrolls on their birthday after the send hour', async () => {
      const next = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
      const zone = [
        'Asia/Seoul',
        'Europe/London',
        'America/New_York',
        'Pacific/Honolulu',
        'Asia/Kolkata',
        'Pacific/Kiritimati',
        'America/Los_Angeles',
        'Asia/Tokyo',
        'Europe/Berlin',
        'Australia/Sydney',
      ].find((candidate) => {
        const local = localClock(next, candidate);
        return local.hour > 10;
      });
      expect(zone).toBeDefined();
      const local = localClock(next, zone ?? 'UTC');
      const late = await member({
        birthday: `1991-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`,
        timeZone: zone ?? 'UTC',
        enrolledAt: new Date().toISOString(),
      });
      await fire('dispatcher', next.toISOString());
      expect(mailsTo(await outbox(), late.email ?? '')).toHaveLength(1);
    });
  });

  describe('waves and bulk sends', () => {
    it('sends 120 recipients on distinct domains with exactly 3 SendBulkEmail calls', async () => {
      const members = [];
      for (let i = 0; i < 120; i++) members.push(member({ birthday: '1980-03-23', timeZone: 'Asia/Tokyo' }));
      const all = await Promise.all(members);
      const addresses = new Set(all.map((m) => m.email ?? ''));
      await fire('dispatcher', '2027-03-23T01:00:00Z'); // 10:00 in Tokyo
      const box = await outbox();
      const calls = box.sesCalls.filter((c) => c.to.some((to) => addresses.has(to)));
      expect(calls.filter((c) => c.action === 'SendBulkEmail' && !c.throttled)).toHaveLength(3);
      expect(calls.every((c) => c.to.length <= 50)).toBe(true);
      expect(all.every((m) => mailsTo(box, m.email ?? '').length === 1)).toBe(true);
      // The campaign's counts are spread over several counter items (one item takes 1,000 writes a second).
      const counters = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :stats)',
          ExpressionAttributeValues: { ':pk': 'CAMPAIGN#default-birthday', ':stats': 'STATS#' },
        }),
      );
      expect(counters.Items?.length ?? 0).toBeGreaterThan(1);
    });

    it('puts at most 3 recipients of one receiving domain in a wave, domains interleaved', async () => {
      const same = await Promise.all(
        Array.from({ length: 12 }, () =>
          member({ birthday: '1980-03-25', timeZone: 'Asia/Tokyo', emailDomain: 'bigmail.test' }),
        ),
      );
      const others = await Promise.all(
        Array.from({ length: 8 }, () => member({ birthday: '1980-03-25', timeZone: 'Asia/Tokyo' })),
      );
      const addresses = new Set([...same, ...others].map((m) => m.email ?? ''));
      await fire('dispatcher', '2027-03-25T01:00:00Z');
      const box = await outbox();
      const calls = box.sesCalls.filter((c) => c.action === 'SendBulkEmail' && c.to.some((to) => addresses.has(to)));
      expect(calls.length).toBeGreaterThanOrEqual(4);
      for (const c of calls) expect(c.to.filter((to) => to.endsWith('@bigmail.test')).length).toBeLessThanOrEqual(3);
      expect([...addresses].every((address) => mailsTo(box, address).length === 1)).toBe(true);
    });
  });

  describe('kill switch', () => {
    it('holds every job while sending is paused, and sends each recipient once after the resume', async () => {
      const members = await Promise.all(
        Array.from({ length: 6 }, () => member({ birthday: '1980-05-07', timeZone: 'Asia/Tokyo' })),
      );
      const paused = await call('PUT', '/admin/sending', { paused: true, reason: 'wrong coupon in the birthday mail' });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ paused: true, by: 'mk-send' });
      expect((await call('GET', '/admin/sending')).body).toMatchObject({ paused: true });
      // The dispatcher still runs (nothing due is missed): the jobs wait on their queue.
      expect((await post('/_local/schedules/dispatcher', { at: '2027-05-07T01:00:00Z' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      let box = await outbox();
      for (const m of members) expect(mailsTo(box, m.email ?? ''), 'held').toHaveLength(0);
      expect((await call('PUT', '/admin/sending', { paused: false })).body).toMatchObject({ paused: false });
      await settle();
      box = await outbox();
      for (const m of members) expect(mailsTo(box, m.email ?? '')).toHaveLength(1);
      const audit = (await call('GET', '/admin/audit')).body['items'] as { action: string; target: string }[];
      expect(audit.filter((entry) => entry.target === 'sending').map((entry) => entry.action)).toEqual(
        expect.arrayContaining(['sending.pause', 'sending.resume']),
      );
      // Bad input names the field; a viewer may look but not switch.
      const bad = await call('PUT', '/admin/sending', { paused: 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.body['errors']).toEqual([expect.objectContaining({ path: 'paused' })]);
    });
  });

  describe('exactly once', () => {
    it('sends nothing twice when the same send job arrives again', async () => {
      const m = await member({ birthday: '1980-04-13' });
      const job = {
        entryId: 'default-birthday',
        period: '2027',
        channel: 'email',
        wave: 0,
        recipients: [{ memberId: m.memberId }],
      };
      const client = await sqs();
      const QueueUrl = inject('queueUrls')['email-sends'];
      await Promise.all(
        Array.from({ length: 4 }, () =>
          client.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(job) })),
        ),
      );
      await settle();
      await fire('dispatcher', '2027-04-13T01:00:00Z');
      expect(mailsTo(await outbox(), m.email ?? '')).toHaveLength(1);
    });

    it('loses no one and sends no one twice when SES throttles', async () => {
      const members = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          member({ birthday: '1980-04-17', timeZone: 'Asia/Tokyo', emailDomain: `throttle${i % 10}.test` }),
        ),
      );
      // More throttles than the sender's own retries take (five tries in a job): the job fails, gives its claims back,
      // and the queue's retry sends them.
      const fault = await post('/_local/faults/ses', { throttle: 7, domain: 'throttle0.test' });
      expect(fault.status).toBe(200);
      await fire('dispatcher', '2027-04-17T01:00:00Z'); // not the 15th: the default newsletter goes out then
      const box = await outbox();
      // All 7 were answered with throttling: more than one job's tries, so the job did go back to the queue.
      expect(box.sesCalls.filter((c) => c.throttled && c.to.some((to) => to.endsWith('@throttle0.test'))).length).toBe(
        7,
      );
      for (const m of members) expect(mailsTo(box, m.email ?? '')).toHaveLength(1);
      for (const m of members)
        expect(
          (await ledger(m.memberId)).filter((row) => row['channel'] === 'email').map((row) => row['state']),
        ).toEqual(['sent']);
    });
  });

  describe('a lost answer', () => {
    it('sends nobody twice when SES sent but its answer was lost: the claims stay, the Send events mark them sent', async () => {
      const members = await Promise.all(
        Array.from({ length: 3 }, () => member({ birthday: '1981-05-19', emailDomain: 'lost-answer.test' })),
      );
      const fault = await post('/_local/faults/ses', { loseAnswers: 1, domain: 'lost-answer.test' });
      expect(fault.status).toBe(200);
      await fire('dispatcher', '2027-05-19T01:00:00Z');
      const box = await outbox();
      // The call went through once (its answer lost); the job's retry found the claims and called SES no more.
      expect(box.sesCalls.filter((c) => c.to.some((to) => to.endsWith('@lost-answer.test')))).toHaveLength(1);
      for (const m of members) expect(mailsTo(box, m.email ?? '')).toHaveLength(1);
      for (const m of members)
        expect(
          (await ledger(m.memberId)).filter((row) => row['channel'] === 'email').map((row) => row['state']),
        ).toEqual(['sent']);
    });

    it('rejects a fault without a positive count', async () => {
      const reply = await post('/_local/faults/ses', { loseAnswers: 0 });
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      expect(reply.json()).toMatchObject({ type: 'about:blank', title: 'Invalid request', status: 400 });
    });
  });

  describe('frequency cap', () => {
    it('logs an advertising mail for the cap when SES’s Send event comes back, once however often it comes; the next capped campaign skips', async () => {
      const m = await member();
      const cap = { frequencyCap: { max: 1, perDays: 365 } };
      const first = await campaign(cap);
      await fire('dispatcher', first.at);
      const sent = (await ledger(m.memberId)).find((row) => row['entryId'] === first.id);
      expect(sent).toMatchObject({ state: 'sent', adLogged: true });
      expect(sent?.['messageId']).toEqual(mailsTo(await outbox(), m.email ?? '')[0]?.messageId);
      // SNS delivers at least once: the same Send event again changes nothing.
      const { encodeRef } = await import('#app/send-touchpoints');
      const ref = encodeRef({ memberId: m.memberId, entryId: first.id, period: 'once', channel: 'email' });
      await post(
        '/_local/ses-events',
        [1, 2].map(() => ({
          eventType: 'Send',
          mail: {
            messageId: sent?.['messageId'],
            timestamp: new Date().toISOString(),
            destination: [m.email],
            tags: { l: [ref] },
          },
        })),
      );
      await settle();
      const profile = await dynamoDocumentClient().send(
        new GetCommand({ TableName: TABLE, Key: { PK: `MEMBER#${m.memberId}`, SK: 'PROFILE' }, ConsistentRead: true }),
      );
      expect(profile.Item?.['adSends']).toHaveLength(1);
      const sentEvents = (await outboxEvents()).filter(
        (event) =>
          event.detailType === 'Touchpoint Sent' &&
          event.detail['memberId'] === m.memberId &&
          event.detail['entryId'] === first.id,
      );
      expect(sentEvents).toHaveLength(1);

      const second = await campaign(cap);
      await fire('dispatcher', second.at);
      expect((await ledger(m.memberId)).find((row) => row['entryId'] === second.id)).toMatchObject({
        state: 'skipped',
        reason: 'frequency-cap',
      });
      expect(mailsTo(await outbox(), m.email ?? '')).toHaveLength(1);
    });
  });

  describe('engagement and consent', () => {
    it('suppresses a hard-bounced address: the next campaign does not mail it, the report counts it', async () => {
      const bouncer = await member();
      const first = await campaign();
      await fire('dispatcher', first.at);
      const sent = (await ledger(bouncer.memberId)).find((row) => row['entryId'] === first.id);
      expect(sent?.['state']).toBe('sent');
      const { encodeRef } = await import('#app/send-touchpoints');
      const ref = encodeRef({ memberId: bouncer.memberId, entryId: first.id, period: 'once', channel: 'email' });
      const mailBase = {
        messageId: sent?.['messageId'],
        timestamp: new Date().toISOString(),
        destination: [bouncer.email],
        tags: { l: [ref] },
      };
      const events = [
        { eventType: 'Delivery', mail: mailBase },
        {
          eventType: 'Bounce',
          mail: mailBase,
          bounce: {
            bounceType: 'Permanent',
            bouncedRecipients: [{ emailAddress: bouncer.email }],
            timestamp: new Date().toISOString(),
          },
        },
        {
          eventType: 'Bounce',
          mail: mailBase,
          bounce: {
            bounceType: 'Permanent',
            bouncedRecipients: [{ emailAddress: bouncer.email }],
            timestamp: new Date().toISOString(),
          },
        },
      ];
      expect((await post('/_local/ses-events', events)).status).toBe(202);
      await settle();
      const second = await campaign();
      await fire('dispatcher', second.at);
      const box = await outbox();
      expect(mailsTo(box, bouncer.email ?? '')).toHaveLength(1);
      const rows = await ledger(bouncer.memberId);
      expect(rows.find((row) => row['entryId'] === second.id)).toMatchObject({
        state: 'skipped',
        reason: 'no-consent',
      });
      expect(rows.find((row) => row['entryId'] === first.id)?.['events']).toMatchObject({
        delivery: expect.any(String),
        bounce: expect.any(String),
      });
      const report = await call('GET', `/admin/reports/campaigns/${first.id}`);
      expect(report.status).toBe(200);
      expect(report.body['totals']).toMatchObject({ delivered: 1, bounced: 1 });
      expect(report.body['byTier']['D']).toMatchObject({ bounced: 1 });
    });

    it('unsubscribes with one click (RFC 8058) at once and idempotently; the next campaign does not mail', async () => {
      const leaving = await member();
      const first = await campaign();
      await fire('dispatcher', first.at);
      const mail = mailsTo(await outbox(), leaving.email ?? '')[0];
      const link =
        /^<(.+)>$/.exec(mail?.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value ?? '')?.[1] ??
        '';
      expect(link).toContain('/unsubscribe?token=');
      // Opening the link (what a mail scanner does) shows the button and withdraws nothing.
      for (const accept of ['text/html', 'application/json', '*/*']) {
        const opened = await fetch(link, { headers: { accept }, redirect: 'manual' });
        expect(opened.status, accept).toBe(200);
      }
      const page = await fetch(link, { headers: { accept: 'text/html' }, redirect: 'manual' });
      const form = await page.text();
      expect(form).toContain('<form method="post" action="/unsubscribe?token=');
      expect(form).toContain('name="List-Unsubscribe" value="One-Click"');
      const untouched = await call('GET', `/admin/members/${leaving.memberId}`);
      expect(untouched.body['consents']['email']).toMatchObject({ value: true });
      for (let i = 0; i < 2; i++) {
        const response = await fetch(link, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
          redirect: 'manual',
        });
        expect(response.status).toBe(200);
      }
      const button = await fetch(link, {
        method: 'POST',
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      expect(button.status).toBe(200);
      expect(await button.text()).toContain('수신을 거부하셨습니다');
      expect((await fetch(`${urls().http}/unsubscribe?token=forged.token`)).status).toBe(400);
      const forged = await fetch(`${urls().http}/unsubscribe?token=forged.token`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
      });
      expect(forged.status).toBe(400);
      expect(forged.headers.get('content-type')).toContain('application/problem+json');
      expect(((await forged.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['token']);
      const second = await campaign();
      await fire('dispatcher', second.at);
      expect(mailsTo(await outbox(), leaving.email ?? '')).toHaveLength(1);
      const profile = await call('GET', `/admin/members/${leaving.memberId}`);
      expect(profile.body['consents']['email']).toMatchObject({ value: false, source: 'one-click' });
      expect(
        profile.body['consentHistory'].filter(
          (record: { channel: string; value: boolean }) => record.channel === 'email' && !record.value,
        ),
      ).toHaveLength(1);
      const report = await call('GET', `/admin/reports/campaigns/${first.id}`);
      expect(report.body['totals']).toMatchObject({ sent: expect.any(Number), unsubscribed: 1 });
    });
  });

  describe('night window', () => {
    it('holds an advertising SMS between 21:00 and 08:00 local and sends it at 08:00, once', async () => {
      const night = await member({ timeZone: 'Asia/Seoul' });
      const owl = await member({
        timeZone: 'Asia/Seoul',
        consents: {
          ...(await member()).consents,
          nightTime: { value: true, at: '2026-01-05T00:00:00.000Z', source: 'web-form' },
        },
      });
      const at = '2027-08-10T13:00:00.000Z'; // 22:00 in Seoul
      const reply = await call('POST', '/admin/calendar', {
        name: 'Night sale',
        kind: 'custom',
        trigger: { type: 'once', at },
        tiers: ['D', 'C', 'B', 'A', 'S'],
        channels: ['sms'],
        advertising: true,
        content: { sms: { ko: { text: '{{name}}님 야간 특가' }, en: { text: 'Night sale for {{name}}' } } },
      });
      expect(reply.status).toBe(201);
      await fire('dispatcher', at);
      let box = await outbox();
      expect(smsTo(box, night.phone ?? '')).toHaveLength(0);
      expect(smsTo(box, owl.phone ?? '')).toHaveLength(1);
      expect((await ledger(night.memberId)).find((row) => row['entryId'] === reply.body['id'])).toMatchObject({
        state: 'deferred',
        heldUntil: '2027-08-10T23:00:00.000Z',
      });
      await fire('dispatcher', '2027-08-10T22:00:00Z'); // 07:00: still night
      expect(smsTo(await outbox(), night.phone ?? '')).toHaveLength(0);
      await fire('dispatcher', '2027-08-10T23:00:00Z'); // 08:00 in Seoul
      await fire('dispatcher', '2027-08-11T00:00:00Z');
      box = await outbox();
      expect(smsTo(box, night.phone ?? '')).toHaveLength(1);
      expect(smsTo(box, night.phone ?? '')[0]?.message).toMatch(/^\(광고\)\[dangol\] .*야간 특가\n무료수신거부 /);
    });
  });

  describe('wedding anniversaries', () => {
    it('go to VIP members on the day, 10:00 in their zone, by e-mail and SMS, once a year', async () => {
      const vip = await member({ anniversary: '2012-02-25', timeZone: 'Asia/Seoul' });
      const regular = await member({ anniversary: '2015-02-25', timeZone: 'Asia/Seoul' });
      await inTier(vip, 'A');
      await fire('dispatcher', '2027-02-25T00:00:00Z'); // 09:00 in Seoul: not yet
      expect(mailsTo(await outbox(), vip.email ?? '')).toHaveLength(0);
      await fire('dispatcher', '2027-02-25T01:00:00Z');
      await fire('dispatcher', '2027-02-25T01:00:00Z');
      const box = await outbox();
      expect(mailsTo(box, vip.email ?? '').map((mail) => mail.subject)).toEqual([
        '(광고) 테스트님, 결혼기념일을 축하드립니다',
      ]);
      expect(smsTo(box, vip.phone ?? '')).toHaveLength(1);
      expect(smsTo(box, vip.phone ?? '')[0]?.message).toMatch(
        /^\(광고\)\[dangol\] 테스트님, 결혼기념일을 축하드립니다!/,
      );
      // Not a VIP: nothing.
      expect(mailsTo(box, regular.email ?? '')).toHaveLength(0);
      expect(smsTo(box, regular.phone ?? '')).toHaveLength(0);
      const rows = (await ledger(vip.memberId)).filter((row) => row['entryId'] === 'default-anniversary');
      expect(rows.map((row) => `${row['period']}:${row['channel']}:${row['state']}`).sort()).toEqual([
        '2027:email:sent',
        '2027:sms:sent',
      ]);
    });
  });

  describe('membership anniversaries', () => {
    it('thank every member on the day they joined, 10:00 in their zone, once a year', async () => {
      // Joined on 10 March 2025 at 20:00 in Seoul (11:00 UTC), read in the member's own zone.
      const joined = await member({ enrolledAt: '2025-03-10T11:00:00.000Z', timeZone: 'Asia/Seoul' });
      const newYork = await member({ enrolledAt: '2025-03-11T02:00:00.000Z', timeZone: 'America/New_York' });
      // Joined this very morning: their day of joining is no anniversary.
      const today = await member({ enrolledAt: '2027-03-10T00:30:00.000Z', timeZone: 'Asia/Seoul' });
      const thanks = async (m: Member) =>
        mailsTo(await outbox(), m.email ?? '').filter((mail) => mail.subject.includes('감사합니다'));
      await fire('dispatcher', '2027-03-10T01:00:00Z'); // 10:00 on 10 March in Seoul
      await fire('dispatcher', '2027-03-10T01:00:00Z');
      expect((await thanks(joined)).map((mail) => mail.subject)).toEqual([
        '(광고) 테스트님, 단골이 되어 주셔서 감사합니다',
      ]);
      expect(await thanks(today)).toHaveLength(0);
      // 02:00 UTC on the 11th is 21:00 on the 10th in New York: their day is the 10th, at 10:00 there.
      expect(await thanks(newYork)).toHaveLength(0);
      await fire('dispatcher', '2027-03-10T15:00:00Z'); // 10:00 in New York (UTC−5 until 14 March)
      expect(await thanks(newYork)).toHaveLength(1);
      const rows = (await ledger(joined.memberId)).filter((row) => row['entryId'] === 'default-enrollment-anniversary');
      expect(rows.map((row) => row['period'])).toEqual(['2027']);
    });
  });

  describe('the default programme', () => {
    it('sends new products on the 5th and the newsletter on the 15th, once a month, the VIP thank-you every 15 May; marketing’s edit reaches the next issue', async () => {
      const regular = await member();
      const vip = await member();
      await inTier(vip, 'S');
      const subjects = async (m: Member) => mailsTo(await outbox(), m.email ?? '').map((mail) => mail.subject);
      await fire('dispatcher', '2027-03-05T01:00:00Z'); // 10:00 in Seoul on the 5th
      await fire('dispatcher', '2027-03-05T01:00:00Z');
      expect(await subjects(regular)).toEqual(['(광고) 이달의 신상품']);
      await fire('dispatcher', '2027-03-15T01:00:00Z');
      expect(await subjects(regular)).toEqual(['(광고) 이달의 신상품', '(광고) 단골 뉴스레터']);
      // Marketing edits the newsletter: the next issue carries the edit.
      const april = (input: Record<string, any>) => ({
        ...input,
        content: {
          email: { ...input['content'].email, ko: { ...input['content'].email.ko, subject: '단골 뉴스레터 4월호' } },
        },
      });
      await whileEdited(call, 'default-newsletter', april, async () => {
        await fire('dispatcher', '2027-04-15T01:00:00Z');
        expect((await subjects(regular)).at(-1)).toBe('(광고) 단골 뉴스레터 4월호');
      });
      // The thank-you event goes to VIP tiers only, every year on 15 May.
      await fire('dispatcher', '2027-05-15T01:00:00Z');
      const invited = (m: Member) => subjects(m).then((all) => all.filter((subject) => subject.includes('감사 행사')));
      expect(await invited(vip)).toEqual(['(광고) 테스트님을 VIP 감사 행사에 초대합니다']);
      expect(await invited(regular)).toEqual([]);
      const thanks = (await ledger(vip.memberId)).filter((row) => row['entryId'] === 'default-thank-you-event');
      expect(thanks.map((row) => row['period'])).toEqual(['2027']);
    });
  });

  describe('yearly entries', () => {
    it('come back every year on their day and hour in the programme’s zone, once a year', async () => {
      const regular = await member();
      // 9 September, 11:00 in Seoul (02:00 UTC): no default entry's hour.
      const { id } = await campaign({ trigger: { type: 'recurring', every: 'year', month: 9, day: 9, hour: 11 } });
      const mails = async () => mailsTo(await outbox(), regular.email ?? '').length;
      await fire('dispatcher', '2029-09-09T01:00:00Z'); // 10:00: not yet
      expect(await mails()).toBe(0);
      await fire('dispatcher', '2029-09-09T02:00:00Z');
      await fire('dispatcher', '2029-09-09T02:00:00Z');
      expect(await mails()).toBe(1);
      await fire('dispatcher', '2029-10-09T02:00:00Z'); // the same day of another month
      expect(await mails()).toBe(1);
      await fire('dispatcher', '2030-09-09T02:00:00Z');
      expect(await mails()).toBe(2);
      const periods = (await ledger(regular.memberId))
        .filter((row) => row['entryId'] === id)
        .map((row) => row['period']);
      expect(periods.sort()).toEqual(['2029', '2030']);
      // A yearly entry without its month is refused, naming the field.
      const bad = await call('POST', '/admin/calendar', {
        name: 'No month',
        kind: 'custom',
        trigger: { type: 'recurring', every: 'year', day: 9, hour: 11 },
        tiers: ['D'],
        channels: ['email'],
        advertising: false,
        content: { email: { ko: { subject: 's', html: '<p>h</p>', text: 't' } } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body['errors'].map((e: { path: string }) => e.path)).toEqual(['trigger.month']);
    });
  });

  describe('holdout', () => {
    it('keeps a stable share of the audience unsent and reports the uplift of sending over it, with its interval', async () => {
      const { inHoldout, uplift } = await import('#domain/attribution');
      const { putEvents } = await import('./helpers.ts');
      const audience = await Promise.all(Array.from({ length: 60 }, () => member()));
      const first = await campaign({ holdout: { percent: 20 } });
      const held = audience.filter((m) => inHoldout(m.memberId, first.id, 20));
      const sent = audience.filter((m) => !held.includes(m));
      expect(held.length).toBeGreaterThan(1);
      await fire('dispatcher', first.at);
      await fire('dispatcher', first.at);
      const box = await outbox();
      expect(sent.every((m) => mailsTo(box, m.email ?? '').length === 1)).toBe(true);
      expect(held.every((m) => mailsTo(box, m.email ?? '').length === 0)).toBe(true);
      expect((await ledger(held[0]?.memberId ?? '')).find((row) => row['entryId'] === first.id)).toMatchObject({
        state: 'skipped',
        reason: 'holdout',
      });
      // A day later half of those sent to buy, and one of the holdout: each order once, however often it arrives.
      const day = new Date(new Date(first.at).getTime() + 86_400_000).toISOString();
      const buyers = [...sent.filter((_, i) => i % 2 === 0), held[0]] as Member[];
      const orders = buyers.map((m) => ({
        detailType: 'Purchase Completed',
        detail: {
          orderId: randomUUID(),
          channel: 'web-shop',
          occurredAt: day,
          amount: { value: 10_000, currency: 'KRW' },
          member: { memberId: m.memberId },
        },
      }));
      await putEvents([...orders, ...orders]);
      await drained('purchases');
      // Nine days on, past the 7-day window: no conversion.
      const late = new Date(new Date(first.at).getTime() + 9 * 86_400_000).toISOString();
      await putEvents([
        {
          detailType: 'Purchase Completed',
          detail: {
            orderId: randomUUID(),
            channel: 'web-shop',
            occurredAt: late,
            amount: { value: 99_000, currency: 'KRW' },
            member: { memberId: sent[1]?.memberId },
          },
        },
      ]);
      await drained('purchases');
      const converted = buyers.length - 1;
      const report = (await call('GET', `/admin/reports/campaigns/${first.id}?period=once`)).body;
      expect(report['totals']).toMatchObject({
        sent: sent.length,
        converted,
        revenue: converted * 10_000,
        revenuePerRecipient: Math.round((converted * 10_000) / sent.length),
      });
      expect(report['holdout']).toEqual({
        members: held.length,
        converted: 1,
        revenue: 10_000,
        revenuePerMember: Math.round(10_000 / held.length),
      });
      const expected = uplift({ members: sent.length, converted }, { members: held.length, converted: 1 });
      expect(report['uplift']).toMatchObject({ ...expected, revenuePerRecipientDifference: expect.any(Number) });
      expect(report['uplift']['ci95']['low']).toBeLessThan(report['uplift']['difference']);
      expect(report['uplift']['ci95']['high']).toBeGreaterThan(report['uplift']['difference']);
      // The same in the all-time report, with the issue's own line.
      const all = (await call('GET', `/admin/reports/campaigns/${first.id}`)).body;
      expect(all['byPeriod']['once']).toMatchObject({ sent: sent.length, converted });
      expect(all['holdout']['members']).toBe(held.length);
    }, 120_000);
  });

  describe('SMS through SNS trouble', () => {
    it('waits out SNS throttling and never texts twice when an answer is lost: the rest go on the retry', async () => {
      const people = [await member(), await member(), await member()];
      await post('/_local/faults/sns', { throttle: 2 });
      await post('/_local/faults/sns', { loseAnswers: 1 });
      const { id, at } = await campaign({ channels: ['sms'], advertising: false });
      await fire('dispatcher', at);
      const box = await outbox();
      // Everyone has exactly one SMS: the one whose answer was lost got it once, and was not texted again.
      expect(people.map((person) => smsTo(box, person.phone ?? '').length)).toEqual([1, 1, 1]);
      const states = await Promise.all(
        people.map(async (person) => (await ledger(person.memberId)).find((row) => row['entryId'] === id)),
      );
      expect(states.map((row) => row?.['state']).sort()).toEqual(['failed', 'sent', 'sent']);
      expect(states.find((row) => row?.['state'] === 'failed')).toMatchObject({ reason: 'outcome-unknown' });
      expect((await post('/_local/faults/sns', { throttle: 0 })).status).toBe(400);
    });
  });

  describe('test send', () => {
    it('sends the entry to the given address marked as a test, with no ledger', async () => {
      const to = `qa-${randomUUID().slice(0, 8)}@dangol.example`;
      const reply = await call('POST', '/admin/calendar/default-birthday/test-send', {
        channel: 'email',
        to,
        locale: 'ko',
      });
      expect(reply.status).toBe(202);
      expect(reply.body).toMatchObject({ status: 'queued', test: true });
      await settle();
      const mails = mailsTo(await outbox(), to);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toMatch(/^\[TEST\] \(광고\) /);
      const bad = await call('POST', '/admin/calendar/default-birthday/test-send', {
        channel: 'sms',
        to: 'not a phone',
        extra: 1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body['errors'].map((e: { path: string }) => e.path).sort()).toEqual(['extra']);
      expect((await call('POST', '/admin/calendar/no-such-entry/test-send', { channel: 'email', to })).status).toBe(
        404,
      );
    });
  });

  describe('follow-ups, pre-test, consent renewal', () => {
    it('follows up reached-not-opened mail once, with the alternate subject and sender, never to who opened (a machine’s open is no open)', async () => {
      const quiet = await member();
      const reader = await member();
      // Opened only by Apple's privacy prefetch (an Apple address, the bare user agent): nobody read it.
      const prefetched = await member();
      const first = await campaign({
        followUp: {
          delayHours: 24,
          max: 1,
          alternates: [{ subject: '다시 한 번 알려드립니다', senderName: '단골 이벤트팀' }],
        },
      });
      await fire('dispatcher', first.at);
      const { encodeRef } = await import('#app/send-touchpoints');
      const event = (m: Member, eventType: string, open?: Record<string, string>) => {
        const row = {
          messageId: 'x',
          timestamp: first.at,
          destination: [m.email],
          tags: { l: [encodeRef({ memberId: m.memberId, entryId: first.id, period: 'once', channel: 'email' })] },
        };
        return { eventType, mail: row, ...(open && { open }) };
      };
      const later1h = new Date(new Date(first.at).getTime() + 3_600_000).toISOString();
      expect(
        (
          await post('/_local/ses-events', [
            event(quiet, 'Delivery'),
            event(reader, 'Delivery'),
            event(reader, 'Open'),
            event(reader, 'Open'),
            event(prefetched, 'Delivery'),
            event(prefetched, 'Open', { ipAddress: '17.58.0.1', userAgent: 'Mozilla/5.0', timestamp: later1h }),
          ])
        ).status,
      ).toBe(202);
      await settle();
      const later = new Date(new Date(first.at).getTime() + 24 * 3_600_000).toISOString();
      await fire('dispatcher', later);
      await fire('dispatcher', new Date(new Date(later).getTime() + 3_600_000).toISOString());
      const box = await outbox();
      const quietMails = mailsTo(box, quiet.email ?? '');
      expect(quietMails.map((mail) => mail.subject)).toEqual([
        '(광고) 테스트님 특가',
        '(광고) 다시 한 번 알려드립니다',
      ]);
      expect(mailsTo(box, reader.email ?? '')).toHaveLength(1);
      expect(mailsTo(box, prefetched.email ?? '').map((mail) => mail.subject)).toEqual([
        '(광고) 테스트님 특가',
        '(광고) 다시 한 번 알려드립니다',
      ]);
      const report = await call('GET', `/admin/reports/campaigns/${first.id}`);
      expect(report.body['totals']).toMatchObject({ sent: 5, delivered: 3, opened: 1, machineOpened: 1 });
      // Reported per step: the first mail, and the follow-up to the two reached but not opened.
      expect(report.body['byStep']['0']).toMatchObject({ sent: 3, delivered: 3, opened: 1, machineOpened: 1 });
      expect(report.body['byStep']['1']).toMatchObject({ sent: 2, opened: 0 });
      expect((await ledger(prefetched.memberId)).find((row) => row['entryId'] === first.id)?.['events']).toHaveProperty(
        'machineOpen',
      );
    });

    it('runs a pre-test on a sample, picks the winner by opens after the delay, and rolls it out to the rest', async () => {
      const { inSample, variantFor } = await import('#domain/pretest');
      const people = await Promise.all(Array.from({ length: 24 }, () => member()));
      const preTest = {
        sampleFraction: 0.5,
        variants: [
          { name: 'A', subject: '가을 혜택 A' },
          { name: 'B', subject: '가을 혜택 B' },
        ],
        metric: 'open',
        decisionDelayHours: 2,
      };
      const test = await campaign({ preTest });
      await fire('dispatcher', test.at);
      let box = await outbox();
      const sampled = people.filter((m) => inSample(m.memberId, test.id, 0.5));
      expect(sampled.length).toBeGreaterThan(0);
      for (const m of people) expect(mailsTo(box, m.email ?? '')).toHaveLength(sampled.includes(m) ? 1 : 0);
      const { encodeRef } = await import('#app/send-touchpoints');
      const opens = sampled
        .filter((m) => variantFor(m.memberId, test.id, preTest.variants) === 'B')
        .map((m) => ({
          eventType: 'Open',
          mail: {
            messageId: 'x',
            destination: [m.email],
            tags: { l: [encodeRef({ memberId: m.memberId, entryId: test.id, period: 'once', channel: 'email' })] },
          },
        }));
      expect(opens.length).toBeGreaterThan(0);
      await post('/_local/ses-events', opens);
      await settle();
      await fire('dispatcher', new Date(new Date(test.at).getTime() + 2 * 3_600_000).toISOString());
      box = await outbox();
      for (const m of people) {
        const mails = mailsTo(box, m.email ?? '');
        expect(mails).toHaveLength(1);
        if (!sampled.includes(m)) expect(mails[0]?.subject).toBe('(광고) 가을 혜택 B');
      }
      const report = await call('GET', `/admin/reports/campaigns/${test.id}`);
      expect(Object.keys(report.body['byVariant']).sort()).toEqual(['A', 'B']);
    });

    it('sends the two-yearly consent notice once, with the date and channels of the consent', async () => {
      const consenting = await member({
        consents: {
          email: {
            value: true,
            at: '2025-03-09T00:00:00.000Z',
            source: 'web-form',
            confirmedAt: '2025-03-09T00:00:00.000Z',
          },
          sms: { value: true, at: '2025-03-09T00:00:00.000Z', source: 'web-form' },
          post: { value: false, at: '2025-03-09T00:00:00.000Z', source: 'web-form' },
          nightTime: { value: false, at: '2025-03-09T00:00:00.000Z', source: 'web-form' },
        },
      });
      const oneYear = await member({
        consents: {
          email: {
            value: true,
            at: '2026-03-09T00:00:00.000Z',
            source: 'web-form',
            confirmedAt: '2026-03-09T00:00:00.000Z',
          },
          sms: { value: false, at: '2026-03-09T00:00:00.000Z', source: 'web-form' },
          post: { value: false, at: '2026-03-09T00:00:00.000Z', source: 'web-form' },
          nightTime: { value: false, at: '2026-03-09T00:00:00.000Z', source: 'web-form' },
        },
      });
      await fire('consent-renewal', '2027-03-01T00:00:00Z');
      await fire('consent-renewal', '2027-03-01T00:00:00Z');
      const box = await outbox();
      const notices = mailsTo(box, consenting.email ?? '');
      expect(notices).toHaveLength(1);
      expect(notices[0]?.subject).toBe('[단골] 수신동의 현황 안내');
      expect(notices[0]?.body.text).toContain('2025-03-09');
      expect(notices[0]?.body.text).toContain('email, sms');
      expect(mailsTo(box, oneYear.email ?? '')).toHaveLength(0);
    });
  });

  describe('event-triggered touchpoints and post', () => {
    it('sends the VIP entry touchpoint from the due item a purchase recorded, with the tier’s coupon, once', async () => {
      const { putEvents } = await import('./helpers.ts');
      const vip = await member({ locale: 'en' });
      await putEvents([
        {
          detailType: 'Purchase Completed',
          detail: {
            orderId: randomUUID(),
            channel: 'web-shop',
            occurredAt: new Date().toISOString(),
            amount: { value: 2_100_000, currency: 'KRW' },
            member: { memberId: vip.memberId },
          },
        },
      ]);
      await drained('purchases');
      // The current hour (the due item is due now) — or the next one if this is 01:00 UTC, when the default monthly
      // entries go out (10:00 KST) and would mail every member of the shared stack.
      const floor = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const hour = new Date(new Date(floor).getUTCHours() === 1 ? floor + 3_600_000 : floor).toISOString();
      await fire('dispatcher', hour);
      await fire('dispatcher', hour);
      const mails = mailsTo(await outbox(), vip.email ?? '');
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toBe('Welcome to VIP');
      expect(mails[0]?.body.text).toMatch(/Coupon DG-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4} until \d{4}-\d{2}-\d{2}/);
      const rows = await ledger(vip.memberId);
      const email = rows.find((row) => row['entryId'] === 'default-vip-entry' && row['channel'] === 'email');
      expect(email).toMatchObject({ state: 'sent', tier: 'A' });
      // The SMS follows the night rule of the real clock: sent by day, held (not dropped) at night.
      expect(['sent', 'deferred']).toContain(
        rows.find((row) => row['entryId'] === 'default-vip-entry' && row['channel'] === 'sms')?.['state'],
      );
    });

    it('sends the downgrade notice the review left due, with the delta and the date; marketing’s edit reaches the next member', async () => {
      const { dueIndex, keys } = await import('#adapters/keys');
      const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
      const notice = async (m: Member) => {
        await inTier(m, 'B');
        const at = new Date().toISOString();
        await dynamoDocumentClient().send(
          new PutCommand({
            TableName: TABLE,
            Item: {
              ...keys.dueTouchpoint(m.memberId, 'tier_downgrade_notice', '2027-03-31T01:00:00.000Z'),
              ...dueIndex('tier_downgrade_notice', at, m.memberId),
              entity: 'due-touchpoint',
              memberId: m.memberId,
              kind: 'tier_downgrade_notice',
              dueAt: at,
              tier: 'B',
              wouldBecome: 'C',
              keepBy: '2027-03-31T01:00:00.000Z',
              deltaToRetain: { spend: 250_000, purchases: 0 },
            },
          }),
        );
        // The current hour (the notice is due now), or the next one at 01:00 UTC (the default monthly entries).
        const floor = Math.floor(Date.now() / 3_600_000) * 3_600_000;
        await fire(
          'dispatcher',
          new Date(new Date(floor).getUTCHours() === 1 ? floor + 3_600_000 : floor).toISOString(),
        );
        return mailsTo(await outbox(), m.email ?? '');
      };
      const first = await notice(await member({ locale: 'en' }));
      expect(first.map((mail) => [mail.subject, mail.body.text])).toEqual([
        ['Keeping your Gold tier', expect.stringContaining('Spend 250000 more by 2027-03-31 to keep Gold.')],
      ]);
      await whileEdited(
        call,
        'default-tier-downgrade-notice',
        (input) => ({
          ...input,
          content: {
            ...input['content'],
            email: {
              ...input['content'].email,
              en: { ...input['content'].email.en, subject: 'Only {{deltaToRetain}} to keep {{tier}}' },
            },
          },
        }),
        async () => {
          const next = await notice(await member({ locale: 'en' }));
          expect(next.map((mail) => mail.subject)).toEqual(['Only 250000 to keep Gold']);
        },
      );
    });

    it('welcomes by SMS, once, a member who hears from us by SMS only, after the phone is verified; nobody else', async () => {
      const { enroll, eventually, newPerson, smsTo, smsToken } = await import('./helpers.ts');
      const smsOnly = {
        ...newPerson({ email: undefined, locale: 'en' }),
        consents: { email: false, sms: true, post: false, nightTime: false },
      };
      const both = { ...newPerson(), consents: { email: true, sms: true, post: false, nightTime: false } };
      const enrolled = [await enroll(smsOnly), await enroll(both)];
      created.push(...enrolled.map((m) => m.memberId));
      for (const person of [smsOnly, both]) {
        const [sms] = await eventually(
          () => smsTo(person.phone),
          (found) => found.length > 0,
        );
        const verified = await post('/members/confirm', { token: smsToken(sms!) });
        expect(verified.status).toBe(200);
      }
      // The current hour (the welcome is due now), or the next one at 01:00 UTC (the default monthly entries' hour).
      const floor = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const hour = new Date(new Date(floor).getUTCHours() === 1 ? floor + 3_600_000 : floor).toISOString();
      await fire('dispatcher', hour);
      await fire('dispatcher', hour);
      const welcome = (await smsTo(smsOnly.phone)).slice(1);
      expect(welcome).toHaveLength(1);
      expect(welcome[0]?.message).toMatch(
        /^Welcome, 김민지! Your tier and benefits: http:\/\/127\.0\.0\.1:\d+\/me\/sign-in$/,
      );
      expect(welcome[0]?.attributes['AWS.SNS.SMS.SMSType']).toBe('Transactional');
      expect(await ledger(enrolled[0]?.memberId ?? '')).toEqual([
        expect.objectContaining({ entryId: 'default-welcome-sms', period: 'once', channel: 'sms', state: 'sent' }),
      ]);
      // E-mail consent given: the welcome waits for the confirmed address, never by SMS.
      expect(await smsTo(both.phone)).toHaveLength(1);
    });

    it('publishes the quarterly magazine’s address records to the fulfilment topic, only with post consent and an address', async () => {
      const at = '2026-01-05T00:00:00.000Z';
      const postalAddress = { postalCode: '06159', address1: '서울특별시 강남구 테헤란로 427', country: 'KR' };
      const reader = await member({
        postalAddress,
        consents: {
          email: { value: false, at, source: 'web-form' },
          sms: { value: false, at, source: 'web-form' },
          post: { value: true, at, source: 'web-form' },
          nightTime: { value: false, at, source: 'web-form' },
        },
      });
      const noConsent = await member({ postalAddress });
      for (const m of [reader, noConsent]) await inTier(m, 'S');
      await fire('dispatcher', '2027-04-01T01:00:00Z'); // 10:00 KST on the first day of Q2
      await fire('dispatcher', '2027-04-01T01:00:00Z');
      const box = await outbox();
      const records = box.post.filter((post) => post.record['memberId'] === reader.memberId);
      expect(records).toHaveLength(1);
      expect(records[0]?.record).toMatchObject({
        kind: 'quarterly_mailing',
        period: '2027-Q2',
        tier: 'S',
        postalAddress,
        title: '단골 VIP 계간지',
      });
      expect(box.post.filter((post) => post.record['memberId'] === noConsent.memberId)).toHaveLength(0);
    });

    it('withdraws e-mail consent after a complaint', async () => {
      const complainer = await member();
      const first = await campaign();
      await fire('dispatcher', first.at);
      const { encodeRef } = await import('#app/send-touchpoints');
      const ref = encodeRef({ memberId: complainer.memberId, entryId: first.id, period: 'once', channel: 'email' });
      await post('/_local/ses-events', {
        eventType: 'Complaint',
        mail: { messageId: 'x', destination: [complainer.email], tags: { l: [ref] } },
        complaint: { complainedRecipients: [{ emailAddress: complainer.email }] },
      });
      await settle();
      const profile = await call('GET', `/admin/members/${complainer.memberId}`);
      expect(profile.body['consents']['email']).toMatchObject({ value: false, source: 'ses-complaint' });
      const report = await call('GET', `/admin/reports/campaigns/${first.id}`);
      expect(report.body['totals']).toMatchObject({ complained: 1 });
    });
  });
});
