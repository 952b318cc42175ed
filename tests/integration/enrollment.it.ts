// POST /members and the double opt-in, through the local gateway, DynamoDB Local, fauxqs and the SES emulator.
import { describe, expect, it } from 'vitest';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  adminCaller,
  whileEdited,
  confirmLink,
  dynamo,
  eventually,
  mailsTo,
  newPerson,
  post,
  urls,
  enroll,
  memberIdOf,
  smsTo,
  smsToken,
} from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('enrollment', () => {
  const TABLE = 'dangol';

  async function memberItem(memberId: string) {
    const { Item } = await dynamo().send(
      new GetItemCommand({ TableName: TABLE, Key: { PK: { S: `MEMBER#${memberId}` }, SK: { S: 'PROFILE' } } }),
    );
    return Item ? unmarshall(Item) : undefined;
  }

  async function countMembersOwning(key: string) {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: key } },
      }),
    );
    return Items.length;
  }

  describe('POST /members', () => {
    it('enrolls a member with normalised contact data, consents and history, and answers 202', async () => {
      const person = newPerson({ email: ' Mixed.Case@Example.COM ', phone: '010-2345-6789', birthday: '1990-05-17' });
      const reply = await post('/members', person);
      expect(reply.status).toBe(202);
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.json()).toEqual({ status: 'received' });
      const memberId = (await memberIdOf(person)) ?? '';

      const item = await memberItem(memberId);
      expect(item).toMatchObject({
        email: 'mixed.case@example.com',
        phone: '+821023456789',
        birthday: '1990-05-17',
        timeZone: 'Asia/Seoul',
        status: 'active',
      });
      expect(item?.['consents'].email).toMatchObject({ value: true, source: 'join-form' });
      expect(item?.['consents'].email.confirmedAt).toBeUndefined();

      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :consent)',
          ExpressionAttributeValues: { ':pk': { S: `MEMBER#${memberId}` }, ':consent': { S: 'CONSENT#' } },
        }),
      );
      const history = Items.map((entry) => unmarshall(entry));
      expect(history.map((entry) => [entry['channel'], entry['value'], entry['source']]).sort()).toEqual(
        [
          ['email', true, 'join-form'],
          ['nightTime', false, 'join-form'],
          ['post', false, 'join-form'],
          ['sms', false, 'join-form'],
        ].sort(),
      );
      for (const entry of history) expect(Date.parse(entry['at'])).not.toBeNaN();
    });

    it('answers the same 202 for a new and an existing e-mail or phone, and never creates a second member', async () => {
      const person = newPerson();
      const first = await post('/members', person);
      const { memberId } = { memberId: (await memberIdOf(person)) ?? '' };
      // Both contacts verified (the mailed link, the SMS link): from now on they are this member's.
      const [mail] = await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      expect(
        (await post('/members/confirm', { token: new URL(confirmLink(mail!)).searchParams.get('token') })).status,
      ).toBe(200);
      const [sms] = await eventually(
        () => smsTo(person.phone),
        (found) => found.length > 0,
      );
      expect((await post('/members/confirm', { token: smsToken(sms!) })).json()).toEqual({
        memberId,
        status: 'confirmed',
      });
      const sameEmail = await post('/members', { ...newPerson(), email: person.email.toUpperCase() });
      const samePhone = await post('/members', { ...newPerson(), phone: `+82 ${person.phone.slice(1)}` });
      // Nothing in the answer tells a stranger that the person is a member: no id, the same body, the same headers.
      for (const reply of [first, sameEmail, samePhone]) {
        expect(reply.status).toBe(202);
        expect(reply.text).toBe('{"status":"received"}');
        expect(reply.headers.get('content-type')).toBe('application/json');
      }
      expect(await countMembersOwning(`EMAIL#${person.email}`)).toBe(1);
      expect(await memberIdOf({ email: person.email })).toBe(memberId);
      expect(await memberIdOf({ phone: person.phone })).toBe(memberId);
    });

    it('lets the owner enroll with a contact a stranger enrolled with and never verified', async () => {
      const owner = newPerson();
      const stranger = newPerson({ name: '남의이름', email: owner.email, phone: undefined });
      stranger.consents = { email: true, sms: false, post: false, nightTime: false };
      const { memberId: strangers } = await enroll(stranger);
      const [strangersMail] = await eventually(
        () => mailsTo(owner.email),
        (mails) => mails.length > 0,
      );
      // The real owner enrolls with the address: a membership of their own; the stranger's loses the address.
      const { memberId: owners } = await enroll(owner);
      expect(owners).not.toBe(strangers);
      expect((await memberItem(strangers))?.['email']).toBeUndefined();
      const mails = await eventually(
        () => mailsTo(owner.email),
        (found) => found.length >= 2,
      );
      // The first mail's link (made for the stranger's membership) verifies nothing now; the owner's does.
      const stale = await post('/members/confirm', {
        token: new URL(confirmLink(strangersMail!)).searchParams.get('token'),
      });
      expect(stale.status).toBe(400);
      const fresh = mails.find((mail) => mail.messageId !== strangersMail?.messageId);
      expect(
        (await post('/members/confirm', { token: new URL(confirmLink(fresh!)).searchParams.get('token') })).json(),
      ).toEqual({
        memberId: owners,
        status: 'confirmed',
      });
      expect((await memberItem(owners))?.['emailVerifiedAt']).toEqual(expect.any(String));
    });

    it('verifies a phone by the link in an SMS: opening it changes nothing, its button verifies', async () => {
      const person = newPerson({ email: undefined, locale: 'en' });
      person.consents = { email: false, sms: true, post: false, nightTime: false };
      const { memberId } = await enroll(person);
      const [sms] = await eventually(
        () => smsTo(person.phone),
        (found) => found.length > 0,
      );
      expect(sms?.attributes['AWS.SNS.SMS.SMSType']).toBe('Transactional');
      expect(sms?.message).toMatch(/^\[.+\] Confirm this phone for your membership: http/);
      const token = smsToken(sms!);
      const link = `${urls().http}/members/confirm?token=${encodeURIComponent(token)}`;
      const page = await (await fetch(link, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain('Confirm my phone number');
      expect((await memberItem(memberId))?.['phoneVerifiedAt']).toBeUndefined();
      const form = await fetch(`${urls().http}/members/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(form.status).toBe(200);
      expect(await form.text()).toContain('Your phone number is confirmed');
      expect((await memberItem(memberId))?.['phoneVerifiedAt']).toEqual(expect.any(String));
      // One verification SMS, however often the event is delivered; enrolling again now answers "already a member".
      expect(await smsTo(person.phone)).toHaveLength(1);
      await post('/members', person);
      const again = await eventually(
        () => smsTo(person.phone),
        (found) => found.length >= 2,
      );
      expect(again[1]?.message).toContain('/me/sign-in');
    });

    it('holds a child’s membership until the guardian agrees by the SMS link; only then the child hears from us', async () => {
      const guardianPhone = `010-${String(Math.floor(Math.random() * 1e8))
        .padStart(8, '0')
        .replace(/^(\d{4})/, '$1-')}`;
      const child = newPerson({
        birthday: `${new Date().getUTCFullYear() - 10}-03-01`,
        guardian: { name: '김보호', phone: guardianPhone },
      });
      const { memberId } = await enroll(child);
      expect((await memberItem(memberId))?.['status']).toBe('pending');
      const [ask] = await eventually(
        () => smsTo(guardianPhone),
        (found) => found.length > 0,
      );
      expect(ask?.message).toContain('법정대리인 동의');
      const token = smsToken(ask!);
      // Opening the link shows the guardian's page and changes nothing; the child has had no message.
      const page = await (
        await fetch(`${urls().http}/members/confirm?token=${encodeURIComponent(token)}`, {
          headers: { accept: 'text/html' },
        })
      ).text();
      expect(page).toContain('법정대리인 동의');
      expect((await memberItem(memberId))?.['status']).toBe('pending');
      expect(await mailsTo(child.email)).toHaveLength(0);
      expect(await smsTo(child.phone)).toHaveLength(0);
      expect((await post('/members/confirm', { token })).json()).toEqual({ memberId, status: 'confirmed' });
      const member = await memberItem(memberId);
      expect(member).toMatchObject({ status: 'active', guardianConsent: true });
      expect(member?.['guardianConfirmedAt']).toEqual(expect.any(String));
      // Now the child's own contacts get their verification links.
      await eventually(
        () => mailsTo(child.email),
        (mails) => mails.length > 0,
      );
      await eventually(
        () => smsTo(child.phone),
        (found) => found.length > 0,
      );
    });

    it('tells an existing member by mail that they are a member, with a sign-in link, once per 10 minutes', async () => {
      const person = newPerson({ locale: 'en' });
      const { memberId } = await enroll(person);
      const [confirmation] = await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      const token = new URL(confirmLink(confirmation!)).searchParams.get('token') ?? '';
      await post('/members/confirm', { token });
      await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length >= 2,
      );
      for (let i = 0; i < 3; i++) expect((await post('/members', person)).json()).toEqual({ status: 'received' });
      const mails = await eventually(
        () => mailsTo(person.email),
        (found) => found.length >= 3,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const subjects = (await mailsTo(person.email)).map((mail) => mail.subject);
      expect(subjects).toEqual([
        'Please confirm your e-mail address',
        'Welcome to the membership',
        'You are already a member',
      ]);
      expect(mails[2]?.body.html).toContain('/me/sign-in');
      expect(await memberIdOf(person)).toBe(memberId);
    });

    it('creates exactly one member when the same person enrolls 8 times at once', async () => {
      const person = newPerson();
      const replies = await Promise.all(Array.from({ length: 8 }, () => post('/members', person)));
      expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(202));
      expect(new Set(replies.map((reply) => reply.text))).toEqual(new Set(['{"status":"received"}']));
      expect(await countMembersOwning(`EMAIL#${person.email}`)).toBe(1);
      const memberId = await memberIdOf(person);
      const owner = await dynamo().send(
        new GetItemCommand({ TableName: TABLE, Key: { PK: { S: `EMAIL#${person.email}` }, SK: { S: 'OWNER' } } }),
      );
      expect(owner.Item?.['memberId']?.S).toBe(memberId);
      // One Member Enrolled event and one confirmation mail, however many requests raced.
      const mails = await eventually(
        () => mailsTo(person.email),
        (found) => found.length >= 1,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await mailsTo(person.email)).length).toBe(mails.length);
      expect(mails).toHaveLength(1);
    });

    it('activates without double opt-in when no e-mail consent is given', async () => {
      const person = newPerson({
        email: undefined,
        consents: { email: false, sms: true, post: false, nightTime: true },
      });
      const { memberId } = await enroll(person);
      expect((await memberItem(memberId))?.['status']).toBe('active');
      expect((await memberItem(memberId))?.['consents'].sms).toMatchObject({ value: true });
    });
  });

  describe('double opt-in', () => {
    it('welcomes with the calendar’s welcome entry, as marketing last edited it', async () => {
      const { signAdminToken } = await import('#infra/local/admin-keys');
      const marketing = await signAdminToken({ group: 'marketing', subject: 'mk-welcome' });
      const call = adminCaller(() => marketing);
      const welcomeAboard = (input: Record<string, any>) => ({
        ...input,
        content: {
          email: {
            ...input['content'].email,
            en: { subject: 'Welcome aboard, {{name}}', html: '<p>Hello {{name}}</p>', text: 'Hello {{name}}' },
          },
        },
      });
      await whileEdited(call, 'default-welcome', welcomeAboard, async () => {
        const person = newPerson({ locale: 'en', name: 'Ann Lee' });
        await enroll(person);
        const [confirmation] = await eventually(
          () => mailsTo(person.email),
          (mails) => mails.length > 0,
        );
        const token = new URL(confirmLink(confirmation!)).searchParams.get('token') ?? '';
        const confirmed = await fetch(`${urls().http}/members/confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
        expect(confirmed.status).toBe(200);
        const mails = await eventually(
          () => mailsTo(person.email),
          (found) => found.length >= 2,
        );
        expect(mails.map((mail) => mail.subject)).toEqual([
          'Please confirm your e-mail address',
          'Welcome aboard, Ann Lee',
        ]);
      });
    });

    it('sends a confirmation mail, and the link activates e-mail and sends one welcome mail', async () => {
      const person = newPerson({ locale: 'en', name: 'Jane Doe' });
      const { memberId } = await enroll(person);
      const [confirmation] = await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      expect(confirmation?.subject).toBe('Please confirm your e-mail address');
      const link = confirmLink(confirmation!);
      expect(link.startsWith(`${urls().http}/members/confirm?token=`)).toBe(true);

      // Opening the link (what a mail scanner or a link preview does) shows one button and confirms nothing.
      for (const accept of ['text/html', 'application/json', '*/*']) {
        expect((await fetch(link, { headers: { accept } })).status, accept).toBe(200);
      }
      const page = await (await fetch(link, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain('<form method="post" action="/members/confirm">');
      const token = new URL(link).searchParams.get('token') ?? '';
      expect(page).toContain(`name="token" value="${token}"`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await memberItem(memberId))?.['consents'].email.confirmedAt).toBeUndefined();
      expect(await mailsTo(person.email)).toHaveLength(1);

      // The page's button posts the token: that confirms, once.
      const first = await fetch(`${urls().http}/members/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ memberId, status: 'confirmed' });
      const again = await fetch(`${urls().http}/members/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(again.status).toBe(200);
      expect(again.headers.get('content-type')).toContain('text/html');

      const mails = await eventually(
        () => mailsTo(person.email),
        (found) => found.length >= 2,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const subjects = (await mailsTo(person.email)).map((mail) => mail.subject);
      expect(subjects).toEqual(['Please confirm your e-mail address', 'Welcome to the membership']);
      expect(mails).toHaveLength(2);

      const item = await memberItem(memberId);
      expect(item?.['consents'].email.confirmedAt).toBeDefined();
      expect((await post('/members', person)).json()).toEqual({ status: 'received' });
    });

    it('rejects a tampered, foreign or missing token with problem+json 400', async () => {
      const person = newPerson();
      await post('/members', person);
      const [confirmation] = await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      const link = confirmLink(confirmation!);
      const tampered = link.replace(/token=(.)/, (_, c: string) => `token=${c === 'A' ? 'B' : 'A'}`);
      for (const url of [tampered, `${urls().http}/members/confirm`, `${urls().http}/members/confirm?token=abc.def`]) {
        for (const method of ['GET', 'POST']) {
          const response = await fetch(url, { method });
          expect(response.status, `${method} ${url}`).toBe(400);
          expect(response.headers.get('content-type')).toBe('application/problem+json');
          const problem = (await response.json()) as { errors: { path: string }[] };
          expect(problem.errors[0]?.path).toBe('token');
        }
      }
    });

    it('does not re-send the confirmation when the person enrolls again within 10 minutes', async () => {
      const person = newPerson();
      await post('/members', person);
      await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length > 0,
      );
      await post('/members', person);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await mailsTo(person.email)).toHaveLength(1);
    });
  });
});
