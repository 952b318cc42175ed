// The sender reads members with a projection: every attribute `toProfile` uses must be in it, or a job would send
// with a consent, a tier or an address missing.
import { describe, expect, it } from 'vitest';
import { PROFILE_ATTRIBUTES, projection, toProfile } from '#adapters/send-items';

/** What DynamoDB returns of `item` for these attribute paths. */
function project(item: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const parts = path.split('.');
    let from: unknown = item;
    for (const part of parts) from = (from as Record<string, unknown> | undefined)?.[part];
    if (from === undefined) continue;
    let to = out;
    for (const part of parts.slice(0, -1)) to = (to[part] ??= {}) as Record<string, unknown>;
    to[parts.at(-1) as string] = from;
  }
  return out;
}

describe('member profiles for sending', () => {
  it('are the same read through the projection as read whole', () => {
    const consent = { value: true, at: '2026-01-01T00:00:00Z', source: 'form', confirmedAt: '2026-01-01T00:00:00Z' };
    const item = {
      PK: 'MEMBER#m1',
      SK: 'PROFILE',
      memberId: 'm1',
      status: 'active',
      name: '김하늘',
      email: 'sky@example.test',
      phone: '+821012345678',
      phoneVerifiedAt: '2026-01-02T00:00:00Z',
      postalAddress: { line1: '서울', postalCode: '04524' },
      locale: 'en',
      timeZone: 'America/New_York',
      tierState: { tier: 'A', reachedAt: '2026-01-01T00:00:00Z', keptUntil: '2027-01-01T00:00:00Z' },
      rfm: { score: { group: 'loyal', r: 5, f: 4, m: 5 }, at: '2026-11-01T00:00:00Z' },
      consents: { email: consent, sms: consent, post: { ...consent, value: false }, nightTime: consent },
      adSends: ['2026-11-30T01:00:00Z'],
      spendByMonth: { '2026-11': 120_000 },
      steps: { welcome: { at: '2026-01-01T00:00:00Z' } },
    };
    const whole = toProfile(item, false);
    expect(toProfile(project(item, PROFILE_ATTRIBUTES), false)).toEqual(whole);
    expect(whole).toMatchObject({ tier: 'A', segment: 'loyal', phoneVerified: true, locale: 'en' });
  });

  it('name every attribute through a placeholder (reserved words such as name and status)', () => {
    expect(projection(['name', 'tierState.tier', 'rfm.score.group', 'status', 'tierState.reachedAt'])).toEqual({
      ProjectionExpression: '#p0, #p1.#p2, #p3.#p4.#p5, #p6, #p1.#p7',
      ExpressionAttributeNames: {
        '#p0': 'name',
        '#p1': 'tierState',
        '#p2': 'tier',
        '#p3': 'rfm',
        '#p4': 'score',
        '#p5': 'group',
        '#p6': 'status',
        '#p7': 'reachedAt',
      },
    });
  });
});
