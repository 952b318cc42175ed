// A person enrolls at /join in headless Chromium against the `npm start` stack, finds the confirmation mail in the
// SES emulator, follows its link, and gets the welcome mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isPortFree } from '#infra/local/ports';
import { launchChromium, mailsTo, SCREENSHOTS, type StoredMail, stopStack, until } from './browser.ts';
import { startStack, type RunningStack } from './local-stack.ts';

let stack: RunningStack;
let browser: Browser;

function waitForMails(address: string, count: number): Promise<StoredMail[]> {
  return until(
    () => mailsTo(stack, address),
    (mails) => mails.length >= count,
  );
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopStack(stack);
});

describe('enrollment in the browser', () => {
  it('serves an accessible Korean form with unticked consents, and an English one', async () => {
    const page = await browser.newPage({ locale: 'ko-KR' });
    await page.goto(`${stack.base}/join`);
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    for (const id of ['consentEmail', 'consentSms', 'consentPost', 'consentNightTime', 'privacyNotice']) {
      expect(await page.isChecked(`#${id}`), id).toBe(false);
      expect(await page.locator(`label[for=${id}]`).textContent()).not.toBe('');
    }
    for (const id of ['name', 'email', 'phone', 'birthday', 'guardianName', 'guardianPhone'])
      expect(await page.locator(`label[for=${id}]`).count(), id).toBe(1);
    // The collection-and-use notice (PIPA): purposes, items, retention, the right to refuse, its own required box.
    const notice = await page.locator('fieldset', { has: page.locator('#privacyNotice') }).textContent();
    for (const part of ['수집 목적', '수집 항목', '보유 기간', '거부']) expect(notice).toContain(part);
    expect(await page.getAttribute('#privacyNotice', 'required')).not.toBeNull();
    // On a 360 px phone, for a person to look at (Hangul needs fonts-noto-cjk, which .ci/run installs).
    await page.setViewportSize({ width: 360, height: 780 });
    await page.screenshot({ path: join(SCREENSHOTS, 'join-ko-360.png'), fullPage: true });
    await page.goto(`${stack.base}/join?lang=en`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('label[for=consentEmail]').textContent()).toContain('e-mail');
    await page.close();
  });

  it('shows field errors from the API next to the fields', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.base}/join?lang=en`);
    await page.fill('#name', 'Nobody');
    await page.fill('#email', 'not-an-address');
    await page.click('#submit');
    await page.waitForSelector('#email[aria-invalid=true]');
    expect(await page.locator('#email-error').textContent()).toContain('Invalid e-mail');
    await page.close();
  });

  it('enrolls, confirms through the mailed link, and welcomes', async () => {
    const email = `browser-${Date.now()}@example.com`;
    const page = await browser.newPage({ locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
    await page.goto(`${stack.base}/join`);
    await page.fill('#name', '박지훈');
    await page.fill('#email', email);
    await page.fill('#phone', '010-5555-0142');
    await page.fill('#birthday', '1988-02-29');
    await page.check('#consentEmail');
    await page.check('#privacyNotice');
    await page.click('#submit');
    await page.locator('#status', { hasText: '확인 링크' }).waitFor();

    const [confirmation] = await waitForMails(email, 1);
    expect(confirmation?.subject).toBe('[단골] 이메일 수신 동의를 확인해 주세요');
    const link = /href="([^"]+\/members\/confirm\?token=[^"]+)"/
      .exec(confirmation?.body.html ?? '')?.[1]
      ?.replace(/&amp;/g, '&');
    expect(link).toBeDefined();

    // The link opens a page with one button; only pressing it confirms (scanners that fetch links confirm nothing).
    const response = await page.goto(link!);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('이메일 주소를 확인해 주세요');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await mailsTo(stack, email)).toHaveLength(1);
    await page.getByRole('button', { name: '이메일 확인하기' }).click();
    await page.locator('h1', { hasText: '이메일이 확인되었습니다' }).waitFor();

    const mails = await waitForMails(email, 2);
    expect(mails.map((mail) => mail.subject)).toEqual([
      '[단골] 이메일 수신 동의를 확인해 주세요',
      '[단골] 멤버십 가입을 환영합니다',
    ]);
    const outbox = (await (await fetch(`${stack.base}/_local/outbox`)).json()) as {
      email: StoredMail[];
      events: { detailType: string }[];
    };
    expect(outbox.email.filter((mail) => mail.destination.to.includes(email))).toHaveLength(2);
    expect(outbox.events.map((event) => event.detailType)).toEqual(
      expect.arrayContaining(['Member Enrolled', 'Member Email Confirmed']),
    );
    await page.close();
  });

  it('stops every part on SIGTERM', async () => {
    stack.child.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    for (const port of Object.values(stack.env)) expect(await isPortFree(Number(port)), `port ${port}`).toBe(true);
  });
});
