// Helpers for integration tests: HTTP against the local gateway, the SES emulator's store, polling.
import { inject } from 'vitest';
import { localDynamoClient } from '#infra/local/dynamodb-local';

export const urls = () => inject('stackUrls');

export async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${urls().http}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

export interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export async function mailsTo(address: string): Promise<StoredMail[]> {
  const store = (await (await fetch(`${urls().ses}/store`)).json()) as { emails: StoredMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
}

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function confirmLink(mail: StoredMail): string {
  const match = /href="([^"]+\/members\/confirm\?token=[^"]+)"/.exec(mail.body.html ?? '');
  if (!match?.[1]) throw new Error('no confirmation link in the mail');
  return match[1].replace(/&amp;/g, '&');
}

export function dynamo() {
  return localDynamoClient(urls().dynamodb);
}

let counter = 0;
/** A fresh, valid enrollment body with unique contact data. */
export function newPerson(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const unique = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return {
    name: '김민지',
    email: `member-${unique}@example.com`,
    phone: `010-${digits.slice(0, 4)}-${digits.slice(4)}`,
    locale: 'ko',
    consents: { email: true, sms: false, post: false, nightTime: false },
    ...overrides,
  };
}
