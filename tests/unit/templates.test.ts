// Calendar content rules: SMS bytes as Korean carriers count them, variables, rendering, and the default calendar.
import { describe, expect, it } from 'vitest';
import { render, smsBytes, templateIssues, SMS_MAX_BYTES } from '#domain/templates';
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
