// The marketing console in headless Chromium against the `npm start` stack: marketing signs in, opens the year,
// edits the birthday entry's subject with a live preview, meets a 412 from a concurrent edit and redoes the change,
// saves, test-sends to itself (the mail arrives in the SES viewer) and finds the test in the report; a viewer sees no
// edit controls and masked contacts. Korean and English, a 360 px phone, 0 axe-core violations (WCAG 2.2 AA) on
// every screen, no request to any other host; screenshots of each screen in .cache/screenshots/.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '#infra/local/admin-keys';
import { launchChromium, mailsTo, noViolations, SCREENSHOTS, stopStack, until } from './browser.ts';
import { type RunningStack, startStack } from './local-stack.ts';

let stack: RunningStack;
let browser: Browser;
const foreignRequests: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopStack(stack);
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}

async function context(locale: 'ko' | 'en'): Promise<BrowserContext> {
  const made = await browser.newContext({
    locale: locale === 'ko' ? 'ko-KR' : 'en-GB',
    viewport: { width: 1400, height: 900 },
  });
  made.on('request', (request) => {
    const url = new URL(request.url());
    if (!['about:', 'data:'].includes(url.protocol) && url.host !== new URL(stack.base).host)
      foreignRequests.push(request.url());
  });
  return made;
}

/** Signs in with the local sign-in form, keyboard only: choose the group, then Enter on the button. */
async function signIn(page: Page, group: 'marketing' | 'viewer' | 'privacy'): Promise<void> {
  await page.goto(`${stack.base}/console/`);
  await page.locator('#group').focus();
  await page.selectOption('#group', group);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('nav').waitFor();
}

/** A member joins through the API, as the join form sends it. */
async function enroll(name: string, email: string, locale: 'ko' | 'en', emailConsent: boolean): Promise<void> {
  const joined = await fetch(`${stack.base}/members`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      email,
      locale,
      consents: { email: emailConsent, sms: false, post: false, nightTime: false },
      privacyNotice: true,
    }),
  });
  expect(joined.status).toBe(202);
}

/** The members screen's look-up by e-mail. */
async function lookUp(page: Page, email: string): Promise<void> {
  await page.goto(`${stack.base}/console/#/members`);
  await page.selectOption('#by', 'email');
  await page.locator('#value').fill(email);
  await page.getByRole('button', { name: 'Look up' }).click();
}

describe('the marketing console in the browser', () => {
  it('marketing edits the birthday subject, meets a 412, saves, test-sends and sees the test in the report', async () => {
    const browserContext = await context('ko');
    const page = await browserContext.newPage();
    await page.goto(`${stack.base}/console/`);
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    await noViolations(page, 'sign-in');
    await shot(page, 'sign-in');
    await signIn(page, 'marketing');

    // The year: months across, tiers down, the birthday in the member dates' row.
    await page.getByRole('table').waitFor();
    expect(await page.locator('table.year thead th').count()).toBe(13);
    expect(await page.locator('table.year tbody th[scope=row]').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('VVIP'), expect.stringContaining('회원 기념일')]),
    );
    await noViolations(page, 'year');
    await shot(page, 'year-ko');

    // Open the birthday entry with the keyboard.
    const birthday = page.locator('tr.own-row a.chip', { hasText: 'Birthday' }).first();
    await birthday.focus();
    await page.keyboard.press('Enter');
    await page.locator('form.editor').waitFor();
    await noViolations(page, 'editor');
    const subject = page.locator('#f-content-email-ko-subject');
    await subject.fill('{{name}}님, 새 생일 제목');
    // The live preview renders it as the sender would: (광고), the sample name.
    await expect
      .poll(() => page.locator('section.preview .subject').first().textContent())
      .toBe('(광고) 홍길동님, 새 생일 제목');
    // An unknown variable is named next to its field before anything is sent.
    await subject.fill('{{nom}}님, 생일');
    await expect.poll(() => page.locator('#f-content-email-ko-subject-error').textContent()).toContain('{{nom}}');
    await subject.fill('{{name}}님, 새 생일 제목');
    await shot(page, 'editor-ko');

    // Someone else saves the entry meanwhile: Save meets a 412 and shows both versions.
    const token = await signAdminToken({ group: 'marketing', subject: 'other-marketer' });
    const current = await (
      await fetch(`${stack.base}/admin/calendar/default-birthday`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    const { id: _id, version, updatedAt: _at, updatedBy: _by, ...input } = current as Record<string, unknown>;
    const concurrent = await fetch(`${stack.base}/admin/calendar/default-birthday`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': `"${version}"` },
      body: JSON.stringify({ ...input, name: 'C. Birthday (edited elsewhere)' }),
    });
    expect(concurrent.status).toBe(200);
    await page.getByRole('button', { name: '저장' }).click();
    await page.locator('section.conflict').waitFor();
    expect(await page.locator('section.conflict').textContent()).toContain('edited elsewhere');
    await noViolations(page, 'conflict');
    await shot(page, 'conflict');
    // Take the saved version and redo the change on it.
    await page.getByRole('button', { name: '저장된 버전을 불러와 다시 변경' }).click();
    expect(await page.locator('#f-name').inputValue()).toBe('C. Birthday (edited elsewhere)');
    await subject.fill('{{name}}님, 새 생일 제목');
    await page.getByRole('button', { name: '저장' }).click();
    await expect.poll(() => page.locator('form.editor [role=status]').textContent()).toBe('저장했습니다.');
    const saved = (await (
      await fetch(`${stack.base}/admin/calendar/default-birthday`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { name: string; content: { email: { ko: { subject: string } } }; version: number };
    expect(saved.content.email.ko.subject).toBe('{{name}}님, 새 생일 제목');
    expect(saved.name).toBe('C. Birthday (edited elsewhere)');
    // The entry's history (audit log) lists both saves: the other marketer's and this one.
    await expect
      .poll(async () =>
        (await page.locator('section[aria-labelledby="history-h"] tbody tr').allTextContents()).join('|'),
      )
      .toMatch(/other-marketer.*console-marketing|console-marketing.*other-marketer/);

    // Test-send to oneself: the mail arrives in the SES viewer with the new subject.
    const me = `marketer-${Date.now()}@example.com`;
    await page.locator('#test-to').fill(me);
    await page.getByRole('button', { name: '나에게 테스트 발송' }).last().click();
    const mails = await until(
      () => mailsTo(stack, me),
      (found) => found.length > 0,
    );
    expect(mails[0]?.subject).toContain('[TEST]');
    expect(mails[0]?.subject).toContain('새 생일 제목');

    // Members, and two monthly RFM runs (last month's and this month's): the tier chart has its points.
    for (const n of [1, 2, 3]) {
      await enroll(`Chart ${n}`, `chart-${n}-${Date.now()}@example.com`, 'ko', true);
    }
    const lastMonth = new Date();
    lastMonth.setUTCDate(1);
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
    for (const at of [lastMonth, new Date()]) {
      const fired = await fetch(`${stack.base}/_local/schedules/rfm-scoring`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at: at.toISOString() }),
      });
      expect(fired.status).toBe(200);
      await until(
        async () =>
          (await (
            await fetch(`${stack.base}/admin/reports/tiers`, { headers: { authorization: `Bearer ${token}` } })
          ).json()) as { asOf: string | null },
        (report) => report.asOf === at.toISOString().slice(0, 7),
      );
    }

    // The report shows the test, apart from the campaign's figures.
    await page.goto(`${stack.base}/console/#/reports/default-birthday`);
    await expect.poll(() => page.locator('p.tests').textContent(), { timeout: 20_000 }).toContain('1');
    await page.locator('canvas').first().waitFor();
    expect(await page.locator('canvas').count()).toBe(2);
    await noViolations(page, 'reports');
    await shot(page, 'reports');

    for (const screen of ['tiers', 'members', 'candidates', 'imports']) {
      await page.goto(`${stack.base}/console/#/${screen}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await noViolations(page, screen);
      await shot(page, screen);
    }
    // The tier ladder's preview of moves, before saving (nothing saved: the version stays).
    await page.goto(`${stack.base}/console/#/tiers`);
    await page.locator('#min-C').fill('400000');
    await page.getByRole('button', { name: '변동 미리보기' }).click();
    await expect.poll(() => page.locator('main [role=status]').textContent()).toMatch(/상향 \d+명/);
    const ladder = (await (
      await fetch(`${stack.base}/admin/tiers`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { pending?: unknown };
    expect(ladder.pending).toBeUndefined();

    // English, and a 360 px phone: nothing wider than the screen but the year's own scrolling table.
    await page.goto(`${stack.base}/console/#/year`);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    await page.locator('table.year').waitFor();
    await noViolations(page, 'year en');
    await shot(page, 'year-en');
    await page.setViewportSize({ width: 360, height: 780 });
    await noViolations(page, 'year on a phone');
    await shot(page, 'year-360');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await browserContext.close();
    expect(foreignRequests).toEqual([]);
  }, 120_000);

  it('the privacy group alone sees export and erasure, and erasure asks twice', async () => {
    const email = `privacy-sees-${Date.now()}@example.com`;
    await enroll('Erin Privacy', email, 'en', false);
    const openMember = async (page: Page) => {
      await lookUp(page, email);
      await page.locator('main table tbody tr a').first().click();
      await page.locator('dl.facts').waitFor();
    };
    const browserContext = await context('en');
    const marketing = await browserContext.newPage();
    await signIn(marketing, 'marketing');
    await openMember(marketing);
    expect(await marketing.getByRole('button', { name: 'Export data' }).count()).toBe(0);
    expect(await marketing.getByRole('button', { name: 'Erase member' }).count()).toBe(0);
    await browserContext.close();

    const privacyContext = await context('en');
    const page = await privacyContext.newPage();
    await signIn(page, 'privacy');
    await openMember(page);
    expect(await page.getByRole('button', { name: 'Export data' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Erase member' }).click();
    // The first press only asks; nothing is erased yet.
    await page.getByRole('button', { name: 'Erase for good: press again' }).waitFor();
    await noViolations(page, 'privacy member');
    await shot(page, 'privacy-member');
    await page.getByRole('button', { name: 'Erase for good: press again' }).click();
    await expect.poll(() => page.locator('main [role=status]').first().textContent()).toBe('Erased.');
    await privacyContext.close();
    expect(foreignRequests).toEqual([]);
  }, 60_000);

  it('a viewer sees no edit controls and masked contacts', async () => {
    const email = `viewer-sees-${Date.now()}@example.com`;
    await enroll('Mina Viewer', email, 'en', true);
    const browserContext = await context('en');
    const page = await browserContext.newPage();
    await signIn(page, 'viewer');
    await page.locator('table.year').waitFor();
    expect(await page.locator('main').textContent()).toContain('Read only');
    await page.locator('tr.own-row a.chip', { hasText: 'Birthday' }).first().click();
    await page.locator('dl.facts').waitFor();
    expect(await page.locator('form.editor').count()).toBe(0);
    expect(await page.locator('main input, main textarea, main button[type=submit]').count()).toBe(0);
    await noViolations(page, 'viewer entry');
    await shot(page, 'viewer-entry');

    await lookUp(page, email);
    const row = page.locator('main table tbody tr').first();
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Mina');
    expect(text).not.toContain(email);
    expect(text).toMatch(/\*/);
    await noViolations(page, 'viewer look-up');
    await shot(page, 'viewer-members');
    // Tiers: thresholds as text, no inputs, no save.
    await page.goto(`${stack.base}/console/#/tiers`);
    await page.locator('main table').waitFor();
    expect(await page.locator('main input, main button').count()).toBe(0);
    // And the API refuses a viewer's edit anyway.
    const viewerToken = await signAdminToken({ group: 'viewer' });
    const refused = await fetch(`${stack.base}/admin/calendar/default-birthday`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json', 'if-match': '"1"' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    await browserContext.close();
    expect(foreignRequests).toEqual([]);
  }, 60_000);
});
