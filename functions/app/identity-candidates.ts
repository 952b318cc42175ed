// Use case: members who may be one person — the same name and birthday with other contacts, one mailbox under two
// addresses (Gmail dots, plus tags), a phone one of them lost unverified to the other — listed for marketing to
// review (`GET /admin/identity/candidates`). Nothing is merged here: `POST /admin/members/{id}/merge` does, on purpose.
import type { EvidenceKind } from '#domain/identity-evidence';
import type { MemberSummary } from '#schema/admin-members';
import type { ContactView, LookupDeps } from './member-lookup.ts';
import { recordReads, summary } from './member-lookup.ts';
import { ValidationError } from './validation.ts';

export interface CandidatePair {
  readonly a: string;
  readonly b: string;
  readonly reasons: readonly EvidenceKind[];
  readonly at: string;
}

export interface IdentityIndex {
  /** Records the members' evidence; a member whose evidence another holds makes a candidate pair. The pairs made. */
  note(
    members: readonly { memberId: string; name: string; birthday?: string; email?: string; phone?: string }[],
    at: string,
  ): Promise<number>;
  /** Throws InvalidCursor for a cursor it did not make. */
  candidates(limit: number, cursor?: string): Promise<{ pairs: CandidatePair[]; next?: string }>;
}

export interface CandidatesDeps extends Pick<LookupDeps, 'directory' | 'ladders' | 'recordAccess' | 'clock'> {
  readonly identity: Pick<IdentityIndex, 'candidates'>;
}

export interface CandidateView {
  readonly reasons: readonly EvidenceKind[];
  readonly since: string;
  readonly members: readonly [MemberSummary, MemberSummary];
}

/** A page of candidate pairs whose two members are both still active (merged or erased ones drop out). */
export async function listCandidates(
  query: { limit?: string | undefined; cursor?: string | undefined },
  view: ContactView,
  by: string,
  deps: CandidatesDeps,
): Promise<{ items: CandidateView[]; next?: string }> {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ValidationError([{ path: 'limit', message: 'A whole number from 1 to 100' }]);
  const [page, ladder] = await Promise.all([deps.identity.candidates(limit, query.cursor), deps.ladders.current()]);
  const ids = [...new Set(page.pairs.flatMap((pair) => [pair.a, pair.b]))];
  const profiles = new Map(await Promise.all(ids.map(async (id) => [id, await deps.directory.profile(id)] as const)));
  const active = (id: string) => {
    const profile = profiles.get(id);
    return profile && profile['status'] === 'active' ? profile : null;
  };
  const items: CandidateView[] = [];
  for (const pair of page.pairs) {
    const a = active(pair.a);
    const b = active(pair.b);
    if (!a || !b) continue;
    items.push({
      reasons: pair.reasons,
      since: pair.at,
      members: [summary(a, ladder, view), summary(b, ladder, view)],
    });
  }
  await recordReads(
    items.flatMap((item) => item.members),
    'members.find',
    by,
    deps,
  );
  return { items, ...(page.next && { next: page.next }) };
}
