// Use cases: merging one member into another (`POST /admin/members/{id}/merge {into}`) and undoing it within 30 days
// (`POST /admin/merges/{mergeId}/undo`). Before anything changes, both members' items, their contacts' owner records
// and the merged member's coupons are kept under the merge; the merge itself is one transaction (both profiles, the
// contacts' owners, the merge's state); copying the ledger and histories follows, idempotent. Undo puts every kept
// item back, the survivor keeping what it gained since (spend after the merge).
import { randomUUID } from 'node:crypto';
import { combineMembers, type MergedFields } from '#domain/member-merge';
import type { MembersMerged } from '#schema/events';
import { Conflict, NotFound } from './errors.ts';
import type { AuditEntry, Clock, EventPublisher } from './ports.ts';
import type { LadderSource } from './purchase-ports.ts';
import { ValidationError } from './validation.ts';

/** Undo is possible for this long after a merge. */
export const UNDO_DAYS = 30;

export interface MergeMeta {
  readonly mergeId: string;
  readonly source: string;
  readonly into: string;
  readonly at: string;
  readonly by: string;
  readonly state: 'merging' | 'merged' | 'undoing' | 'undone';
}

export interface MergeStore {
  profile(memberId: string): Promise<Record<string, unknown> | null>;
  meta(mergeId: string): Promise<MergeMeta | null>;
  /** Keeps both members' items, their contacts' owners and the source's coupons under the merge (state merging). */
  keep(meta: MergeMeta, source: Record<string, unknown>, into: Record<string, unknown>): Promise<void>;
  /** The merge in one transaction, conditional on both profiles' versions; false when either changed meanwhile. */
  apply(
    meta: MergeMeta,
    source: Record<string, unknown>,
    into: Record<string, unknown>,
    merged: MergedFields,
  ): Promise<boolean>;
  /** Copies the ledger and histories to the survivor, takes the source out of date audiences, moves coupons. */
  follow(meta: MergeMeta): Promise<void>;
  /** Puts both members back as kept, the survivor with what it gained since; true when undone now. */
  undo(meta: MergeMeta): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
}

export interface MergeDeps {
  readonly merges: MergeStore;
  readonly ladders: LadderSource;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
}

const undoUntil = (at: string) => new Date(Date.parse(at) + UNDO_DAYS * 86_400_000).toISOString();

export async function mergeMembers(
  sourceId: string,
  body: unknown,
  by: string,
  deps: MergeDeps,
): Promise<{ mergeId: string; memberId: string; into: string; undoUntil: string }> {
  const into = (body as { into?: unknown } | null)?.into;
  if (typeof into !== 'string' || into.length === 0 || into.length > 64)
    throw new ValidationError([{ path: 'into', message: 'The id of the member to merge into' }]);
  if (Object.keys(body as object).some((key) => key !== 'into'))
    throw new ValidationError([{ path: 'into', message: 'Only `into` is taken' }]);
  if (into === sourceId) throw new Conflict('A member cannot be merged into itself');
  for (let attempt = 0; attempt < 3; attempt++) {
    const [source, target]: (Record<string, unknown> | null)[] = await Promise.all([
      deps.merges.profile(sourceId),
      deps.merges.profile(into),
    ]);
    if (!source || !target) throw new NotFound('No such member');
    // The same merge again (a retry): finish what it left and answer the same.
    if (source['status'] === 'merged' && source['mergedInto'] === into && typeof source['mergeId'] === 'string') {
      const meta = await deps.merges.meta(source['mergeId']);
      if (meta?.state === 'merged') {
        await finish(meta, deps);
        return { mergeId: meta.mergeId, memberId: sourceId, into, undoUntil: undoUntil(meta.at) };
      }
    }
    if (source['status'] !== 'active') throw new Conflict(`Member ${sourceId} is ${String(source['status'])}`);
    if (target['status'] !== 'active')
      throw new Conflict(`Member ${into} is ${String(target['status'])}: merge into an active member`);
    const now = deps.clock();
    const meta: MergeMeta = {
      mergeId: randomUUID(),
      source: sourceId,
      into,
      at: now.toISOString(),
      by,
      state: 'merging',
    };
    await deps.merges.keep(meta, source, target);
    const merged = combineMembers(target, source, await deps.ladders.current(), {
      now,
      timeZone: deps.programme.timeZone,
    });
    if (!(await deps.merges.apply(meta, source, target, merged))) continue;
    const done = { ...meta, state: 'merged' as const };
    await deps.merges.audit({
      who: by,
      action: 'members.merge',
      target: `member:${sourceId}`,
      beforeVersion: null,
      afterVersion: null,
      at: meta.at,
    });
    await finish(done, deps);
    return { mergeId: meta.mergeId, memberId: sourceId, into, undoUntil: undoUntil(meta.at) };
  }
  throw new Conflict('The members kept changing during the merge: try again');
}

async function finish(meta: MergeMeta, deps: MergeDeps): Promise<void> {
  await deps.merges.follow(meta);
  const detail: MembersMerged = { mergeId: meta.mergeId, memberId: meta.source, into: meta.into, at: meta.at };
  await deps.events.publish('Members Merged', detail);
}

export async function undoMerge(
  mergeId: string,
  by: string,
  deps: MergeDeps,
): Promise<{ mergeId: string; status: 'undone' }> {
  const meta = mergeId.length <= 64 ? await deps.merges.meta(mergeId) : null;
  if (!meta || meta.state === 'merging') throw new NotFound('No such merge');
  if (meta.state === 'undone') throw new Conflict('This merge was undone already');
  const now = deps.clock();
  if (meta.state === 'merged' && undoUntil(meta.at) < now.toISOString())
    throw new Conflict(`A merge can be undone for ${UNDO_DAYS} days: this one was on ${meta.at.slice(0, 10)}`);
  if (!(await deps.merges.undo(meta))) throw new Conflict('This merge was undone already');
  await deps.merges.audit({
    who: by,
    action: 'members.unmerge',
    target: `member:${meta.source}`,
    beforeVersion: null,
    afterVersion: null,
    at: now.toISOString(),
  });
  const detail: MembersMerged = {
    mergeId,
    memberId: meta.source,
    into: meta.into,
    at: now.toISOString(),
    undone: true,
  };
  await deps.events.publish('Members Merged', detail);
  return { mergeId, status: 'undone' };
}
