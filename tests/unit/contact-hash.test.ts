// The contact hash behind prospect, suppression and limit keys: keyed (HMAC), and readable under two keys while a
// rotation is under way.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keys, useContactHashKeys } from '#adapters/keys';

const CURRENT = 'c'.repeat(64);
const PREVIOUS = 'p'.repeat(64);

describe('contact hash', () => {
  it('is keyed: not the bare SHA-256 anyone could compute for every Korean mobile number', () => {
    useContactHashKeys([CURRENT]);
    const [key] = keys.prospectKeysByPhone('+821012345678');
    const bare = createHash('sha256').update('dangol-contact:+821012345678').digest('base64url').slice(0, 32);
    expect(key).toMatch(/^PROSPECT#PHONE#[\w-]{32}$/);
    expect(key).not.toContain(bare);
    useContactHashKeys([PREVIOUS]);
    expect(keys.prospectKeysByPhone('+821012345678')[0]).not.toBe(key);
  });

  it('writes under the current key and reads under both during a rotation', () => {
    useContactHashKeys([PREVIOUS]);
    const before = keys.suppression('a@b.test');
    useContactHashKeys([CURRENT, PREVIOUS]);
    expect(keys.suppression('a@b.test')).not.toEqual(before);
    expect(keys.suppressions('A@b.test')).toEqual([keys.suppression('a@b.test'), before]);
    expect(keys.prospectKeysByEmail('a@b.test')).toHaveLength(2);
  });

  it('refuses short keys, and no key at all', () => {
    expect(() => useContactHashKeys(['short'])).toThrow(/32 characters/);
    expect(() => useContactHashKeys([])).toThrow(/at least one/);
  });
});
