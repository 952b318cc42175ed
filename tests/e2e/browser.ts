// What the browser tests share: headless Chromium (Debian's, no download), where screenshots go, the axe-core check
// at WCAG 2.2 AA, the mails in the SES emulator, waiting for a condition, and stopping the `npm start` stack.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT, type RunningStack } from './local-stack.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Screenshots the browser tests write, to be looked at (ignored by git, like all of .cache/). */
export const SCREENSHOTS = join(ROOT, '.cache', 'screenshots');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * 0 axe-core violations at WCAG 2.2 AA. Sandboxed frames (the console's previews of a marketer's mail: no scripts,
 * no same origin) are left out: axe cannot enter them and waits for an answer that never comes.
 */
export async function noViolations(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(WCAG_22_AA)
    .exclude('iframe[sandbox]')
    .options({ iframes: false })
    .analyze();
  const found = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  expect(found, name).toEqual([]);
}

export async function stopStack(stack: RunningStack | undefined): Promise<void> {
  if (stack && stack.child.exitCode === null) {
    stack.child.kill('SIGKILL');
    await stack.exited;
  }
}

export interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

/** The mails the stack's SES emulator holds for one address. */
export async function mailsTo(stack: RunningStack, address: string): Promise<StoredMail[]> {
  const store = (await (await fetch(`${stack.ses}/store`)).json()) as { emails: StoredMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

/** Reads until `done` holds or `ms` pass, then answers the last value read (the caller's expect says what failed). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
