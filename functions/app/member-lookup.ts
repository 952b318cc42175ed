// Use cases: marketing and operators look members up (exact e-mail or phone, name prefix incl. Hangul) and open one
// member's whole picture: profile, consents, tier with its history and reasons, spend, RFM, what is due and sent.
import { memberLookupQuery, type MemberSummary, type MemberView } from '#schema/admin-members';
import type { TierLadder } from '#schema/tier-ladder';
import { maskEmail, maskPhone, normaliseEmail, normaliseName, normalisePhone } from '#domain/identity';
import { monthKey, rollingTotals } from '#domain/spend-window';
import { NotFound } from './errors.ts';
import type { AuditEntry, Clock } from './ports.ts';
import type { LadderSource } from './purchase-ports.ts';
import { fieldErrors, ValidationError } from './validation.ts';

export interface MemberDirectory {
  profile(memberId: string): Promise<Record<string, unknown> | null>;
  ownerOf(kind: 'email' | 'phone', value: string): Promise<string | null>;
  /** Throws InvalidCursor for a cursor it did not make. */
  byNamePrefix(
    folded: string,
    limit: number,
    cursor?: string,
  ): Promise<{ profiles: Record<string, unknown>[]; next?: string }>;
  memberItems(memberId: string): Promise<{
    profile: Record<string, unknown>;
    consentHistory: Record<string, unknown>[];
    tierHistory: Record<string, unknown>[];
    due: Record<string, unknown>[];
    contacts?: Record<string, unknown>[];
  } | null>;
}

export interface LookupDeps {
  readonly directory: MemberDirectory;
  /** Writes the access record of each read of a member's personal data (PIPA: who saw whose data, when). */
  readonly recordAccess: (entries: readonly AuditEntry[]) => Promise<void>;
  readonly ladders: LadderSource;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
}

const PRIVATE_FIELDS = [
  'steps',
  'aggVersion',
  'spendByMonth',
  'ordersByMonth',
  'tierState',
  'rfm',
  'ltv',
  'purchaseCount',
  'firstPurchaseAt',
  'lastPurchaseAt',
];

function tierCode(profile: Record<string, unknown>, ladder: TierLadder): string {
  const state = profile['tierState'] as { tier?: string } | undefined;
  return state?.tier ?? ladder.tiers[0]?.code ?? 'D';
}

/** What an admin may see of a member: `full` (marketing, privacy), or `masked` contacts and no private details (viewer). */
export type ContactView = 'full' | 'masked';

/** The profile fields a viewer sees; everything else (address, survey, guardian, full birthday) stays hidden. */
const VIEWER_FIELDS = ['memberId', 'name', 'email', 'phone', 'locale', 'timeZone', 'status', 'enrolledAt', 'source'];

function contactsAsSeen(profile: Record<string, unknown>, view: ContactView): Record<string, unknown> {
  if (view === 'full') return profile;
  const seen: Record<string, unknown> = Object.fromEntries(
    Object.entries(profile).filter(([key]) => VIEWER_FIELDS.includes(key)),
  );
  if (typeof profile['email'] === 'string') seen['email'] = maskEmail(profile['email']);
  if (typeof profile['phone'] === 'string') seen['phone'] = maskPhone(profile['phone']);
  // Month and day only: no year of birth.
  for (const field of ['birthday', 'anniversary']) {
    const value = profile[field];
    if (typeof value === 'string') seen[field] = `--${value.slice(-5)}`;
  }
  return seen;
}

export function summary(raw: Record<string, unknown>, ladder: TierLadder, view: ContactView): MemberSummary {
  const profile = contactsAsSeen(raw, view);
  return {
    memberId: String(raw['memberId']),
    name: String(raw['name'] ?? ''),
    ...(typeof profile['email'] === 'string' && { email: profile['email'] }),
    ...(typeof profile['phone'] === 'string' && { phone: profile['phone'] }),
    tier: tierCode(raw, ladder),
    status: String(raw['status'] ?? 'active'),
    enrolledAt: String(raw['enrolledAt'] ?? ''),
  };
}

export async function lookupMembers(
  query: Record<string, string | undefined>,
  deps: LookupDeps,
  view: ContactView,
  by: string,
): Promise<{ items: MemberSummary[]; next?: string }> {
  const parsed = memberLookupQuery.safeParse(query);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const { email, phone, name, limit, cursor } = parsed.data;
  const ladder = await deps.ladders.current();
  const active = (profile: Record<string, unknown> | null): profile is Record<string, unknown> =>
    profile !== null && profile['status'] !== 'erased';
  if (email !== undefined || phone !== undefined) {
    const value = email !== undefined ? normaliseEmail(email) : normalisePhone(phone ?? '');
    if (!value)
      throw new ValidationError([
        {
          path: email !== undefined ? 'email' : 'phone',
          message: email !== undefined ? 'Invalid e-mail address' : 'Invalid phone number',
        },
      ]);
    const memberId = await deps.directory.ownerOf(email !== undefined ? 'email' : 'phone', value);
    const profile = memberId ? await deps.directory.profile(memberId) : null;
    const items = active(profile) ? [summary(profile, ladder, view)] : [];
    await recordReads(items, 'members.find', by, deps);
    return { items };
  }
  const folded = normaliseName(name ?? '').toLowerCase();
  if (folded.length === 0) throw new ValidationError([{ path: 'name', message: 'Must not be empty' }]);
  const page = await deps.directory.byNamePrefix(folded, Number(limit ?? 20), cursor);
  const items = page.profiles.filter(active).map((profile) => summary(profile, ladder, view));
  await recordReads(items, 'members.find', by, deps);
  return { items, ...(page.next && { next: page.next }) };
}

/** One access record per member whose personal data an admin saw, before the answer leaves. */
export async function recordReads(
  members: readonly { memberId: string }[],
  action: 'members.find' | 'members.read',
  by: string,
  deps: Pick<LookupDeps, 'recordAccess' | 'clock'>,
): Promise<void> {
  if (members.length === 0) return;
  const at = deps.clock().toISOString();
  await deps.recordAccess(
    members.map((member) => ({
      who: by,
      action,
      target: `member:${member.memberId}`,
      beforeVersion: null,
      afterVersion: null,
      at,
    })),
  );
}

export async function viewMember(
  memberId: string,
  deps: LookupDeps,
  view: ContactView,
  by: string,
): Promise<MemberView> {
  const items = memberId.length <= 64 ? await deps.directory.memberItems(memberId) : null;
  if (!items || items.profile['status'] === 'erased') throw new NotFound('No such member');
  await recordReads([{ memberId }], 'members.read', by, deps);
  const ladder = await deps.ladders.current();
  const profile = items.profile;
  const code = tierCode(profile, ladder);
  const tierDef = ladder.tiers.find((tier) => tier.code === code);
  const state = profile['tierState'] as { reachedAt?: string; keptUntil?: string } | undefined;
  const spendByMonth = (profile['spendByMonth'] as Record<string, number> | undefined) ?? {};
  const ordersByMonth = (profile['ordersByMonth'] as Record<string, number> | undefined) ?? {};
  const totals = rollingTotals(
    { spendByMonth, ordersByMonth, purchaseCount: 0 },
    monthKey(deps.clock(), deps.programme.timeZone),
  );
  const steps = (profile['steps'] as Record<string, { claimedAt: string; doneAt?: string }> | undefined) ?? {};
  const mails: [string, string][] = [
    ['confirmationMail', 'email-confirmation'],
    ['welcomeMail', 'welcome'],
  ];
  const publicProfile = contactsAsSeen(
    Object.fromEntries(Object.entries(profile).filter(([key]) => !PRIVATE_FIELDS.includes(key) && key !== 'consents')),
    view,
  );
  return {
    profile: publicProfile,
    consents: (profile['consents'] as Record<string, unknown>) ?? {},
    consentHistory: items.consentHistory,
    tier: {
      code,
      name: tierDef?.name ?? { ko: code, en: code },
      ...(state?.reachedAt && { reachedAt: state.reachedAt }),
      ...(state?.keptUntil && { keptUntil: state.keptUntil }),
    },
    tierHistory: items.tierHistory,
    spend: {
      rolling12Months: totals.spend,
      purchaseCount: Number(profile['purchaseCount'] ?? 0),
      byMonth: spendByMonth,
      ...(typeof profile['firstPurchaseAt'] === 'string' && { firstPurchaseAt: profile['firstPurchaseAt'] }),
      ...(typeof profile['lastPurchaseAt'] === 'string' && { lastPurchaseAt: profile['lastPurchaseAt'] }),
    },
    ...(profile['rfm'] !== undefined && { rfm: profile['rfm'] as Record<string, unknown> }),
    ...(typeof profile['ltv'] === 'number' && { ltv: profile['ltv'] }),
    dueTouchpoints: items.due,
    contactHistory: mails
      .filter(([step]) => steps[step])
      .map(([step, touchpoint]) => ({
        touchpoint,
        channel: 'email',
        kind: 'transactional',
        at: steps[step]?.claimedAt,
        state: steps[step]?.doneAt ? 'sent' : 'sending',
      }))
      .concat(
        (items.contacts ?? []).map((sent) => ({
          touchpoint: String(sent['entryId']),
          channel: String(sent['channel']),
          kind: sent['advertising'] ? 'advertising' : 'informational',
          at: sent['sentAt'] ?? sent['claimedAt'],
          state: sent['state'],
          period: sent['period'],
          ...(sent['reason'] !== undefined && { reason: sent['reason'] }),
          ...(sent['events'] !== undefined && { events: sent['events'] }),
        })) as never[],
      ),
  };
}
