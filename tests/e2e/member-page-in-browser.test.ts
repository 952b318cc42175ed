// The members' own page in headless Chromium against the `npm start` stack: a member asks for a sign-in link, follows
// it from the mail, presses its button, sees their tier, withdraws SMS with the keyboard only, and signs out —
// Korean and English, desktop and a 360 px phone, 0 axe-core violations at WCAG 2.2 AA on every page of the flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startStack, type RunningStack } from './local-stack.ts';

interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, '.cache', 'screenshots');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let stack: RunningStack;
let browser: Browser;

async function mailsTo(address: string): Promise<StoredMail[]> {
  const store = (await (await fetch(`${stack.ses}/store`)).json()) as { emails: StoredMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A member who joined with e-mail and SMS consent and confirmed the address (through the API, as the join form does). */
async function member(locale: 'ko' | 'en'): Promise<string> {
  const email = `page-${locale}-${Date.now()}@example.com`;
  const enrolled = await fetch(`${stack.base}/members`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: locale === 'ko' ? '정하늘' : 'Sky Jung',
      email,
      phone: `010-${String(Math.floor(Math.random() * 1e8))
        .padStart(8, '0')
        .replace(/^(\d{4})/, '$1-')}`,
      locale,
      consents: { email: true, sms: true, post: false, nightTime: false },
      privacyNotice: true,
    }),
  });
  expect(enrolled.status).toBe(202);
  const [confirmation] = await until(
    () => mailsTo(email),
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

async function noViolations(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  const found = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  expect(found, name).toEqual([]);
}

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (stack && stack.child.exitCode === null) {
    stack.child.kill('SIGKILL');
    await stack.exited;
  }
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
        () => mailsTo(email),
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
});
