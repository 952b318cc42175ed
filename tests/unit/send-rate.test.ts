// The e-mail sender's rate: its share of the configured rate, never above its share of what SES gives the account.
import { describe, expect, it } from 'vitest';
import { senderRate } from '#domain/send-rate';

describe('sender rate', () => {
  it('takes the lower of the configured share and the account share', () => {
    // 14/s configured over 2 instances: 7 each. The account may send 10/s: 5 each.
    expect(senderRate(7, 0.5, 10)).toBe(5);
    // The account may send 500/s: the configured 7 stands.
    expect(senderRate(7, 0.5, 500)).toBe(7);
  });

  it('keeps the configured rate when SES does not say', () => {
    expect(senderRate(7, 0.5, undefined)).toBe(7);
  });
});
