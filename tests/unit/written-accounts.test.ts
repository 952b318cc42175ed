// What a purchase instance remembers of the members it wrote: each used once, the least recently written dropped.
import { describe, expect, it } from 'vitest';
import { WrittenAccounts } from '#adapters/purchase-items';

describe('written accounts', () => {
  it('serves each member once, and keeps at most its limit, dropping the least recently written', () => {
    const written = new WrittenAccounts(2);
    written.remember('a', { aggVersion: 1 });
    written.remember('b', { aggVersion: 1 });
    written.remember('a', { aggVersion: 2 });
    written.remember('c', { aggVersion: 1 });
    expect(written.size).toBe(2);
    expect(written.take('b')).toBeUndefined();
    expect(written.take('a')).toEqual({ aggVersion: 2 });
    expect(written.take('a')).toBeUndefined();
    expect(written.take('c')).toEqual({ aggVersion: 1 });
  });

  it('remembers nothing with a limit of 0 (the stores that do not share one)', () => {
    const written = new WrittenAccounts(0);
    written.remember('a', { aggVersion: 1 });
    expect(written.take('a')).toBeUndefined();
  });
});
