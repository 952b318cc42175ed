// The checks a recipient must pass before a send, in order, and the reached-not-opened rule of follow-ups.
import type { CalendarEntry } from '#schema/calendar';
import type { OfferGroup } from './offers.ts';

export type Channel = 'email' | 'sms' | 'post';

export type SkipReason =
  | 'inactive'
  | 'no-address'
  | 'no-consent'
  | 'unconfirmed'
  | 'suppressed'
  | 'frequency-cap'
  | 'not-targeted';

/** What the sender knows of a recipient when it checks them. */
export interface RecipientFacts {
  readonly status: string;
  readonly tier: string;
  readonly segment: OfferGroup | undefined;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  /** The phone was verified by the link in an SMS: before that, SMS consent does not count. */
  readonly phoneVerified: boolean;
  readonly hasPostalAddress: boolean;
  readonly consents: Readonly<Record<'email' | 'sms' | 'post', { value: boolean; confirmedAt?: string | undefined }>>;
  readonly suppressed: boolean;
  /** Times of earlier advertising sends (for the frequency cap). */
  readonly adSends: readonly string[];
}

/** Whether an entry targets a member of this tier and RFM offer group (not yet scored: occasional). */
export function isTargeted(
  entry: Pick<CalendarEntry, 'tiers' | 'segments'>,
  tier: string,
  segment: OfferGroup | undefined,
): boolean {
  if (!entry.tiers.includes(tier)) return false;
  return !entry.segments?.length || entry.segments.includes(segment ?? 'occasional');
}

/**
 * The checks before a send, in order: targeted, active, address, channel consent (e-mail confirmed by double
 * opt-in, phone verified by its SMS link), not suppressed, frequency cap (advertising only). Null when the recipient may be sent to.
 */
export function skipReason(
  entry: Pick<CalendarEntry, 'tiers' | 'segments' | 'advertising' | 'frequencyCap'>,
  channel: Channel,
  facts: RecipientFacts,
  now: Date,
): SkipReason | null {
  if (!isTargeted(entry, facts.tier, facts.segment)) return 'not-targeted';
  if (facts.status !== 'active') return 'inactive';
  const address = channel === 'email' ? facts.email : channel === 'sms' ? facts.phone : facts.hasPostalAddress;
  if (!address) return 'no-address';
  const consent = facts.consents[channel];
  if (!consent.value) return 'no-consent';
  if (channel === 'email' && !consent.confirmedAt) return 'unconfirmed';
  if (channel === 'sms' && !facts.phoneVerified) return 'unconfirmed';
  if (facts.suppressed) return 'suppressed';
  if (entry.advertising && entry.frequencyCap) {
    const since = now.getTime() - entry.frequencyCap.perDays * 86_400_000;
    if (facts.adSends.filter((at) => new Date(at).getTime() > since).length >= entry.frequencyCap.max)
      return 'frequency-cap';
  }
  return null;
}

const REACTIONS = ['open', 'click', 'unsubscribe', 'bounce', 'complaint'] as const;

/**
 * Reached-not-opened: a follow-up goes only to someone whose first mail was delivered and who did nothing since,
 * neither to it nor to any earlier follow-up.
 */
export function wantsFollowUp(
  first: Readonly<Record<string, string | undefined>>,
  earlierFollowUps: readonly Readonly<Record<string, string | undefined>>[] = [],
): boolean {
  return (
    Boolean(first['delivery']) &&
    [first, ...earlierFollowUps].every((events) => REACTIONS.every((reaction) => !events[reaction]))
  );
}
