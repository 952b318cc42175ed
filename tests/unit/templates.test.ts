// Calendar content rules: SMS bytes as Korean carriers count them, variables, rendering, and the default calendar.
import { describe, expect, it } from 'vitest';
import { render, smsBytes, templateIssues, SMS_MAX_BYTES } from '#domain/templates';
import { encodeFromAddress } from '#domain/message-content';
import { DEFAULT_CALENDAR, DEFAULT_CALENDAR_ADDITIONS } from '#domain/default-calendar';
import { calendarEntryInput } from '#schema/calendar';
import { DEFAULT_TIER_LADDER } from '#schema/tier-ladder';

const codes = DEFAULT_TIER_LADDER.tiers.map((tier) => tier.code);

describe('templates', () => {
  it('counts Hangul as 2 bytes, ASCII as 1, and keeps room for each variable', () => {
    expect(smsBytes('abc')).toBe(3);
    expect(smsBytes('가나')).toBe(4);
    expect(smsBytes('{{name}}님')).toBe(40 + 2);
    expect(SMS_MAX_BYTES).toBe(2000);
  });

  it('renders variables, escaping them in HTML', () => {
    expect(render('{{name}}님, {{ coupon }}', { name: '<홍>', coupon: 'C-1' })).toBe('<홍>님, C-1');
    expect(render('<p>{{name}}</p>', { name: '<홍>' }, true)).toBe('<p>&lt;홍&gt;</p>');
  });

  it('accepts every entry of the default calendar', () => {
    expect(DEFAULT_CALENDAR.length).toBeGreaterThanOrEqual(8);
    for (const { id, ...entry } of [...DEFAULT_CALENDAR, ...DEFAULT_CALENDAR_ADDITIONS]) {
      expect(calendarEntryInput.safeParse(entry).success, id).toBe(true);
      expect(templateIssues(entry, codes), id).toEqual([]);
    }
  });
});

describe('From header', () => {
  it('RFC 2047-encodes a Korean display name, in words of at most 75 characters, and keeps the address', () => {
    const encoded = encodeFromAddress('단골 멤버십 <members@mail.brand.example>');
    expect(encoded).toBe(`=?UTF-8?B?${Buffer.from('단골 멤버십').toString('base64')}?= <members@mail.brand.example>`);
    const long = encodeFromAddress(`${'가나다라마바사아자차카타파하'.repeat(3)} <m@brand.example>`);
    const words = long.replace(/ <m@brand\.example>$/, '').split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe('가나다라마바사아자차카타파하'.repeat(3));
    // Every byte of the header is printable ASCII.
    expect(/^[\x20-\x7e]+$/.test(long)).toBe(true);
  });

  it('keeps ASCII names, quotes specials, and drops what could inject a header or another address', () => {
    expect(encodeFromAddress('Brand <members@brand.example>')).toBe('Brand <members@brand.example>');
    expect(encodeFromAddress('Brand, Inc. <m@brand.example>')).toBe('"Brand, Inc." <m@brand.example>');
    expect(encodeFromAddress('Evil\r\nBcc: x@y.z <m@brand.example>')).toBe(
      'EvilBcc: x@y.z <m@brand.example>'.replace(/^(.*) </, '"$1" <'),
    );
    expect(encodeFromAddress('members@brand.example')).toBe('members@brand.example');
  });
});
