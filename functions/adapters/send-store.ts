// The send ledger, audiences and engagement on DynamoDB: audiences from sparse indexes (GSI2 dates, GSI3 due items
// and the population shards), claims by conditional put, campaign counters as flat ADD-able attributes.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { OfferGroup } from '#domain/offers';
import { domainOf } from '#domain/waves';
import type {
  AudienceMember,
  AudiencePage,
  AudienceSource,
  CampaignDims,
  ClaimResult,
  DueItem,
  DueRef,
  EngagementStore,
  LedgerEntry,
  LedgerRef,
  LedgerWrite,
  SendProfile,
  SendStore,
} from '#app/sending-ports';
import { encodeRef } from '#app/sending-ports';
import {
  datePartition,
  dueIndex,
  dueItemOf,
  dueKindPartition,
  keys,
  POPULATION_SHARDS,
  populationShard,
  withoutKeys,
} from './keys.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { conflictBackoff, transactUnlessCancelled } from './transactions.ts';

/** A touchpoint due for one member later (GSI3 `DUE#<kind>`, by time). */
const dueTouchpointItem = (item: DueItem) => ({
  ...keys.dueTouchpoint(item.memberId, item.kind, item.ref),
  ...dueIndex(item.kind, item.dueAt.toISOString(), item.memberId),
  entity: 'due-touchpoint',
  kind: item.kind,
  memberId: item.memberId,
  dueAt: item.dueAt.toISOString(),
  ...item.fields,
});

/** TransactWriteItems takes at most 100 items. */
const TRANSACTION_LIMIT = 100;
const TRANSACTION_ATTEMPTS = 4;
/** The frequency-cap log keeps this many of a member's latest advertising sends. */
const AD_SEND_LOG = 30;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export const ledgerKey = (ref: LedgerRef) => keys.sent(ref.memberId, ref.entryId, ref.period, ref.channel);

/** Attribute name of one campaign counter: `<dimension>~<key>~<outcome>` (flat, so ADD needs no parent map). */
export const counterName = (dimension: 'all' | 'tier' | 'segment' | 'variant' | 'pv', key: string, outcome: string) =>
  `${dimension}~${key}~${outcome}`;

async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: readonly { PK: string; SK: string }[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keyList.slice(i, i + 100).map((key) => ({ ...key }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      const result = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
      if (pending && pending.length > 0)
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)));
    }
  }
  return found;
}

function toProfile(item: Record<string, unknown>, suppressed: boolean): SendProfile {
  const tierState = item['tierState'] as { tier?: string } | undefined;
  const rfm = item['rfm'] as { score?: { group?: OfferGroup } } | undefined;
  return {
    memberId: String(item['memberId']),
    status: String(item['status']),
    name: String(item['name'] ?? ''),
    ...(typeof item['email'] === 'string' && { email: item['email'] }),
    ...(typeof item['phone'] === 'string' && { phone: item['phone'] }),
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

export class DynamoSendStore implements SendStore, EngagementStore {
  readonly populationShards = POPULATION_SHARDS;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readAudience(
    source: AudienceSource,
    cursor: string | undefined,
    limit: number,
    baseTier: string,
  ): Promise<AudiencePage> {
    const start = decodeCursor(cursor);
    let input: QueryCommandInput;
    if (source.type === 'date') {
      input = {
        TableName: this.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: source.enrolledSince ? 'GSI2PK = :pk AND GSI2SK >= :since' : 'GSI2PK = :pk',
        ExpressionAttributeValues: {
          ':pk': datePartition(source.field, source.monthDay, source.timeZone),
          ...(source.enrolledSince && { ':since': source.enrolledSince }),
        },
      };
    } else if (source.type === 'population') {
      input = {
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk',
        ExpressionAttributeValues: { ':pk': populationShard(source.shard) },
      };
    } else {
      input = {
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK <= :upTo',
        ExpressionAttributeValues: { ':pk': dueKindPartition(source.kind), ':upTo': `${source.upTo}#~` },
      };
    }
    const result = await this.db.send(
      new QueryCommand({ ...input, Limit: limit, ...(start && { ExclusiveStartKey: start }) }),
    );
    const items = result.Items ?? [];
    const members: AudienceMember[] = items.map((item) => {
      const memberId = String(item['memberId']);
      if (source.type === 'date')
        return { memberId, ...(typeof item['domain'] === 'string' && { domain: item['domain'] }) };
      if (source.type === 'population') {
        const profile = toProfile(item, false);
        const domain = domainOf(profile.email);
        return {
          memberId,
          ...(domain && { domain }),
          tier: profile.tier ?? baseTier,
          ...(profile.segment && { segment: profile.segment }),
          profile: item,
        };
      }
      // The due item's ref (e.g. the time the tier was entered) names the period of the touchpoint.
      const due = dueItemOf({ PK: String(item['PK']), SK: String(item['SK']) });
      return { memberId, dueItem: due, dueRef: due.ref, due: withoutKeys<Record<string, unknown>>(item) };
    });
    const next = encodeCursor(result.LastEvaluatedKey);
    return { members, itemsRead: items.length, ...(next && { next }) };
  }

  async removeDue(items: readonly DueRef[]): Promise<void> {
    await this.batchWrite(
      items.map((due) => ({ DeleteRequest: { Key: keys.dueTouchpoint(due.memberId, due.kind, due.ref) } })),
    );
  }

  /** BatchWriteItem in chunks of 25, unprocessed items retried with backoff. */
  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        if (pending && pending.length > 0)
          await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  async profiles(memberIds: readonly string[]): Promise<Map<string, SendProfile>> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      memberIds.map((id) => keys.member(id)),
    );
    const emails = items.map((item) => item['email']).filter((email): email is string => typeof email === 'string');
    const suppressions = await batchGetAll(
      this.db,
      this.tableName,
      emails.map((email) => keys.suppression(email)),
    );
    const suppressed = new Set(suppressions.map((item) => String(item['PK'])));
    const profiles = new Map<string, SendProfile>();
    for (const item of items) {
      const email = typeof item['email'] === 'string' ? item['email'] : undefined;
      profiles.set(
        String(item['memberId']),
        toProfile(item, email ? suppressed.has(keys.suppression(email).PK) : false),
      );
    }
    return profiles;
  }

  async ledger(refs: readonly LedgerRef[]): Promise<Map<string, LedgerEntry>> {
    const items = await batchGetAll(this.db, this.tableName, refs.map(ledgerKey));
    return new Map(
      items.map((item) => {
        const entry = withoutKeys<LedgerEntry>(item);
        return [encodeRef(entry), entry];
      }),
    );
  }

  /** A ledger item put unless someone holds the claim: only a missing or deferred item may be replaced. */
  private ledgerPut(write: LedgerWrite) {
    const fields =
      'claim' in write
        ? // `events` starts empty, so that each SES event later is one `SET events.<type>` guarded by its absence.
          {
            state: 'sending',
            claimId: write.claim.claimId,
            claimedAt: write.claim.at.toISOString(),
            events: {},
            ...write.claim.facts,
          }
        : { state: 'skipped', reason: write.skip.reason, claimedAt: write.skip.at.toISOString(), ...write.skip.facts };
    return {
      TableName: this.tableName,
      Item: { ...ledgerKey(write.ref), entity: 'send', ...write.ref, ...fields },
      ConditionExpression: 'attribute_not_exists(PK) OR #state = :deferred',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':deferred': 'deferred' },
    };
  }

  private async putUnlessClaimed(write: LedgerWrite): Promise<boolean> {
    try {
      await this.db.send(new PutCommand(this.ledgerPut(write)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * A job's claims and skips as one TransactWriteItems (≤ 100 items each). A cancelled transaction writes nothing
   * and names, per item, why: those whose condition failed are someone else's, the rest are tried again; whatever
   * is still undecided after a few conflicts is written one conditional put at a time.
   */
  async claimAll(writes: readonly LedgerWrite[]): Promise<ClaimResult[]> {
    const claimed = new Set<number>();
    const taken: number[] = [];
    let pending = writes.map((_, index) => index);
    for (let attempt = 0; pending.length > 1 && attempt < TRANSACTION_ATTEMPTS; attempt++) {
      const next: number[] = [];
      for (let i = 0; i < pending.length; i += TRANSACTION_LIMIT) {
        const part = pending.slice(i, i + TRANSACTION_LIMIT);
        try {
          await this.db.send(
            new TransactWriteCommand({
              TransactItems: part.map((index) => ({ Put: this.ledgerPut(writes[index] as LedgerWrite) })),
            }),
          );
          for (const index of part) claimed.add(index);
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          for (const [k, index] of part.entries())
            (reasons[k]?.Code === 'ConditionalCheckFailed' ? taken : next).push(index);
        }
      }
      if (next.length > 0 && next.length === pending.length) await conflictBackoff(attempt);
      pending = next;
    }
    await Promise.all(
      pending.map(async (index) => {
        if (await this.putUnlessClaimed(writes[index] as LedgerWrite)) claimed.add(index);
        else taken.push(index);
      }),
    );
    const found =
      taken.length > 0
        ? await this.ledger(taken.map((index) => (writes[index] as LedgerWrite).ref))
        : new Map<string, LedgerEntry>();
    return writes.map((write, index): ClaimResult => {
      if (claimed.has(index)) return { claimed: true };
      const existing = found.get(encodeRef(write.ref)) ?? null;
      // A write whose answer was lost and that the SDK retried finds itself: it is ours.
      if ('claim' in write && existing?.state === 'sending' && existing.claimId === write.claim.claimId)
        return { claimed: true };
      return { claimed: false, existing };
    });
  }

  async finish(
    ref: LedgerRef,
    claimId: string,
    outcome: { state: 'sent'; messageId: string; at: Date } | { state: 'failed'; reason: string; at: Date },
  ): Promise<void> {
    const sent = outcome.state === 'sent';
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ledgerKey(ref),
        UpdateExpression: sent
          ? 'SET #state = :state, messageId = :detail, sentAt = :at'
          : 'SET #state = :state, reason = :detail, failedAt = :at',
        ConditionExpression: 'claimId = :claim AND #state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':state': outcome.state,
          ':detail': sent ? outcome.messageId : outcome.reason,
          ':at': outcome.at.toISOString(),
          ':claim': claimId,
          ':sending': 'sending',
        },
      }),
    );
  }

  async release(ref: LedgerRef, claimId: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...ledgerKey(ref), entity: 'send', ...ref, state: 'deferred', reason: 'released' },
          ConditionExpression: 'claimId = :claim AND #state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claim': claimId, ':sending': 'sending' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async markUnknown(ref: LedgerRef, claimedAt: string, at: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ledgerKey(ref),
          UpdateExpression: 'SET #state = :failed, reason = :reason, failedAt = :at',
          ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':reason': 'outcome-unknown',
            ':at': at.toISOString(),
            ':sending': 'sending',
            ':claimedAt': claimedAt,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async defer(ref: LedgerRef, claimId: string, until: Date, facts: Readonly<Record<string, unknown>>): Promise<void> {
    const dueRef = `${ref.entryId}#${ref.period}#${ref.channel}`;
    await transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: ledgerKey(ref),
          UpdateExpression: 'SET #state = :deferred, reason = :reason, heldUntil = :until',
          ConditionExpression: 'claimId = :claim AND #state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':deferred': 'deferred',
            ':reason': 'night-window',
            ':until': until.toISOString(),
            ':claim': claimId,
            ':sending': 'sending',
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: dueTouchpointItem({
            memberId: ref.memberId,
            kind: 'deferred',
            ref: dueRef,
            dueAt: until,
            fields: { entryId: ref.entryId, period: ref.period, channel: ref.channel, ...facts },
          }),
        },
      },
    ]);
  }

  /** SMS and post: the sender logs the advertising send from the list it read (a version lets e-mail's log see it). */
  async noteAdSend(memberId: string, recent: readonly string[], at: Date): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: 'SET adSends = :list, adSendsV = if_not_exists(adSendsV, :zero) + :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: {
            ':list': [...recent.slice(-AD_SEND_LOG), at.toISOString()],
            ':zero': 0,
            ':one': 1,
          },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async recordSend(
    ref: LedgerRef,
    sent: { readonly messageId: string; readonly at: string },
    options: { readonly logAdSend: boolean },
  ): Promise<LedgerEntry | null> {
    for (let attempt = 0; ; attempt++) {
      const items = await batchGetAll(this.db, this.tableName, [ledgerKey(ref), keys.member(ref.memberId)]);
      const ledgerItem = items.find((item) => item['SK'] === ledgerKey(ref).SK);
      const memberItem = items.find((item) => item['SK'] === keys.member(ref.memberId).SK);
      if (!ledgerItem) return null;
      const entry = withoutKeys<LedgerEntry & { advertising?: boolean; adLogged?: boolean }>(ledgerItem);
      if (entry.events?.['send']) return null;
      const hasEvents = typeof ledgerItem['events'] === 'object' && ledgerItem['events'] !== null;
      const logAd = options.logAdSend && entry.advertising === true && !entry.adLogged && memberItem !== undefined;
      const writes: NonNullable<TransactWriteCommandInput['TransactItems']> = [
        {
          Update: {
            TableName: this.tableName,
            Key: ledgerKey(ref),
            // The send is a fact whatever the claim says (a released or stale claim whose mail did go out).
            UpdateExpression: `SET ${hasEvents ? 'events.#send = :at' : 'events = :events'}, #state = :sent, messageId = if_not_exists(messageId, :mid), sentAt = if_not_exists(sentAt, :at)${logAd ? ', adLogged = :true' : ''} REMOVE reason`,
            ConditionExpression: hasEvents
              ? 'attribute_exists(events) AND attribute_not_exists(events.#send)'
              : 'attribute_exists(PK) AND attribute_not_exists(events)',
            ExpressionAttributeNames: { '#state': 'state', ...(hasEvents && { '#send': 'send' }) },
            ExpressionAttributeValues: {
              ':at': sent.at,
              ':sent': 'sent',
              ':mid': sent.messageId,
              ...(!hasEvents && { ':events': { send: sent.at } }),
              ...(logAd && { ':true': true }),
            },
          },
        },
      ];
      if (logAd) {
        const list = Array.isArray(memberItem['adSends']) ? (memberItem['adSends'] as string[]) : [];
        const version = typeof memberItem['adSendsV'] === 'number' ? memberItem['adSendsV'] : null;
        writes.push({
          Update: {
            TableName: this.tableName,
            Key: keys.member(ref.memberId),
            UpdateExpression: 'SET adSends = :list, adSendsV = :next',
            // Two sends logged at once: the second finds the version moved and reads the list again.
            ConditionExpression:
              version === null ? 'attribute_exists(PK) AND attribute_not_exists(adSendsV)' : 'adSendsV = :version',
            ExpressionAttributeValues: {
              ':list': [...list.slice(-AD_SEND_LOG), sent.at],
              ':next': (version ?? 0) + 1,
              ...(version !== null && { ':version': version }),
            },
          },
        });
      }
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: writes }));
        return entry;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return null;
        if (attempt >= TRANSACTION_ATTEMPTS) throw error;
        await conflictBackoff(attempt);
      }
    }
  }

  private counterUpdate(entryId: string, dims: CampaignDims, outcome: string, by = 1) {
    const names = [
      counterName('all', '-', outcome),
      counterName('tier', dims.tier, outcome),
      counterName('segment', dims.segment, outcome),
      ...(dims.variant
        ? [counterName('variant', dims.variant, outcome), counterName('pv', `${dims.period}/${dims.variant}`, outcome)]
        : []),
    ];
    return {
      TableName: this.tableName,
      Key: keys.campaignStats(entryId),
      UpdateExpression: `SET entity = :entity ADD ${names.map((_, i) => `#c${i} :one`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
      ExpressionAttributeValues: { ':one': by, ':entity': 'campaign-stats' },
    };
  }

  async count(entryId: string, dims: CampaignDims, outcome: string, by: number): Promise<void> {
    await this.db.send(new UpdateCommand(this.counterUpdate(entryId, dims, outcome, by)));
  }

  putDue(
    memberId: string,
    kind: string,
    ref: string,
    dueAt: Date,
    fields: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    return this.putDues([{ memberId, kind, ref, dueAt, fields }]);
  }

  async putDues(items: readonly DueItem[]): Promise<void> {
    await this.batchWrite(
      items.map((item) => ({
        PutRequest: {
          Item: dueTouchpointItem(item),
        },
      })),
    );
  }

  async dispatched(entryIds: readonly string[], hour: string): Promise<Set<string>> {
    const marks = await batchGetAll(
      this.db,
      this.tableName,
      entryIds.map((id) => keys.dispatchMarker(id, hour)),
    );
    return new Set(marks.map((mark) => String(mark['entryId'])));
  }

  async markDispatched(entryIds: readonly string[], hour: string): Promise<void> {
    await this.batchWrite(
      entryIds.map((entryId) => ({
        PutRequest: {
          Item: {
            ...keys.dispatchMarker(entryId, hour),
            entity: 'dispatch-marker',
            entryId,
            at: new Date().toISOString(),
            expiresAt: Math.floor(Date.now() / 1000) + 90 * 86_400,
          },
        },
      })),
    );
  }

  async decidePretest(entryId: string, period: string, winner: string, at: Date): Promise<string> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.pretestDecision(entryId, period),
            entity: 'pretest-decision',
            winner,
            decidedAt: at.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return winner;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: keys.pretestDecision(entryId, period), ConsistentRead: true }),
      );
      return String(Item?.['winner'] ?? winner);
    }
  }

  async pretestCounts(
    entryId: string,
    period: string,
    variants: readonly string[],
  ): Promise<Record<string, { sent: number; opened: number; clicked: number }>> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.campaignStats(entryId), ConsistentRead: true }),
    );
    const read = (variant: string, outcome: string) =>
      Number(Item?.[counterName('pv', `${period}/${variant}`, outcome)] ?? 0);
    return Object.fromEntries(
      variants.map((variant) => [
        variant,
        { sent: read(variant, 'sent'), opened: read(variant, 'opened'), clicked: read(variant, 'clicked') },
      ]),
    );
  }

  async recordEvent(ref: LedgerRef, type: string, at: string, counter: string | null): Promise<LedgerEntry | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: ledgerKey(ref), ConsistentRead: true }),
    );
    if (!Item) return null;
    const entry = withoutKeys<LedgerEntry>(Item);
    const items: NonNullable<Parameters<typeof transactUnlessCancelled>[1]> = [
      {
        Update: {
          TableName: this.tableName,
          Key: ledgerKey(ref),
          UpdateExpression: 'SET events.#type = :at',
          ConditionExpression: 'attribute_exists(events) AND attribute_not_exists(events.#type)',
          ExpressionAttributeNames: { '#type': type },
          ExpressionAttributeValues: { ':at': at },
        },
      },
    ];
    if (counter) {
      items.push({
        Update: this.counterUpdate(
          entry.entryId,
          {
            tier: entry.tier ?? '-',
            segment: entry.segment ?? 'occasional',
            period: entry.period,
            ...(entry.variant && { variant: entry.variant }),
          },
          counter,
        ),
      });
    }
    return (await transactUnlessCancelled(this.db, items)) ? entry : null;
  }

  async forgetEvent(ref: LedgerRef, type: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ledgerKey(ref),
        UpdateExpression: 'REMOVE events.#type',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#type': type },
      }),
    );
  }

  async suppress(email: string, reason: string, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.suppression(email), entity: 'suppression', reason, at },
      }),
    );
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.emailOwner(email.toLowerCase()) }),
    );
    const owner = typeof Item?.['memberId'] === 'string' ? Item['memberId'] : null;
    if (owner) await this.withdraw(owner, 'email', `ses-${reason}`, at);
  }

  async withdraw(memberId: string, channel: 'email' | 'sms' | 'post', source: string, at: string): Promise<boolean> {
    return transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression:
            'SET consents.#channel.#value = :false, consents.#channel.#at = :at, consents.#channel.#source = :source',
          ConditionExpression: '#status = :active AND consents.#channel.#value = :true',
          ExpressionAttributeNames: {
            '#channel': channel,
            '#value': 'value',
            '#at': 'at',
            '#source': 'source',
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ':false': false,
            ':true': true,
            ':at': at,
            ':source': source,
            ':active': 'active',
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.consentRecord(memberId, at, channel),
            entity: 'consent',
            memberId,
            channel,
            value: false,
            at,
            source,
          },
        },
      },
    ]);
  }
}
