// Every DynamoDB key of the single table is built here, nowhere else (see README "Access patterns").

import { createHmac } from 'node:crypto';

export type Key = { PK: string; SK: string };

/**
 * The keys of the contact hash, the current one first, then the previous one while a rotation is under way. Keyed
 * (HMAC), not bare SHA-256: Korean mobile numbers are few enough to hash them all and read a bare hash back.
 */
let contactHashKeys: readonly string[] = [];

/** Loads the contact hash keys (once per container, from the secret: adapters/token-secret.ts). */
export function useContactHashKeys(secrets: readonly string[]): void {
  if (secrets.length === 0 || secrets.some((secret) => secret.length < 32))
    throw new Error('contact hash keys: at least one, each of 32 characters or more');
  contactHashKeys = [...secrets];
}

function hashWith(secret: string, value: string): string {
  return createHmac('sha256', secret).update(`dangol-contact:${value}`).digest('base64url').slice(0, 32);
}

function loadedKeys(): readonly string[] {
  if (contactHashKeys.length === 0) throw new Error('contact hash keys are not loaded (capability contactHashes)');
  return contactHashKeys;
}

/** The contact's hash under the current key: what new items are keyed by. */
function contactHash(value: string): string {
  const [current = ''] = loadedKeys();
  return hashWith(current, value);
}

/** The contact's hash under every key in use (current first): what reads and erasure look under. */
function contactHashes(value: string): string[] {
  return loadedKeys().map((secret) => hashWith(secret, value));
}

const PROFILE = 'PROFILE';
const OWNER = 'OWNER';

/** The partition prefix of the audit log: IAM denies every role updates and deletes of these items. */
export const AUDIT_PREFIX = 'AUDIT#';
/** A merge's items (its state, what it kept, purchases since) outlive the 30 days of undo by a margin, then go by TTL. */
export const MERGE_KEEP_SECONDS = 90 * 86_400;

export const keys = {
  member: (memberId: string): Key => ({ PK: `MEMBER#${memberId}`, SK: PROFILE }),
  /** Uniqueness of an e-mail address: at most one member owns it. */
  emailOwner: (email: string): Key => ({ PK: `EMAIL#${email}`, SK: OWNER }),
  /** Uniqueness of a phone number (E.164): at most one member owns it. */
  phoneOwner: (phone: string): Key => ({ PK: `PHONE#${phone}`, SK: OWNER }),
  consentRecord: (memberId: string, at: string, channel: string): Key => ({
    PK: `MEMBER#${memberId}`,
    SK: `CONSENT#${at}#${channel}`,
  }),
  consentHistoryPrefix: (memberId: string) => ({ PK: `MEMBER#${memberId}`, SKPrefix: 'CONSENT#' }),
  /** The first member who left a piece of identity evidence (name and birthday, a mailbox, a phone), by its hash. */
  identityEvidence: (kind: string, value: string): Key => ({ PK: `IDENT#${kind}#${contactHash(value)}`, SK: 'FIRST' }),
  /** A pair of members that may be one person (ids in order), for marketing to review. */
  identityCandidate: (a: string, b: string): Key => ({ PK: 'CANDIDATES', SK: a < b ? `${a}#${b}` : `${b}#${a}` }),
  identityCandidates: { PK: 'CANDIDATES' },
  /** A merge of two members: its state, and every item it kept to undo it (`SNAP#<n>`), removed by TTL later. */
  mergeMeta: (mergeId: string): Key => ({ PK: `MERGE#${mergeId}`, SK: 'META' }),
  /** A webhook subscription (few: one partition, listed by a query). */
  webhook: (id: string): Key => ({ PK: 'WEBHOOKS', SK: id }),
  webhooks: { PK: 'WEBHOOKS' },
  mergeKept: (mergeId: string, n: number): Key => ({
    PK: `MERGE#${mergeId}`,
    SK: `SNAP#${String(n).padStart(6, '0')}`,
  }),
  mergeKeptPrefix: (mergeId: string) => ({ PK: `MERGE#${mergeId}`, SKPrefix: 'SNAP#' }),
  /** A purchase after a merge that named the merged member (its id, or a contact the merge moved): undo gives it back. */
  mergeSince: (mergeId: string, channel: string, orderId: string): Key => ({
    PK: `MERGE#${mergeId}`,
    SK: `SINCE#${channel}#${orderId}`,
  }),
  mergeSincePrefix: (mergeId: string) => ({ PK: `MERGE#${mergeId}`, SKPrefix: 'SINCE#' }),
  /** A member's id in the company's own systems (an import's `externalId`): at most one member has it. */
  externalOwner: (externalId: string): Key => ({ PK: `EXTERNAL#${externalId}`, SK: OWNER }),
  /** An import: its settings and times; a chunk's report (by its first row, zero-padded so they sort). */
  importMeta: (id: string): Key => ({ PK: `IMPORT#${id}`, SK: 'META' }),
  importChunk: (id: string, firstRow: number): Key => ({
    PK: `IMPORT#${id}`,
    SK: `CHUNK#${String(firstRow).padStart(10, '0')}`,
  }),
  importChunks: (id: string) => ({ PK: `IMPORT#${id}`, SKPrefix: 'CHUNK#' }),
  /** A dry run's memory of the people and orders it saw (a hash of the key, never the contact), by TTL. */
  importSeen: (id: string, key: string): Key => ({ PK: `IMPORT#${id}`, SK: `SEEN#${contactHash(key)}` }),
  /** Exactly-once purchases: one order record per (channel, orderId). */
  order: (channel: string, orderId: string): Key => ({ PK: `ORDER#${channel}#${orderId}`, SK: 'ORDER' }),
  /** Exactly-once refunds: one record per (channel, refundId). */
  refund: (channel: string, refundId: string): Key => ({ PK: `REFUND#${channel}#${refundId}`, SK: 'REFUND' }),
  /** Purchases by someone not (yet) a member, kept against the contact the channel gave. */
  prospect: (prospectKey: string): Key => ({ PK: prospectKey, SK: 'PROSPECT' }),
  /** Keyed by a hash of the contact, so no key (and no order's ownerKey) carries an e-mail address or a phone. */
  /** The prospect keys of a contact under every hash key in use (current first: new prospects take that one). */
  prospectKeysByEmail: (email: string) => contactHashes(email).map((hash) => `PROSPECT#EMAIL#${hash}`),
  prospectKeysByPhone: (phone: string) => contactHashes(phone).map((hash) => `PROSPECT#PHONE#${hash}`),
  /** One entry of a member's tier history: when, and what caused it (order, review run, admin, prospect). */
  tierHistory: (memberId: string, at: string, cause: readonly string[]): Key => ({
    PK: `MEMBER#${memberId}`,
    SK: `TIER#${at}#${cause.join('#')}`,
  }),
  /** A touchpoint that became due for one member (VIP entry, downgrade notice) for the dispatcher to send. */
  dueTouchpoint: (memberId: string, kind: string, ref: string): Key => ({
    PK: `MEMBER#${memberId}`,
    SK: `DUE#${kind}#${ref}`,
  }),
  tierLadder: (): Key => ({ PK: 'CONFIG', SK: 'TIER_LADDER' }),
  /** The kill switch of all sending: paused or not, by whom, when. */
  sendingSwitch: (): Key => ({ PK: 'CONFIG', SK: 'SENDING' }),
  /** Counters of one tier review run (items read, members reviewed, changes, notices). */
  reviewRun: (runId: string): Key => ({ PK: `REVIEWRUN#${runId}`, SK: 'STATS' }),
  /** A page of a review run whose statistics were counted, with where its run went on. */
  reviewPage: (runId: string, page: string): Key => ({ PK: `REVIEWRUN#${runId}`, SK: `PAGE#${page}` }),
  /** The hand-on of a page chain (its key hashed): claimed once, so a chain never forks. */
  handOn: (digest: string): Key => ({ PK: `HANDON#${digest}`, SK: 'MARKER' }),
  /** One page's RFM histograms of a scoring run, merged into the next run's breakpoints. */
  rfmPageHistogram: (runId: string, shard: number, page: number): Key => ({
    PK: `RFMRUN#${runId}`,
    SK: `HIST#${shard}#${String(page).padStart(6, '0')}`,
  }),
  rfmBreakpoints: (): Key => ({ PK: 'CONFIG', SK: 'RFM_BREAKPOINTS' }),
  /** A member's date (birthday, anniversary, enrollment day), indexed in GSI2 by MM-DD and zone. */
  memberDate: (memberId: string, field: string): Key => ({ PK: `MEMBER#${memberId}`, SK: `DATE#${field}` }),
  /** The send ledger: one item per (member, entry, period, channel), claimed before any SES or SNS call. */
  sent: (memberId: string, entryId: string, period: string, channel: string): Key => ({
    PK: `MEMBER#${memberId}`,
    SK: `SENT#${entryId}#${period}#${channel}`,
  }),
  /** An address that bounced permanently or complained: never mailed again. Keyed by a hash, not the address. */
  suppression: (email: string): Key => ({ PK: `SUPPRESSED#${contactHash(email.toLowerCase())}`, SK: 'SUPPRESSION' }),
  /** The suppression items an address may have under every hash key in use. */
  suppressions: (email: string): Key[] =>
    contactHashes(email.toLowerCase()).map((hash) => ({ PK: `SUPPRESSED#${hash}`, SK: 'SUPPRESSION' })),
  /**
   * One of a campaign's counter items for one period (issue): the counts are spread over `STATS#<period>#0…9` (an
   * item takes 1,000 writes a second, a large campaign's events more), and summed when read.
   */
  campaignPeriodStats: (entryId: string, period: string, shard: number): Key => ({
    PK: `CAMPAIGN#${entryId}`,
    SK: `STATS#${period}#${shard}`,
  }),
  campaignPeriodStatsPartition: (entryId: string, period: string) => ({
    PK: `CAMPAIGN#${entryId}`,
    SKPrefix: `STATS#${period}#`,
  }),
  /** Every period's counter items of an entry. */
  campaignStatsPartition: (entryId: string) => ({ PK: `CAMPAIGN#${entryId}`, SKPrefix: 'STATS#' }),
  /** Marks that the dispatcher handed out an entry's audience for one hour (a re-run finds it). */
  dispatchMarker: (entryId: string, hour: string): Key => ({ PK: `CAMPAIGN#${entryId}`, SK: `DISPATCHED#${hour}` }),
  /** A pre-test's decision (the winning variant) for one period. */
  pretestDecision: (entryId: string, period: string): Key => ({ PK: `CAMPAIGN#${entryId}`, SK: `PRETEST#${period}` }),
  /** The benefit calendar: one partition, an item per entry and a marker per release of default entries. */
  calendarEntry: (id: string): Key => ({ PK: 'CALENDAR', SK: `ENTRY#${id}` }),
  calendarEntries: { PK: 'CALENDAR', SKPrefix: 'ENTRY#' },
  calendarSeeded: (release: number): Key => ({ PK: 'CALENDAR', SK: `SEEDED#v${release}` }),
  /** Prefixes of a member's partition: consent records, tier history, due touchpoints, the send ledger. */
  memberItemPrefixes: { consent: 'CONSENT#', tierHistory: 'TIER#', due: 'DUE#', sent: 'SENT#', date: 'DATE#' },
  /** A page histogram's sort key prefix within a scoring run. */
  rfmHistogramPrefix: 'HIST#',
  /** The zones members live in (one item each): the dispatcher reads member dates in these zones only. */
  memberZone: (zone: string): Key => ({ PK: 'ZONES', SK: zone }),
  memberZones: { PK: 'ZONES' },
  /** How many messages of one kind went to one contact on one day (`YYYY-MM-DD`), by a hash of the contact. */
  contactLimit: (kind: string, contact: string, day: string): Key => ({
    PK: `LIMIT#${kind}#${contactHash(contact.toLowerCase())}`,
    SK: day,
  }),
  /** A coupon a touchpoint issued, by its code (redeemed at most once: the purchase's transaction updates it). */
  coupon: (code: string): Key => ({ PK: `COUPON#${code}`, SK: 'COUPON' }),
  couponPrefix: 'COUPON#',
  /** A member's session on their page, by its random id (the cookie); removed by TTL after it expires. */
  session: (id: string): Key => ({ PK: `SESSION#${id}`, SK: 'SESSION' }),
  /** A sign-in link that was used (its id): a link signs in once. Removed by TTL after it would have expired. */
  usedSignIn: (jti: string): Key => ({ PK: `SIGNIN#${jti}`, SK: 'USED' }),
  /** The audit log, one partition per month (`YYYY-MM`), newest last by time and a random suffix. */
  auditMonth: (month: string) => `${AUDIT_PREFIX}${month}`,
  auditEntry: (at: string, unique: string): Key => ({ PK: `${AUDIT_PREFIX}${at.slice(0, 7)}`, SK: `${at}#${unique}` }),
};

/** GSI2 partition of the members whose `field` falls on MM-DD and who live in `timeZone`. */
export const datePartition = (field: string, monthDay: string, timeZone: string) =>
  `DATE#${field}#${monthDay}#${timeZone}`;

/** GSI2 attributes of a member-date item. */
export function dateIndex(partition: string, enrolledAt: string, memberId: string): { GSI2PK: string; GSI2SK: string } {
  return { GSI2PK: partition, GSI2SK: `${enrolledAt}#${memberId}` };
}

export const REVIEW_SHARDS = 10;
export const POPULATION_SHARDS = 10;

function shardOf(memberId: string, shards: number): number {
  let hash = 0;
  for (const char of memberId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % shards;
}

/** GSI3 partition of one shard of the whole population. */
export const populationShard = (shard: number) => `MEMBERS#${shard}`;
/** GSI4 partition of one shard of the members due for tier review. */
export const reviewShard = (shard: number) => `REVIEW#${shard}`;
/** GSI3 partition of the items due of one kind, by time. */
export const dueKindPartition = (kind: string) => `DUE#${kind}`;
/** GSI1 partition of a member's coupons. */
export const memberCouponsPartition = (memberId: string) => `COUPONS#${memberId}`;

/** GSI1 attributes of a coupon: a member's coupons, newest last. */
export function couponIndex(memberId: string, validFrom: string, code: string): { GSI1PK: string; GSI1SK: string } {
  return { GSI1PK: memberCouponsPartition(memberId), GSI1SK: `${validFrom}#${code}` };
}

/** GSI1 partition of the names that start with this letter. */
export const namePartition = (firstLetter: string) => `NAME#${firstLetter}`;

/** A member's due item as its key, and what it is about: `DUE#<kind>#<ref>`. */
export function dueItemOf(key: { PK: string; SK: string }): { memberId: string; kind: string; ref: string } {
  const [, kind = '', ...ref] = key.SK.split('#');
  return { memberId: key.PK.slice('MEMBER#'.length), kind, ref: ref.join('#') };
}

/** GSI3 attributes every member profile carries: the whole population in shards, for monthly jobs (RFM). */
export function populationIndex(memberId: string): { GSI3PK: string; GSI3SK: string } {
  return { GSI3PK: populationShard(shardOf(memberId, POPULATION_SHARDS)), GSI3SK: memberId };
}

/** GSI4 attributes of a member profile due for tier review at `reviewAt` (sparse: only members above the base tier). */
export function reviewIndex(memberId: string, reviewAt: string): { GSI4PK: string; GSI4SK: string } {
  return { GSI4PK: reviewShard(shardOf(memberId, REVIEW_SHARDS)), GSI4SK: `${reviewAt}#${memberId}` };
}

/** GSI3 attributes of a due touchpoint, by kind and time. */
export function dueIndex(kind: string, dueAt: string, memberId: string): { GSI3PK: string; GSI3SK: string } {
  return { GSI3PK: dueKindPartition(kind), GSI3SK: `${dueAt}#${memberId}` };
}

/** GSI1 attributes of a member profile: look-up by name prefix within the partition of its first letter. */
export function nameIndex(name: string, memberId: string): { GSI1PK: string; GSI1SK: string } {
  const folded = name.normalize('NFC').toLowerCase();
  return { GSI1PK: namePartition([...folded][0] ?? '_'), GSI1SK: `${folded}#${memberId}` };
}

export const KEY_ATTRIBUTES = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
  'entity',
] as const;

/** The stored item minus its key and index attributes. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}
