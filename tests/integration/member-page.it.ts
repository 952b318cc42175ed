// The members' own page on the emulators: a sign-in link by e-mail or SMS (the same answer for everyone), a link
// that signs in once, a session cookie bound to its member, consents the member changes, their data, sign-out.
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { signToken, bindingOf } from '#domain/signed-token';
import {
  adminCaller,
  confirmLink,
  drained,
  enroll,
  eventually,
  mailsTo,
  newPerson,
  post,
  retire,
  smsTo,
  smsToken,
  urls,
} from './helpers.ts';

describe('member page', () => {
  const created: string[] = [];
  afterAll(() => retire(created));

  /** A member who confirmed the e-mail (double opt-in) and verified the phone. */
  async function verifiedMember(locale: 'ko' | 'en' = 'en') {
    const person = newPerson({
      locale,
      name: locale === 'en' ? 'Mina Kim' : '김민지',
      consents: { email: true, sms: true, post: false, nightTime: false },
    });
    const { memberId } = await enroll(person);
    created.push(memberId);
    const [confirmation] = await eventually(
      () => mailsTo(person.email),
      (mails) => mails.length > 0,
    );
    const token = new URL(confirmLink(confirmation!)).searchParams.get('token') ?? '';
    expect((await post('/members/confirm', { token })).status).toBe(200);
    const [sms] = await eventually(
      () => smsTo(person.phone),
      (found) => found.length > 0,
    );
    expect((await post('/members/confirm', { token: smsToken(sms!) })).status).toBe(200);
    return { ...person, memberId };
  }

  const linkIn = (text: string) =>
    /https?:\/\/\S+\/me\/sign-in\?token=[^\s"<]+/.exec(text)?.[0]?.replace(/&amp;/g, '&');

  async function signInLink(email: string): Promise<string> {
    const before = (await mailsTo(email)).length;
    expect((await post('/me/sign-in', { email })).status).toBe(202);
    const mails = await eventually(
      () => mailsTo(email),
      (found) => found.length > before,
    );
    const link = linkIn(mails[mails.length - 1]?.body.text ?? mails[mails.length - 1]?.body.html ?? '');
    if (!link) throw new Error('no sign-in link in the mail');
    return link;
  }

  /** The link's button: a POST of its token; the session cookie and where it leads. */
  async function pressButton(
    link: string,
  ): Promise<{ status: number; cookie?: string; location: string | null; text: string }> {
    const token = new URL(link).searchParams.get('token') ?? '';
    const response = await fetch(`${urls().http}/me/session?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    const setCookie = response.headers.get('set-cookie') ?? '';
    const cookie = /dangol_session=([^;]*)/.exec(setCookie)?.[1];
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
      ...(cookie && { cookie }),
    };
  }

  const page = (cookie: string, path = '/me') =>
    fetch(`${urls().http}${path}`, { headers: { cookie: `dangol_session=${cookie}` }, redirect: 'manual' });

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it('signs in by a link that works once, shows the tier, and lets the member change consents and sign out', async () => {
    const member = await verifiedMember('en');
    // The same answer for a member, a stranger and a malformed request's neighbour.
    const stranger = await post('/me/sign-in', { email: `nobody-${Date.now()}@example.com` });
    expect(stranger.status).toBe(202);
    expect(stranger.json()).toEqual({ status: 'received' });
    const link = await signInLink(member.email);
    expect(link).toContain('/me/sign-in?token=');

    // Opening the link signs nobody in: a page with the button.
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('set-cookie')).toBeNull();
    expect(await opened.text()).toContain('action="/me/session?lang=en"');

    const signedIn = await pressButton(link);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/me');
    const cookie = signedIn.cookie ?? '';
    expect(cookie.length).toBeGreaterThan(20);

    // Pressed again: used up.
    const again = await pressButton(link);
    expect(again.status).toBe(400);
    expect(again.text).toContain('was used already');

    const home = await page(cookie);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Your tier: Member');
    expect(html).toMatch(/KRW 300,000 more to reach Silver/);
    expect(html).toContain('Text messages (SMS)');
    const csrf = csrfOf(html);
    expect(csrf).not.toBe('');

    // A change without the page's token is refused; with it, SMS consent is withdrawn at once.
    const forged = await fetch(`${urls().http}/me/consents`, {
      method: 'PUT',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sms: false }),
    });
    expect(forged.status).toBe(403);
    const changed = await fetch(`${urls().http}/me/consents`, {
      method: 'PUT',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ sms: false }),
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ changed: ['sms'] });
    // A member id in the body is not the session's to choose: refused, nothing changed.
    const other = await fetch(`${urls().http}/me/consents`, {
      method: 'PUT',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ memberId: 'someone-else', post: true }),
    });
    expect(other.status).toBe(400);
    // Giving e-mail again is not done here (double opt-in): a field error.
    const data = (await (await page(cookie, '/me/data')).json()) as Record<string, any>;
    expect(data.member).toMatchObject({
      memberId: member.memberId,
      consents: { sms: { value: false, source: 'member' } },
    });
    expect(data.consentHistory).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'sms', value: false, source: 'member' })]),
    );
    const events = (
      (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
        events: { detailType: string; detail: Record<string, unknown> }[];
      }
    ).events.filter((event) => event.detailType === 'Consent Changed' && event.detail['memberId'] === member.memberId);
    expect(events.map((event) => event.detail)).toEqual([
      expect.objectContaining({ channel: 'sms', value: false, source: 'member' }),
    ]);
    expect(JSON.stringify(events)).not.toContain(member.email);

    // The form of the page does the same, and comes back to the page.
    const form = await fetch(`${urls().http}/me/consents`, {
      method: 'POST',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, email: 'true', sms: 'true' }).toString(),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/me?saved=1');
    expect(await (await page(cookie, '/me?saved=1')).text()).toContain('Saved.');

    // Signed out: the cookie no longer opens the page.
    const out = await fetch(`${urls().http}/me/sign-out`, {
      method: 'POST',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/dangol_session=; .*Max-Age=0/);
    const after = await page(cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/me/sign-in');
    expect((await page(cookie, '/me/data')).status).toBe(401);
  }, 60_000);

  it('sets the cookie HttpOnly, Secure and SameSite, for /me only, with a fresh id at each sign-in', async () => {
    const member = await verifiedMember('ko');
    const first = await pressButton(await signInLink(member.email));
    const second = await pressButton(await signInLink(member.email));
    expect(first.cookie).not.toBe(second.cookie);
    const response = await fetch(`${urls().http}/me/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: new URL(await signInLink(member.email)).searchParams.get('token') ?? '',
      }).toString(),
      redirect: 'manual',
    });
    expect(response.headers.get('set-cookie')).toMatch(
      /^dangol_session=[\w-]+; Path=\/me; HttpOnly; Secure; SameSite=Lax; Max-Age=1800$/,
    );
    // The Korean member's page is in Korean.
    expect(await (await page(first.cookie ?? '')).text()).toContain('<html lang="ko">');
  }, 60_000);

  it('sends the link by SMS to a verified phone, and says so for expired, foreign and broken links', async () => {
    const member = await verifiedMember('en');
    const before = (await smsTo(member.phone)).length;
    expect((await post('/me/sign-in', { phone: member.phone })).status).toBe(202);
    const texts = await eventually(
      () => smsTo(member.phone),
      (found) => found.length > before,
    );
    const link = linkIn(texts[texts.length - 1]?.message ?? '');
    expect(link).toBeDefined();
    expect((await pressButton(link ?? '')).status).toBe(303);

    const secret = inject('stackEnv')['TOKEN_SECRET'] ?? '';
    const token = (claims: Record<string, unknown>) =>
      encodeURIComponent(
        signToken(
          {
            purpose: 'sign-in',
            sub: member.memberId,
            exp: Math.floor(Date.now() / 1000) + 900,
            bind: bindingOf(member.email.toLowerCase(), secret),
            jti: `t-${Date.now()}`,
            ...claims,
          } as never,
          secret,
        ),
      );
    const english = { headers: { 'accept-language': 'en-GB,en;q=0.9' } };
    const expired = await fetch(
      `${urls().http}/me/sign-in?token=${token({ exp: Math.floor(Date.now() / 1000) - 1 })}`,
      english,
    );
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('has expired');
    // Made for a contact the member does not have: signs in nobody.
    const foreign = await fetch(
      `${urls().http}/me/sign-in?token=${token({ bind: bindingOf('x@example.com', secret) })}`,
      english,
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('not valid');
    const broken = await fetch(`${urls().http}/me/sign-in?token=abc.def`);
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('action="/me/sign-in');
    // Nobody signed in: no page, no data.
    expect((await fetch(`${urls().http}/me`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${urls().http}/me/data`)).status).toBe(401);
    await drained('enrollment-mail');
  }, 60_000);

  it('deletes the membership only by the link its request sends, as the privacy group’s erasure does', async () => {
    const member = await verifiedMember('en');
    const { cookie } = await pressButton(await signInLink(member.email));
    const csrf = csrfOf(await (await page(cookie ?? '')).text());
    const ask = (headers: Record<string, string>) =>
      fetch(`${urls().http}/me`, { method: 'DELETE', headers: { cookie: `dangol_session=${cookie}`, ...headers } });
    expect((await ask({})).status).toBe(403);
    const before = (await mailsTo(member.email)).length;
    expect((await ask({ 'x-csrf-token': csrf })).status).toBe(202);
    const mails = await eventually(
      () => mailsTo(member.email),
      (found) => found.length > before,
    );
    const mail = mails[mails.length - 1];
    expect(mail?.subject).toBe('Confirm deleting your membership');
    const link = /https?:\/\/\S+\/me\/erase\?token=[^\s"<]+/.exec(mail?.body.text ?? '')?.[0] ?? '';
    // Opening the link deletes nothing.
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Delete my membership and data');
    expect((await page(cookie ?? '')).status).toBe(200);
    const token = new URL(link).searchParams.get('token') ?? '';
    const confirm = () =>
      fetch(`${urls().http}/me/erase?lang=en`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
    const done = await confirm();
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your membership is deleted');
    // The session is gone with the member; the link does nothing more; no contact data is left on the profile.
    const after = await page(cookie ?? '');
    expect(after.status).toBe(303);
    expect((await confirm()).status).toBe(400);
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { dynamo } = await import('./helpers.ts');
    const { Item } = await dynamo().send(
      new GetItemCommand({
        TableName: 'dangol',
        Key: { PK: { S: `MEMBER#${member.memberId}` }, SK: { S: 'PROFILE' } },
        ConsistentRead: true,
      }),
    );
    expect(Item?.['status']?.S).toBe('erased');
    expect(JSON.stringify(Item)).not.toContain(member.email);
    const events = (
      (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
        events: { detailType: string; detail: Record<string, unknown> }[];
      }
    ).events.filter((event) => event.detailType === 'Member Erased' && event.detail['memberId'] === member.memberId);
    expect(events.map((event) => event.detail['by'])).toEqual(['member']);
  }, 60_000);

  it('lets the member change the profile; the birthday at most once a year, the date audiences at once', async () => {
    const member = await verifiedMember('en');
    const { cookie } = await pressButton(await signInLink(member.email));
    const csrf = csrfOf(await (await page(cookie ?? '')).text());
    const put = (body: unknown, token = csrf) =>
      fetch(`${urls().http}/me/profile`, {
        method: 'PUT',
        headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify(body),
      });
    expect((await put({ name: 'Hana Park' }, 'wrong')).status).toBe(403);
    const bad = await put({ birthday: '1990-02-30', timeZone: 'Mars/Base', memberId: 'x' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'birthday',
      'memberId',
      'timeZone',
    ]);
    // Someone else of that name and birthday: after the change the two are a candidate pair, not merged.
    const namesake = await enroll(newPerson({ name: 'Hana Park', birthday: '1991-06-30' }));
    created.push(namesake.memberId);
    const changed = await put({ name: 'Hana Park', birthday: '1991-06-30', timeZone: 'Europe/Berlin' });
    expect(changed.status).toBe(200);
    const { signAdminToken } = await import('#infra/local/admin-keys');
    const reviewer = await signAdminToken({ group: 'marketing', subject: 'mk-candidates' });
    const items: { members: { memberId: string }[]; reasons: string[] }[] = [];
    for (let cursor = ''; ; ) {
      const page = await adminCaller(() => reviewer)('GET', `/admin/identity/candidates?limit=100${cursor}`);
      items.push(...page.body['items']);
      if (!page.body['next']) break;
      cursor = `&cursor=${page.body['next']}`;
    }
    expect(
      items.some(
        (item: { members: { memberId: string }[]; reasons: string[] }) =>
          item.members.some((m) => m.memberId === member.memberId) &&
          item.members.some((m) => m.memberId === namesake.memberId) &&
          item.reasons.includes('name-birthday'),
      ),
    ).toBe(true);
    expect(await changed.json()).toEqual({ changed: ['name', 'birthday', 'timeZone'] });
    // The birthday audience has the member under the new day and zone, once.
    const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
    const { dynamo } = await import('./helpers.ts');
    const dates = await dynamo().send(
      new QueryCommand({
        TableName: 'dangol',
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :date)',
        ExpressionAttributeValues: { ':pk': { S: `MEMBER#${member.memberId}` }, ':date': { S: 'DATE#' } },
        ConsistentRead: true,
      }),
    );
    expect(dates.Items?.map((item) => item['GSI2PK']?.S).sort()).toEqual([
      expect.stringMatching(/^DATE#birthday#06-30#Europe\/Berlin$/),
      expect.stringMatching(/^DATE#enrolledAt#\d\d-\d\d#Europe\/Berlin$/),
    ]);
    // A second move of the birthday within the year is refused (a second birthday benefit), the rest may change.
    const again = await put({ birthday: '1991-07-01' });
    expect(again.status).toBe(400);
    expect(JSON.stringify(await again.json())).toContain('once a year');
    expect(await (await put({ locale: 'ko' })).json()).toEqual({ changed: ['locale'] });
    expect(await (await page(cookie ?? '')).text()).toContain('<html lang="ko">');
    const events = (
      (await (await fetch(`${urls().http}/_local/outbox`)).json()) as {
        events: { detailType: string; detail: Record<string, unknown> }[];
      }
    ).events.filter((event) => event.detailType === 'Profile Changed' && event.detail['memberId'] === member.memberId);
    expect(events.map((event) => event.detail['fields'])).toEqual([['name', 'birthday', 'timeZone'], ['locale']]);
    expect(JSON.stringify(events)).not.toContain('Hana');
  }, 60_000);

  it('takes the address, a new contact and consents as page forms; what is wrong comes back next to its field', async () => {
    const member = await verifiedMember('en');
    const { cookie } = await pressButton(await signInLink(member.email));
    const csrf = csrfOf(await (await page(cookie ?? '')).text());
    const form = (path: string, fields: Record<string, string>) =>
      fetch(`${urls().http}${path}`, {
        method: 'POST',
        headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, ...fields }).toString(),
        redirect: 'manual',
      });
    const profile = { name: 'Mina Kim', locale: 'en', timeZone: 'Asia/Seoul' };
    // Post without an address: refused on the page, nothing changed.
    const noAddress = await form('/me/consents', { email: 'true', sms: 'true', post: 'true' });
    expect(noAddress.status).toBe(400);
    expect(await noAddress.text()).toContain('Give a postal address in your details first');
    // A broken postal code is marked next to its field; the rest of the address is kept as typed.
    const badCode = await form('/me/profile', { ...profile, postalCode: '!', address1: '1 Main St', address2: '' });
    expect(badCode.status).toBe(400);
    const badPage = await badCode.text();
    expect(badPage).toMatch(
      /id="profile-postalCode" aria-describedby="profile-postalCode-note profile-postalCode-error" aria-invalid="true"/,
    );
    expect(badPage).toContain('<p id="profile-postalCode-error" role="alert">Invalid postal code</p>');
    const address = { postalCode: '04524', address1: '세종대로 110', address2: '3층' };
    expect((await form('/me/profile', { ...profile, ...address })).status).toBe(303);
    expect((await form('/me/consents', { email: 'true', sms: 'true', post: 'true' })).status).toBe(303);
    const data = (await (await page(cookie ?? '', '/me/data')).json()) as Record<string, any>;
    expect(data.member.postalAddress).toEqual({ ...address, country: 'KR' });
    expect(data.member.consents.post).toMatchObject({ value: true, source: 'member' });
    // The address cannot go while post is on; once post is off, all three fields empty remove it.
    const empty = { postalCode: '', address1: '', address2: '' };
    const stillPost = await form('/me/profile', { ...profile, ...empty });
    expect(stillPost.status).toBe(400);
    expect(await stillPost.text()).toContain('turn it off before removing the postal address');
    expect((await form('/me/consents', { email: 'true', sms: 'true' })).status).toBe(303);
    expect((await form('/me/profile', { ...profile, ...empty })).status).toBe(303);
    const after = (await (await page(cookie ?? '', '/me/data')).json()) as Record<string, any>;
    expect(after.member.postalAddress).toBeUndefined();

    // A new contact by the form: a wrong address is marked, a right one kept aside and its link sent.
    const wrong = await form('/me/contacts', { email: 'not-an-address', phone: '' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/<p id="contact-email-error" role="alert">[^<]+<\/p>/);
    expect((await form('/me/contacts', { email: member.email, phone: '' })).status).toBe(400);
    const moved = `moved-${member.memberId}@example.com`;
    const sent = await form('/me/contacts', { email: moved, phone: '' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/me?saved=contact');
    expect(await (await page(cookie ?? '', '/me?saved=contact')).text()).toContain(
      `A confirmation link went to ${moved}.`,
    );
    const link = await eventually(
      () => mailsTo(moved),
      (mails) => mails.length > 0,
    );
    expect(link[0]?.body.text).toMatch(/\/me\/contacts\/confirm\?token=/);
    // Without the page's token, none of the forms changes anything.
    const forged = await fetch(`${urls().http}/me/contacts`, {
      method: 'POST',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'other@example.com' }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
  }, 60_000);

  it('gives e-mail again only by the link of a new confirmation mail (double opt-in), with no second welcome', async () => {
    const member = await verifiedMember('en');
    const { cookie } = await pressButton(await signInLink(member.email));
    const csrf = csrfOf(await (await page(cookie ?? '')).text());
    const consents = (body: unknown) =>
      fetch(`${urls().http}/me/consents`, {
        method: 'PUT',
        headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(body),
      });
    expect(await (await consents({ email: false })).json()).toEqual({ changed: ['email'] });
    const before = await mailsTo(member.email);
    expect(await (await consents({ email: true })).json()).toEqual({ changed: ['email'] });
    const mails = await eventually(
      () => mailsTo(member.email),
      (found) => found.length > before.length,
    );
    const confirmation = mails[mails.length - 1];
    expect(confirmation?.subject).toBe('Please confirm your e-mail address');
    // Given, not yet confirmed: the page says it waits, and no campaign mails it meanwhile (the sender needs confirmedAt).
    expect(await (await page(cookie ?? '')).text()).toContain('waiting for the confirmation mail’s link');
    const token = new URL(confirmLink(confirmation!)).searchParams.get('token') ?? '';
    expect((await post('/members/confirm', { token })).status).toBe(200);
    const data = (await (await page(cookie ?? '', '/me/data')).json()) as Record<string, any>;
    expect(data.member.consents.email).toMatchObject({
      value: true,
      source: 'member',
      confirmedAt: expect.any(String),
    });
    expect(data.consentHistory).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'email', value: true, source: 'double-opt-in' })]),
    );
    await drained('enrollment-mail');
    // One welcome in all, from the first confirmation.
    const welcomes = (await mailsTo(member.email)).filter((mail) => /welcome/i.test(mail.subject));
    expect(welcomes).toHaveLength(1);
  }, 60_000);

  it('shows the tier a purchase reached; SMS withdrawn on the page, the next SMS touchpoint skips the member', async () => {
    const { signAdminToken } = await import('#infra/local/admin-keys');
    const { adminCaller, putEvents } = await import('./helpers.ts');
    const member = await verifiedMember('en');
    const { cookie } = await pressButton(await signInLink(member.email));
    await putEvents([
      {
        detailType: 'Purchase Completed',
        detail: {
          orderId: `me-${member.memberId}`,
          channel: 'web-shop',
          occurredAt: new Date().toISOString(),
          amount: { value: 350_000, currency: 'KRW' },
          member: { memberId: member.memberId },
        },
      },
    ]);
    await drained('purchases');
    const home = await (await page(cookie ?? '')).text();
    expect(home).toContain('Your tier: Silver');
    expect(home).toMatch(/Last 12 months: KRW 350,000, 1 purchase(?!s)/);
    expect(home).toMatch(/Up after a purchase/);
    const csrf = csrfOf(home);
    const withdrawn = await fetch(`${urls().http}/me/consents`, {
      method: 'PUT',
      headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ sms: false }),
    });
    expect(await withdrawn.json()).toEqual({ changed: ['sms'] });
    // An SMS touchpoint for every tier, at an hour no other test dispatches: the member is skipped for consent.
    const marketing = await signAdminToken({ group: 'marketing', subject: 'mk-me' });
    const call = adminCaller(() => marketing);
    const at = '2027-09-09T05:00:00.000Z';
    const created = await call('POST', '/admin/calendar', {
      name: 'Page SMS check',
      kind: 'custom',
      trigger: { type: 'once', at },
      tiers: ['D', 'C', 'B', 'A', 'S'],
      channels: ['sms'],
      advertising: false,
      content: { sms: { ko: { text: '{{name}}님 안내' }, en: { text: 'News for {{name}}' } } },
    });
    expect(created.status).toBe(201);
    expect((await post('/_local/schedules/dispatcher', { at })).status).toBe(200);
    await drained(['dispatch', 'message-sends'], 60_000);
    const texts = await smsTo(member.phone);
    expect(texts.some((sms) => sms.message.includes('News for'))).toBe(false);
    const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
    const { dynamo } = await import('./helpers.ts');
    const ledger = await dynamo().send(
      new QueryCommand({
        TableName: 'dangol',
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sent)',
        ExpressionAttributeValues: {
          ':pk': { S: `MEMBER#${member.memberId}` },
          ':sent': { S: `SENT#${String(created.body['id'])}#` },
        },
        ConsistentRead: true,
      }),
    );
    expect(ledger.Items?.map((item) => [item['state']?.S, item['reason']?.S])).toEqual([['skipped', 'no-consent']]);
    await call('DELETE', `/admin/calendar/${String(created.body['id'])}`, undefined, { 'if-match': '"1"' });
  }, 90_000);

  it('replaces the e-mail only once the new one is verified, tells the old one, and never takes another member’s', async () => {
    const member = await verifiedMember('en');
    const other = await verifiedMember('en');
    const { cookie } = await pressButton(await signInLink(member.email));
    const csrf = csrfOf(await (await page(cookie ?? '')).text());
    const change = (body: unknown) =>
      fetch(`${urls().http}/me/contacts`, {
        method: 'POST',
        headers: { cookie: `dangol_session=${cookie}`, 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(body),
      });
    expect((await change({ email: member.email })).status).toBe(400);
    const fresh = `new-${Date.now()}@example.com`;
    expect((await change({ email: fresh })).status).toBe(202);
    const [mail] = await eventually(
      () => mailsTo(fresh),
      (found) => found.length > 0,
    );
    expect(mail?.subject).toBe('Confirm your new e-mail address');
    const link = /https?:\/\/\S+\/me\/contacts\/confirm\?token=[^\s"<]+/.exec(mail?.body.text ?? '')?.[0] ?? '';
    // Until the link's button: the old address is the member's.
    expect(await (await fetch(link)).text()).toContain('Use this contact');
    const confirm = (url: string) =>
      fetch(`${urls().http}/me/contacts/confirm?lang=en`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: new URL(url).searchParams.get('token') ?? '' }).toString(),
      });
    const oldBefore = (await mailsTo(member.email)).length;
    const done = await confirm(link);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your contact is changed');
    const told = await eventually(
      () => mailsTo(member.email),
      (found) => found.length > oldBefore,
    );
    expect(told[told.length - 1]?.subject).toBe('Your membership e-mail address was changed');
    const data = (await (await page(cookie ?? '', '/me/data')).json()) as Record<string, any>;
    expect(data.member).toMatchObject({ email: fresh, emailVerifiedAt: expect.any(String) });
    expect(data.member.pendingContact).toBeUndefined();
    expect(data.member.replacedContact).toBeUndefined();
    // Signing in now works with the new address only.
    expect(await signInLink(fresh)).toContain('/me/sign-in?token=');
    const oldCount = (await mailsTo(member.email)).length;
    expect((await post('/me/sign-in', { email: member.email })).status).toBe(202);
    await drained('enrollment-mail');
    expect(await mailsTo(member.email)).toHaveLength(oldCount);
    // Another member's verified address: the link may arrive, but it takes nothing from them.
    expect((await change({ email: other.email })).status).toBe(202);
    const theirs = await eventually(
      () => mailsTo(other.email),
      (found) => found.some((m) => m.subject === 'Confirm your new e-mail address'),
    );
    const foreign = /https?:\/\/\S+\/me\/contacts\/confirm\?token=[^\s"<]+/.exec(
      theirs.find((m) => m.subject === 'Confirm your new e-mail address')?.body.text ?? '',
    )?.[0];
    expect((await confirm(foreign ?? '')).status).toBe(400);
    expect(((await (await page(cookie ?? '', '/me/data')).json()) as Record<string, any>).member.email).toBe(fresh);
  }, 90_000);
});
