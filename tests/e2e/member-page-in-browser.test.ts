// The members' own page in headless Chromium against the `npm start` stack: a member asks for a sign-in link, follows
// it from the mail, presses its button, sees their tier, withdraws SMS with the keyboard only, and signs out —
// Korean and English, desktop and a 360 px phone, 0 axe-core violations at WCAG 2.2 AA on every page of the flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Browser } from 'playwright-core';
import { normalisePhone } from '#domain/identity';
import { signAdminToken } from '#infra/local/admin-keys';
import { launchChromium, mailsTo, noViolations, SCREENSHOTS, type StoredMail, stopStack, until } from './browser.ts';
import { startStack, type RunningStack } from './local-stack.ts';

let stack: RunningStack;
let browser: Browser;

/** A member who joined with e-mail and SMS consent and confirmed the address (through the API, as the join form does). */
async function member(locale: 'ko' | 'en', phone = randomPhone()): Promise<string> {
  const email = `page-${locale}-${Date.now()}@example.com`;
  const enrolled = await fetch(`${stack.base}/members`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: locale === 'ko' ? '정하늘' : 'Sky Jung',
      email,
      phone,
      locale,
      consents: { email: true, sms: true, post: false, nightTime: false },
      privacyNotice: true,
    }),
  });
  expect(enrolled.status).toBe(202);
  const [confirmation] = await until(
    () => mailsTo(stack, email),
    (mails) => mails.length > 0,
  );
  const token = new URL(
    (/href="([^"]+\/members\/confirm\?token=[^"]+)"/.exec(confirmation?.body.html ?? '')?.[1] ?? '').replace(
      /&amp;/g,
      '&',
    ),
  ).searchParams.get('token');
  const confirmed = await fetch(`${stack.base}/members/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(confirmed.status).toBe(200);
  return email;
}

function randomPhone(): string {
  return `010-${String(Math.floor(Math.random() * 1e8))
    .padStart(8, '0')
    .replace(/^(\d{4})/, '$1-')}`;
}

/** The link of a path (`/me/sign-in`, `/members/confirm`, …) in the newest mail to an address, waiting for it. */
async function linkIn(address: string, path: string, after = 0): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<]+${path.replace(/\//g, '\\/')}\\?token=[^\\s"<]+`);
  const textOf = (mail: StoredMail) => `${mail.body.text ?? ''} ${(mail.body.html ?? '').replace(/&amp;/g, '&')}`;
  const mails = await until(
    () => mailsTo(stack, address),
    (found) => found.slice(after).some((mail) => pattern.test(textOf(mail))),
  );
  const link = mails
    .slice(after)
    .map((mail) => pattern.exec(textOf(mail))?.[0])
    .filter(Boolean)
    .pop();
  expect(link, `a ${path} link to ${address}`).toBeDefined();
  return link ?? '';
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopStack(stack);
});

describe('the members’ page in the browser', () => {
  for (const locale of ['ko', 'en'] as const) {
    it(`signs in by the mailed link and changes a consent with the keyboard only (${locale})`, async () => {
      const email = await member(locale);
      // AxeBuilder needs a page of an explicit context.
      const context = await browser.newContext({ locale: locale === 'ko' ? 'ko-KR' : 'en-GB' });
      const page = await context.newPage();
      await page.goto(`${stack.base}/me/sign-in?lang=${locale}`);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await noViolations(page, 'sign-in form');

      // Keyboard only: the e-mail field is the first control; typing and Enter send the form.
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('email');
      await page.keyboard.type(email);
      await page.keyboard.press('Enter');
      await page.locator('[role=status]').waitFor();
      await noViolations(page, 'link sent');

      const mails = await until(
        () => mailsTo(stack, email),
        (found) => found.length >= 3,
      );
      const link = /https?:\/\/\S+\/me\/sign-in\?token=[^\s"<]+/.exec(mails[mails.length - 1]?.body.text ?? '')?.[0];
      expect(link).toBeDefined();
      await page.goto(link ?? '');
      await noViolations(page, 'link page');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/me$/);
      const tier = locale === 'ko' ? '현재 등급: 일반' : 'Your tier: Member';
      expect(await page.locator('h2#tier').textContent()).toBe(tier);
      await noViolations(page, 'member page');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: join(SCREENSHOTS, `me-${locale}-desktop.png`), fullPage: true });
      await page.setViewportSize({ width: 360, height: 780 });
      await page.screenshot({ path: join(SCREENSHOTS, `me-${locale}-360.png`), fullPage: true });
      // Nothing wider than the phone: no sideways scrolling.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

      // SMS off with the keyboard: focus the box, Space, then the save button, Enter.
      await page.focus('#consent-sms');
      expect(await page.isChecked('#consent-sms')).toBe(true);
      await page.keyboard.press('Space');
      expect(await page.isChecked('#consent-sms')).toBe(false);
      await page.focus('form[action="/me/consents"] button[type=submit]');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/me\?saved=1$/);
      expect(await page.isChecked('#consent-sms')).toBe(false);
      expect(await page.locator('[role=status]').textContent()).toBe(locale === 'ko' ? '저장되었습니다.' : 'Saved.');
      await noViolations(page, 'saved');

      // The profile form, keyboard only: a zone that does not exist is marked next to its field, then fixed.
      const zone = '#profile-timeZone';
      await page.focus(zone);
      await page.keyboard.press('Control+A');
      await page.keyboard.type('Mars/Base');
      await page.keyboard.press('Enter');
      await page.locator('#profile-timeZone-error').waitFor();
      expect(await page.getAttribute(zone, 'aria-invalid')).toBe('true');
      expect(await page.getAttribute(zone, 'aria-describedby')).toBe('profile-timeZone-error');
      await noViolations(page, 'profile error');
      await page.focus(zone);
      await page.keyboard.press('Control+A');
      await page.keyboard.type('Asia/Tokyo');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/me\?saved=1$/);
      expect(await page.inputValue(zone)).toBe('Asia/Tokyo');

      await page.getByRole('button', { name: locale === 'ko' ? '로그아웃' : 'Sign out' }).click();
      await page.waitForURL(/\/me\/sign-in\?signed-out=1$/);
      await noViolations(page, 'signed out');
      await page.goto(`${stack.base}/me`);
      expect(page.url()).toMatch(/\/me\/sign-in$/);
      await context.close();
    }, 90_000);
  }

  it('takes a member through it all: a purchase, SMS off, e-mail again, a new address, their data, deletion', async () => {
    const phone = randomPhone();
    const email = await member('en', phone);
    const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    const page = await context.newPage();
    const saveConsents = async () => {
      await page.locator('form[action="/me/consents"] button[type=submit]').click();
      await page.waitForURL(/\/me\?saved=1$/);
    };
    const stateOf = (channel: string) => page.locator(`#consent-${channel}-state`).textContent();
    // The member's own data, as the page's link serves it (the session cookie goes with a same-origin fetch).
    const own = () => page.evaluate("fetch('/me/data').then((reply) => reply.json())") as Promise<Record<string, any>>;

    // 1. Sign in by the mailed link.
    await page.goto(`${stack.base}/me/sign-in?lang=en`);
    await page.fill('#email', email);
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.locator('[role=status]').waitFor();
    await page.goto(await linkIn(email, '/me/sign-in'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/me$/);
    const memberId = String((await own())['member']['memberId']);

    // 2. A purchase from the shop moves the tier the page shows.
    const bus = new EventBridgeClient({
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: `http://127.0.0.1:${stack.env['EVENTS_PORT']}`,
    });
    const put = await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'loyalty',
            Source: 'test.shop',
            DetailType: 'Purchase Completed',
            Detail: JSON.stringify({
              orderId: `e2e-${memberId}`,
              channel: 'web-shop',
              occurredAt: new Date().toISOString(),
              amount: { value: 350_000, currency: 'KRW' },
              member: { memberId },
            }),
          },
        ],
      }),
    );
    bus.destroy();
    expect(put.FailedEntryCount).toBe(0);
    const tier = await until(
      async () => {
        await page.reload();
        return page.locator('h2#tier').textContent();
      },
      (text) => text === 'Your tier: Silver',
    );
    expect(tier).toBe('Your tier: Silver');
    expect(await page.locator('section[aria-labelledby=tier]').textContent()).toMatch(
      /Last 12 months: KRW 350,000, 1 purchase(?!s)/,
    );
    expect(await page.locator('section[aria-labelledby=history]').textContent()).toContain('Up after a purchase');
    await noViolations(page, 'page after a purchase');

    // 3. SMS withdrawn on the page: the next SMS touchpoint skips the member, and nothing is texted.
    await page.uncheck('#consent-sms');
    await saveConsents();
    expect(await stateOf('sms')).toMatch(/^No \(your page, /);
    const marketing = await signAdminToken({ group: 'marketing', subject: 'e2e-member-page' });
    const at = '2027-09-09T05:00:00.000Z';
    const created = await fetch(`${stack.base}/admin/calendar`, {
      method: 'POST',
      headers: { authorization: `Bearer ${marketing}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Page SMS check',
        kind: 'custom',
        trigger: { type: 'once', at },
        tiers: ['D', 'C', 'B', 'A', 'S'],
        channels: ['sms'],
        advertising: false,
        content: { sms: { ko: { text: '{{name}}님 안내' }, en: { text: 'News for {{name}}' } } },
      }),
    });
    expect(created.status).toBe(201);
    const entryId = String(((await created.json()) as { id: string }).id);
    const dispatched = await fetch(`${stack.base}/_local/schedules/dispatcher`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ at }),
    });
    expect(dispatched.status).toBe(200);
    const ledger = await until(
      async () =>
        ((await own())['messages'] as Record<string, unknown>[]).filter((sent) => sent['entryId'] === entryId),
      (found) => found.length > 0,
    );
    expect(ledger.map((sent) => [sent['state'], sent['reason']])).toEqual([['skipped', 'no-consent']]);
    const outbox = (await (await fetch(`${stack.base}/_local/outbox`)).json()) as {
      sms: { phoneNumber: string; message: string }[];
    };
    expect(
      outbox.sms.filter((sms) => sms.phoneNumber === normalisePhone(phone) && sms.message.includes('News for')),
    ).toEqual([]);

    // 4. E-mail withdrawn, then given again: it waits for the link of a new confirmation mail (double opt-in).
    await page.uncheck('#consent-email');
    await saveConsents();
    expect(await stateOf('email')).toMatch(/^No \(your page, /);
    const mailed = (await mailsTo(stack, email)).length;
    await page.check('#consent-email');
    await saveConsents();
    expect(await stateOf('email')).toContain('waiting for the confirmation mail’s link');
    await page.goto(await linkIn(email, '/members/confirm', mailed));
    await noViolations(page, 'e-mail confirmation');
    await page.getByRole('button', { name: 'Confirm my e-mail address' }).click();
    expect(await page.locator('h1').textContent()).toBe('E-mail is on again');
    await noViolations(page, 'e-mail on again');
    await page.getByRole('link', { name: 'Your member page' }).click();
    await page.waitForURL(/\/me$/);
    expect(await stateOf('email')).toMatch(/^Yes \(your page, /);
    expect(await stateOf('email')).not.toContain('waiting');

    // 5. A new e-mail address: kept aside until its own link is followed; the old one is told.
    const moved = `moved-${Date.now()}@example.com`;
    await page.fill('#contact-email', moved);
    await page.getByRole('button', { name: 'Send the confirmation link' }).click();
    await page.waitForURL(/\/me\?saved=contact$/);
    expect(await page.locator('[role=status]').textContent()).toContain(`A confirmation link went to ${moved}.`);
    await noViolations(page, 'contact link sent');
    await page.setViewportSize({ width: 360, height: 780 });
    await page.screenshot({ path: join(SCREENSHOTS, 'me-en-360-contact-sent.png'), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect((await own())['member']['email']).toBe(email);
    const toldBefore = (await mailsTo(stack, email)).length;
    await page.goto(await linkIn(moved, '/me/contacts/confirm'));
    await noViolations(page, 'contact confirmation');
    await page.getByRole('button', { name: 'Use this contact' }).click();
    expect(await page.locator('[role=status]').textContent()).toBe('Your contact is changed.');
    await until(
      () => mailsTo(stack, email),
      (mails) => mails.length > toldBefore,
    );
    await page.goto(`${stack.base}/me`);
    expect(await page.locator('section[aria-labelledby=contacts]').textContent()).toContain(`e-mail ${moved}`);

    // 6. Their data, downloaded from the page's link.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download my data (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('my-data.json');
    const data = JSON.parse(await readFile((await download.path()) ?? '', 'utf8')) as Record<string, any>;
    expect(data['member']).toMatchObject({ memberId, email: moved });
    expect(data['member']['consents']['sms']).toMatchObject({ value: false, source: 'member' });
    expect(data['messages']).toEqual(
      expect.arrayContaining([expect.objectContaining({ entryId, state: 'skipped', reason: 'no-consent' })]),
    );
    expect(data['tierHistory']).toEqual([expect.objectContaining({ to: 'C', reason: 'purchase' })]);

    // 7. Deletion, confirmed by the link it mails.
    const beforeErase = (await mailsTo(stack, moved)).length;
    await page.getByRole('button', { name: 'Send me the link that confirms it' }).click();
    await page.locator('[role=status]').waitFor();
    await noViolations(page, 'erasure link sent');
    await page.goto(await linkIn(moved, '/me/erase', beforeErase));
    await noViolations(page, 'erasure confirmation');
    await page.getByRole('button', { name: 'Delete my membership and data' }).click();
    expect(await page.locator('[role=status]').textContent()).toBe(
      'Your membership is deleted, and your personal data with it.',
    );
    await page.goto(`${stack.base}/me`);
    expect(page.url()).toMatch(/\/me\/sign-in$/);
    await context.close();
  }, 180_000);
});
