// Use cases: a member's right to their data — export everything kept about them, and erasure that keeps only the
// anonymous purchase records the law requires (orders stay apart, linked to a member id that no longer names anyone).
import { NotFound } from './errors.ts';
import type { AuditEntry } from './ports.ts';
import type { Clock } from './ports.ts';
import type { MemberDirectory } from './member-lookup.ts';

export interface PrivacyDeps {
  readonly directory: MemberDirectory & {
    audit(entry: AuditEntry): Promise<void>;
    erase(
      memberId: string,
      contacts: { email?: string; phone?: string },
      prospectKeys: readonly string[],
      audit: AuditEntry,
    ): Promise<boolean>;
    /** Deletes the member's due touchpoints and send ledger (and their index entries): too many for one transaction. */
    eraseActivity(memberId: string): Promise<number>;
  };
  readonly prospectKeysOf: (contacts: { email?: string; phone?: string }) => string[];
  readonly clock: Clock;
}

export async function exportMember(
  memberId: string,
  by: string,
  deps: Pick<PrivacyDeps, 'clock'> & { directory: Pick<PrivacyDeps['directory'], 'memberItems' | 'audit'> },
) {
  const items = memberId.length <= 64 ? await deps.directory.memberItems(memberId) : null;
  if (!items || items.profile['status'] === 'erased') throw new NotFound('No such member');
  const at = deps.clock().toISOString();
  await deps.directory.audit({
    who: by,
    action: 'members.export',
    target: `member:${memberId}`,
    beforeVersion: null,
    afterVersion: null,
    at,
  });
  return {
    exportedAt: at,
    member: items.profile,
    consentHistory: items.consentHistory,
    tierHistory: items.tierHistory,
    dueTouchpoints: items.due,
    // What went to them (or was skipped, and why): the send ledger.
    messages: items.contacts,
  };
}

export async function eraseMember(
  memberId: string,
  by: string,
  deps: PrivacyDeps,
): Promise<{ memberId: string; status: 'erased' }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const profile = memberId.length <= 64 ? await deps.directory.profile(memberId) : null;
    if (!profile) throw new NotFound('No such member');
    // Erased already (a retry, perhaps after a crash before the clean-up): finish the clean-up, which is idempotent.
    if (profile['status'] === 'erased') {
      await deps.directory.eraseActivity(memberId);
      return { memberId, status: 'erased' };
    }
    const contacts = {
      ...(typeof profile['email'] === 'string' && { email: profile['email'] }),
      ...(typeof profile['phone'] === 'string' && { phone: profile['phone'] }),
    };
    const at = deps.clock().toISOString();
    const done = await deps.directory.erase(memberId, contacts, deps.prospectKeysOf(contacts), {
      who: by,
      action: 'members.erase',
      target: `member:${memberId}`,
      beforeVersion: null,
      afterVersion: null,
      at,
    });
    if (done) {
      await deps.directory.eraseActivity(memberId);
      return { memberId, status: 'erased' };
    }
  }
  throw new Error('the member kept changing during erasure');
}
