// What the send stores share: the items they write (due touchpoints, ledger keys, counter names), batched reads and
// writes with retries of unprocessed items, and the profile the senders see.
import { conflictBackoff } from './transactions.ts';
import { queryAll } from './query-all.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OfferGroup } from '#domain/offers';
import type { CampaignDims, DueItem, LedgerRef, SendProfile } from '#app/sending-ports';
import { dueIndex, keys } from './keys.ts';

/** A touchpoint due for one member later (GSI3 `DUE#<kind>`, by time). */
export const dueTouchpointItem = (item: DueItem) => ({
  ...keys.dueTouchpoint(item.memberId, item.kind, item.ref),
  ...dueIndex(item.kind, item.dueAt.toISOString(), item.memberId),
  entity: 'due-touchpoint',
  kind: item.kind,
  memberId: item.memberId,
  dueAt: item.dueAt.toISOString(),
  ...item.fields,
});

/** TransactWriteItems takes at most 100 items. */
export const TRANSACTION_LIMIT = 100;
export const TRANSACTION_ATTEMPTS = 4;
/** The frequency-cap log keeps this many of a member's latest advertising sends. */
export const AD_SEND_LOG = 30;

export const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export const ledgerKey = (ref: LedgerRef) => keys.sent(ref.memberId, ref.entryId, ref.period, ref.channel);

/** Attribute name of one campaign counter: `<dimension>~<key>~<outcome>` (flat, so ADD needs no parent map). */
export const counterName = (
  dimension: 'all' | 'tier' | 'segment' | 'variant' | 'pv' | 'period' | 'step',
  key: string,
  outcome: string,
) => `${dimension}~${key}~${outcome}`;

/** Tries of a batch whose items DynamoDB leaves unprocessed (throttled) before the caller's queue retries it. */
const UNPROCESSED_ATTEMPTS = 8;

/** A ProjectionExpression of attribute paths (`a`, `a.b`), every name through a placeholder (reserved words). */
export function projection(paths: readonly string[]): {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
} {
  const names = new Map<string, string>();
  const placeholder = (name: string) => {
    let found = names.get(name);
    if (!found) {
      found = `#p${names.size}`;
      names.set(name, found);
    }
    return found;
  };
  const expression = paths.map((path) => path.split('.').map(placeholder).join('.')).join(', ');
  return {
    ProjectionExpression: expression,
    ExpressionAttributeNames: Object.fromEntries([...names].map(([name, ph]) => [ph, name])),
  };
}

/** What `toProfile` reads of a member item: a job's BatchGetItem brings only these attributes back. */
export const PROFILE_ATTRIBUTES = [
  'memberId',
  'status',
  'name',
  'email',
  'phone',
  'phoneVerifiedAt',
  'postalAddress',
  'locale',
  'timeZone',
  'tierState.tier',
  'rfm.score.group',
  'consents',
  'adSends',
] as const;

export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: readonly { PK: string; SK: string }[],
  attributes?: readonly string[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const projected = attributes ? projection(attributes) : {};
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keyList.slice(i, i + 100).map((key) => ({ ...key }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= UNPROCESSED_ATTEMPTS) throw new Error('DynamoDB kept keys unprocessed: giving the batch back');
      if (attempt > 0) await conflictBackoff(attempt - 1);
      const result = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projected } } }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

export function toProfile(item: Record<string, unknown>, suppressed: boolean): SendProfile {
  const tierState = item['tierState'] as { tier?: string } | undefined;
  const rfm = item['rfm'] as { score?: { group?: OfferGroup } } | undefined;
  return {
    memberId: String(item['memberId']),
    status: String(item['status']),
    name: String(item['name'] ?? ''),
    ...(typeof item['email'] === 'string' && { email: item['email'] }),
    ...(typeof item['phone'] === 'string' && { phone: item['phone'] }),
    phoneVerified: typeof item['phoneVerifiedAt'] === 'string',
    ...(item['postalAddress'] !== undefined && { postalAddress: item['postalAddress'] as Record<string, unknown> }),
    locale: item['locale'] === 'en' ? 'en' : 'ko',
    timeZone: String(item['timeZone'] ?? 'Asia/Seoul'),
    ...(tierState?.tier && { tier: tierState.tier }),
    ...(rfm?.score?.group && { segment: rfm.score.group }),
    consents: (item['consents'] ?? {}) as SendProfile['consents'],
    adSends: Array.isArray(item['adSends']) ? (item['adSends'] as string[]) : [],
    suppressed,
  };
}

/** BatchWriteItem in chunks of 25, unprocessed items retried with backoff. */
export async function batchWrite(
  db: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + 25);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= UNPROCESSED_ATTEMPTS) throw new Error('DynamoDB kept items unprocessed: giving the batch back');
      if (attempt > 0) await conflictBackoff(attempt - 1);
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

/** Counter items a campaign's counts are spread over (summed when read: readCampaignCounters). */
export const COUNTER_SHARDS = 10;

/** The update that adds `by` to a campaign's counters of one outcome (see counterUpdates). */
export function counterUpdate(tableName: string, entryId: string, dims: CampaignDims, outcome: string, by = 1) {
  return counterUpdates(tableName, entryId, dims, { [outcome]: by });
}

/**
 * One ADD of one or several outcomes at once (a conversion and its revenue) to the counters of the send's period
 * (`STATS#<period>#<shard>`): in total and by tier, segment, follow-up step and variant. Each issue has its own
 * items, so no item grows with the number of issues; the all-time report sums them (readCampaignCounters).
 */
export function counterUpdates(
  tableName: string,
  entryId: string,
  dims: CampaignDims,
  outcomes: Readonly<Record<string, number>>,
) {
  const entries = Object.entries(outcomes);
  const adds = entries.flatMap(([outcome], o) =>
    [
      counterName('all', '-', outcome),
      counterName('tier', dims.tier, outcome),
      counterName('segment', dims.segment, outcome),
      counterName('step', String(dims.step ?? 0), outcome),
      ...(dims.variant ? [counterName('variant', dims.variant, outcome)] : []),
    ].map((name) => ({ name, value: `:v${o}` })),
  );
  return {
    TableName: tableName,
    Key: keys.campaignPeriodStats(entryId, dims.period, Math.floor(Math.random() * COUNTER_SHARDS)),
    UpdateExpression: `SET entity = :entity ADD ${adds.map((add, i) => `#c${i} ${add.value}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(adds.map((add, i) => [`#c${i}`, add.name])),
    ExpressionAttributeValues: {
      ':entity': 'campaign-stats',
      ...Object.fromEntries(entries.map(([, by], o) => [`:v${o}`, by])),
    },
  };
}

/**
 * A campaign's counters summed over its counter items: one period's (`STATS#<period>#…`), or every period's — then
 * with each period's totals as `period~<period>~<outcome>` and its variants as `pv~<period>/<variant>~<outcome>`.
 */
export async function readCampaignCounters(
  db: DynamoDBDocumentClient,
  tableName: string,
  entryId: string,
  period?: string,
): Promise<Record<string, number> | null> {
  const partition =
    period === undefined ? keys.campaignStatsPartition(entryId) : keys.campaignPeriodStatsPartition(entryId, period);
  const items = await queryAll(db, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :stats)',
    ExpressionAttributeValues: { ':pk': partition.PK, ':stats': partition.SKPrefix },
    ConsistentRead: true,
  });
  if (items.length === 0) return null;
  const sums: Record<string, number> = {};
  const add = (name: string, value: number) => {
    sums[name] = (sums[name] ?? 0) + value;
  };
  for (const item of items) {
    const sk = String(item['SK']);
    const itemPeriod = sk.slice(sk.indexOf('#') + 1, sk.lastIndexOf('#'));
    for (const [name, value] of Object.entries(item)) {
      if (typeof value !== 'number') continue;
      add(name, value);
      if (period !== undefined) continue;
      const [dimension, key, outcome] = name.split('~');
      if (dimension === 'all') add(counterName('period', itemPeriod, outcome ?? ''), value);
      if (dimension === 'variant') add(counterName('pv', `${itemPeriod}/${key}`, outcome ?? ''), value);
    }
  }
  return sums;
}
