// Identity candidates: near misses between members — the same name and birthday with other contacts, one Gmail
// mailbox under two addresses — are listed for review, never merged; viewers see contacts masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, enroll, newPerson, post, retire } from './helpers.ts';

let marketing = '';
let viewer = '';
const asMarketing = adminCaller(() => marketing);
const asViewer = adminCaller(() => viewer);
const created: string[] = [];

beforeAll(async () => {
  const { signAdminToken } = await import('#infra/local/admin-keys');
  marketing = await signAdminToken({ group: 'marketing', subject: 'identity-test' });
  viewer = await signAdminToken({ group: 'viewer', subject: 'identity-viewer' });
});
afterAll(() => retire(created));

async function allCandidates(call: typeof asMarketing) {
  const items: Record<string, any>[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('GET', `/admin/identity/candidates?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...page.body['items']);
    cursor = page.body['next'];
  } while (cursor);
  return items;
}

const pairOf = (items: Record<string, any>[], a: string, b: string) =>
  items.find((item) => {
    const ids = item['members'].map((member: { memberId: string }) => member.memberId);
    return ids.includes(a) && ids.includes(b);
  });

describe('identity candidates', () => {
  it('lists the same name and birthday under other contacts, and one Gmail mailbox under two addresses', async () => {
    const stamp = Date.now().toString(36);
    const name = `후보 ${stamp}`;
    const firstPerson = newPerson({ name, birthday: '1990-01-02' });
    const first = await enroll(firstPerson);
    const second = await enroll(newPerson({ name: ` ${name} `, birthday: '1990-01-02' }));
    const unrelated = await enroll(newPerson({ name, birthday: '1991-01-02' }));
    const gmail = await enroll(newPerson({ email: `john.smith.${stamp}@gmail.com`, phone: undefined }));
    const variant = await enroll(newPerson({ email: `johnsmith${stamp}+shop@googlemail.com`, phone: undefined }));
    created.push(first.memberId, second.memberId, unrelated.memberId, gmail.memberId, variant.memberId);

    const items = await allCandidates(asMarketing);
    expect(pairOf(items, first.memberId, second.memberId)?.['reasons']).toEqual(['name-birthday']);
    expect(pairOf(items, gmail.memberId, variant.memberId)?.['reasons']).toEqual(['email-variant']);
    expect(pairOf(items, first.memberId, unrelated.memberId)).toBeUndefined();
    // Nobody was merged: both still there, each under its own address.
    const one = await asMarketing('GET', `/admin/members/${first.memberId}`);
    const two = await asMarketing('GET', `/admin/members/${second.memberId}`);
    expect([one.status, two.status]).toEqual([200, 200]);

    // A viewer sees the pair with contacts masked.
    const seen = pairOf(await allCandidates(asViewer), gmail.memberId, variant.memberId);
    expect(seen?.['members'].map((member: { email: string }) => member.email)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^j\*\*\*@gmail\.com$/),
        expect.stringMatching(/^j\*\*\*@googlemail\.com$/),
      ]),
    );

    // The first person enrolling again (a retry) makes no pair with themselves; a pair with a member gone drops out.
    const before = (await allCandidates(asMarketing)).length;
    expect((await post('/members', firstPerson)).status).toBe(202);
    expect(await allCandidates(asMarketing)).toHaveLength(before);
    await retire([second.memberId]);
    expect(pairOf(await allCandidates(asMarketing), first.memberId, second.memberId)).toBeUndefined();
  }, 60_000);

  it('refuses a limit out of range and a cursor it did not make', async () => {
    expect((await asMarketing('GET', '/admin/identity/candidates?limit=0')).status).toBe(400);
    expect((await asMarketing('GET', '/admin/identity/candidates?cursor=bm9wZQ')).status).toBe(400);
  });
});
