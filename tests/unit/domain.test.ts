// Pure rules: contact normalisation, member dates and age, signed tokens.
import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseName, normalisePhone } from '#domain/identity';
import {
  ageOn,
  isInFuture,
  isValidTimeZone,
  localDate,
  needsGuardianConsent,
  parseMemberDate,
} from '#domain/member-date';
import { bindingOf, signToken, verifyToken } from '#domain/signed-token';

describe('normalisePhone', () => {
  it.each([
    ['010-1234-5678', '+821012345678'],
    ['01012345678', '+821012345678'],
    ['010 1234 5678', '+821012345678'],
    ['+82 10-1234-5678', '+821012345678'],
    ['+821012345678', '+821012345678'],
    ['02-312-3456', '+8223123456'],
    ['+1 212 555 0123', '+12125550123'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('%s → %s', (raw, expected) => expect(normalisePhone(raw)).toBe(expected));

  it.each(['', '010-12', '12345', '010-CALL-NOW', '+82 99 0000 0000', '1'.repeat(40)])('rejects %j', (raw) =>
    expect(normalisePhone(raw)).toBeNull(),
  );
});

describe('normaliseEmail', () => {
  it.each([
    [' Hong@Example.COM ', 'hong@example.com'],
    ['first.last+tag@sub.example.co.kr', 'first.last+tag@sub.example.co.kr'],
  ])('%j → %s', (raw, expected) => expect(normaliseEmail(raw)).toBe(expected));

  it.each([
    '',
    'plain',
    '@example.com',
    'a@b',
    'a@@b.com',
    'a b@example.com',
    'a..b@example.com',
    'a@example..com',
    `${'x'.repeat(65)}@example.com`,
  ])('rejects %j', (raw) => expect(normaliseEmail(raw)).toBeNull());
});

describe('normaliseName', () => {
  it('composes Hangul and collapses whitespace', () => {
    const decomposed = '홍길동'.normalize('NFD');
    expect(normaliseName(`  ${decomposed}   님 `)).toBe('홍길동 님');
  });
});

describe('member dates', () => {
  it.each([
    ['1990-05-17', { year: 1990, month: 5, day: 17 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    ['--02-29', { month: 2, day: 29 }],
    ['--12-31', { month: 12, day: 31 }],
  ])('parses %s', (raw, expected) => expect(parseMemberDate(raw)).toEqual(expected));

  it.each([
    '1990-02-29',
    '1990-13-01',
    '1990-00-10',
    '1990-04-31',
    '--02-30',
    '--00-01',
    '90-05-17',
    '1990/05/17',
    '1899-12-31',
    '',
  ])('rejects %j', (raw) => expect(parseMemberDate(raw)).toBeNull());

  it.each([
    [{ year: 2012, month: 11, day: 22 }, { year: 2026, month: 11, day: 22 }, 14, false],
    [{ year: 2012, month: 11, day: 23 }, { year: 2026, month: 11, day: 22 }, 13, true],
    [{ year: 2012, month: 2, day: 29 }, { year: 2026, month: 2, day: 28 }, 13, true],
    [{ year: 2012, month: 2, day: 29 }, { year: 2026, month: 3, day: 1 }, 14, false],
  ])('born %j, on %j: age %i, needs guardian %s', (birth, today, age, guardian) => {
    expect(ageOn(birth, today)).toBe(age);
    expect(needsGuardianConsent(birth, today)).toBe(guardian);
  });

  it('cannot tell the age without a year, and never asks a guardian then', () => {
    expect(ageOn({ month: 1, day: 1 }, { year: 2026, month: 1, day: 1 })).toBeNull();
    expect(needsGuardianConsent({ month: 1, day: 1 }, { year: 2026, month: 1, day: 1 })).toBe(false);
  });

  it('knows the future and the local date in a time zone', () => {
    expect(isInFuture({ year: 2026, month: 11, day: 23 }, { year: 2026, month: 11, day: 22 })).toBe(true);
    expect(isInFuture({ year: 2026, month: 11, day: 22 }, { year: 2026, month: 11, day: 22 })).toBe(false);
    const instant = new Date('2026-11-22T16:30:00Z');
    expect(localDate(instant, 'Asia/Seoul')).toEqual({ year: 2026, month: 11, day: 23 });
    expect(localDate(instant, 'America/New_York')).toEqual({ year: 2026, month: 11, day: 22 });
    expect(localDate(instant, 'Pacific/Kiritimati')).toEqual({ year: 2026, month: 11, day: 23 });
  });

  it('accepts IANA zones only', () => {
    expect(isValidTimeZone('Asia/Seoul')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('signed tokens', () => {
  const secret = 's'.repeat(64);
  const now = new Date('2026-11-22T00:00:00Z');
  const exp = Math.floor(now.getTime() / 1000) + 3600;
  const token = signToken(
    { purpose: 'confirm-email', sub: 'm1', exp, bind: bindingOf('a@example.com', secret) },
    secret,
  );

  it('verifies its own token and returns the claims', () => {
    const check = verifyToken(token, 'confirm-email', secret, now);
    expect(check).toEqual({
      ok: true,
      claims: { purpose: 'confirm-email', sub: 'm1', exp, bind: bindingOf('a@example.com', secret) },
    });
  });

  it.each([
    ['another secret', () => verifyToken(token, 'confirm-email', 'x'.repeat(64), now), 'bad-signature'],
    [
      'a changed body',
      () =>
        verifyToken(
          `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`,
          'confirm-email',
          secret,
          now,
        ),
      'bad-signature',
    ],
    ['after expiry', () => verifyToken(token, 'confirm-email', secret, new Date((exp + 1) * 1000)), 'expired'],
    ['another purpose', () => verifyToken(token, 'unsubscribe', secret, now), 'wrong-purpose'],
    ['garbage', () => verifyToken('abc', 'confirm-email', secret, now), 'malformed'],
  ])('rejects %s', (_, check, reason) => expect(check()).toEqual({ ok: false, reason }));

  it('binds to a value without revealing it', () => {
    expect(bindingOf('a@example.com', secret)).not.toBe(bindingOf('b@example.com', secret));
    expect(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).not.toContain('a@example.com');
  });
});

describe('masked contacts (what a viewer sees)', () => {
  it('keeps the first letter and the domain of an e-mail, the last four digits of a phone', async () => {
    const { maskEmail, maskPhone } = await import('#domain/identity');
    expect(maskEmail('hong@example.com')).toBe('h***@example.com');
    expect(maskEmail('not-an-address')).toBe('***');
    expect(maskPhone('+821012345678')).toBe('010-****-5678');
    expect(maskPhone('+12125550199')).toBe('*******0199');
  });
});

describe('loggable field paths', () => {
  it('keeps the API’s own field paths and hides a client’s own key text', async () => {
    const { loggablePath } = await import('#shared/http');
    expect(loggablePath('consents.email')).toBe('consents.email');
    expect(loggablePath('guardian.phone')).toBe('guardian.phone');
    expect(loggablePath('kim@example.com')).toBe('(unknown)');
    expect(loggablePath('0@.Z7k')).toBe('(unknown)');
  });
});
