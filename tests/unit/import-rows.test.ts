// Import rows: every wrong cell named with its column, and consent only with its evidence.
import { describe, expect, it } from 'vitest';
import { NO_EVIDENCE_SOURCE, parseMemberRow, parsePurchaseRow } from '#domain/import-rows';

const now = new Date('2026-12-02T00:00:00Z');

describe('member rows', () => {
  it('keeps a consent with its source and time, and imports one without them as no', () => {
    const parsed = parseMemberRow(
      {
        name: ' 김  철수 ',
        email: 'Kim@Example.com',
        phone: '010-1234-5678',
        emailConsent: 'Y',
        emailConsentSource: 'shop',
        emailConsentAt: '2024-03-01',
        smsConsent: '예',
        emailVerified: 'true',
      },
      2,
      now,
      'Asia/Seoul',
    );
    expect(parsed.ok && parsed.value).toMatchObject({
      name: '김 철수',
      email: 'kim@example.com',
      phone: '+821012345678',
      consents: {
        email: { value: true, source: 'import:shop', at: '2024-02-29T15:00:00.000Z' },
        sms: { value: false, source: NO_EVIDENCE_SOURCE },
        post: { value: false },
      },
      consentWithoutEvidence: true,
      locale: 'ko',
      timeZone: 'Asia/Seoul',
    });
  });

  it('names each wrong cell: column and reason', () => {
    const parsed = parseMemberRow(
      {
        name: '',
        email: 'nope',
        birthday: '1990-02-30',
        postConsent: 'maybe',
        emailConsentAt: '2030-01-01',
        colour: 'red',
      },
      9,
      now,
      'Asia/Seoul',
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((error) => [error.row, error.column])).toEqual([
      [9, 'colour'],
      [9, 'name'],
      [9, 'email'],
      [9, 'birthday'],
      [9, 'emailConsentAt'],
      [9, 'postConsent'],
    ]);
  });
});

describe('purchase rows', () => {
  it('reads amounts with thousands separators and refuses other currencies, future times and no member', () => {
    expect(
      parsePurchaseRow(
        { orderId: 'A-1', channel: 'store', occurredAt: '2026-11-01', amount: '1,200,000', email: 'a@b.co' },
        2,
        now,
        'KRW',
      ),
    ).toMatchObject({
      ok: true,
      value: { amount: 1_200_000, occurredAt: '2026-10-31T15:00:00.000Z', currency: 'KRW' },
    });
    const bad = parsePurchaseRow(
      { orderId: 'A 1', channel: 'Store', occurredAt: '2027-01-01', amount: '12.5', currency: 'USD' },
      3,
      now,
      'KRW',
    );
    expect(!bad.ok && bad.errors.map((error) => error.column)).toEqual([
      'orderId',
      'channel',
      'occurredAt',
      'amount',
      'currency',
      'externalId',
    ]);
  });
});
