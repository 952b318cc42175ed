// The send ledger on DynamoDB: one item per (member, entry, period, channel) claimed by conditional put before any
// SES or SNS call — a job's claims in one transaction — and every later SES event recorded on it once, with the
// campaign counters, suppression and consent withdrawal in the same write.
import { followMerges } from '#domain/member-merge';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, EngagementStore, LedgerEntry, LedgerRef, LedgerWrite, SendLedger } from '#app/sending-ports';
import { encodeRef, followUpStep } from '#app/sending-ports';
import { DEFAULT_ATTRIBUTION_DAYS, laterTouch, type Touch } from '#domain/attribution';
import { keys, withoutKeys } from './keys.ts';
import { consentPut } from './member-store.ts';
import {
  AD_SEND_LOG,
  batchGetAll,
  counterUpdate,
  dueTouchpointItem,
  isConditionFailure,
  ledgerKey,
  TRANSACTION_ATTEMPTS,
  TRANSACTION_LIMIT,
} from './send-items.ts';
import { conflictBackoff, transactUnlessCancelled } from './transactions.ts';

/** The touch a sent ledger entry makes: its entry, period, facts and the entry's attribution window. */
function touchOf(entry: LedgerEntry, ref: LedgerRef, at: string): Touch {
  const step = followUpStep(ref.channel);
  return {
    entryId: entry.entryId,
    period: entry.period,
    at,
    days: entry.attributionDays ?? DEFAULT_ATTRIBUTION_DAYS,
    tier: entry.tier ?? '-',
    segment: entry.segment ?? 'occasional',
    ...(entry.variant && { variant: entry.variant }),
    ...(step > 0 && { step }),
  };
}

export class DynamoSendLedger implements SendLedger, EngagementStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  /**
   * SMS, post and holdouts: the member's last touch (and the advertising send on the frequency-cap log, from the list
   * the sender read; a version lets e-mail's log see it). `aggVersion` moves too, so that a purchase writer holding
   * the member's account as it last wrote it (purchase-items.ts WrittenAccounts) reads the touch before its next write.
   */
  async noteTouch(
    memberId: string,
    touch: Touch,
    adSends?: { readonly recent: readonly string[]; readonly at: Date },
  ): Promise<void> {
    const set = ['lastTouch = :touch', 'aggVersion = if_not_exists(aggVersion, :zero) + :one'];
    if (adSends) set.push('adSends = :list', 'adSendsV = if_not_exists(adSendsV, :zero) + :one');
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: {
            ':touch': touch,
            ':zero': 0,
            ':one': 1,
            ...(adSends && { ':list': [...adSends.recent.slice(-AD_SEND_LOG), adSends.at.toISOString()] }),
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
      // The member's last touch (for attributing purchases), unless a later one is already there.
      // Dated when the sender claimed it (its clock, as a holdout's touch is), not when SES's event came back.
      const touch = memberItem ? touchOf(entry, ref, entry.claimedAt ?? sent.at) : null;
      const current = memberItem?.['lastTouch'] as Touch | undefined;
      const newerTouch = touch !== null && laterTouch(current, touch) === touch;
      if (memberItem && (logAd || newerTouch)) {
        const list = Array.isArray(memberItem['adSends']) ? (memberItem['adSends'] as string[]) : [];
        const version = typeof memberItem['adSendsV'] === 'number' ? memberItem['adSendsV'] : null;
        const set = ['adSendsV = :next', 'aggVersion = if_not_exists(aggVersion, :zero) + :one'];
        if (logAd) set.push('adSends = :list');
        if (newerTouch) set.push('lastTouch = :touch');
        writes.push({
          Update: {
            TableName: this.tableName,
            Key: keys.member(ref.memberId),
            UpdateExpression: `SET ${set.join(', ')}`,
            // Two sends logged at once: the second finds the version moved and reads the list again.
            ConditionExpression:
              version === null ? 'attribute_exists(PK) AND attribute_not_exists(adSendsV)' : 'adSendsV = :version',
            ExpressionAttributeValues: {
              ':next': (version ?? 0) + 1,
              ':zero': 0,
              ':one': 1,
              ...(logAd && { ':list': [...list.slice(-AD_SEND_LOG), sent.at] }),
              ...(newerTouch && { ':touch': touch }),
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
        Update: counterUpdate(
          this.tableName,
          entry.entryId,
          {
            tier: entry.tier ?? '-',
            segment: entry.segment ?? 'occasional',
            period: entry.period,
            step: followUpStep(ref.channel),
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

  async withdraw(asked: string, channel: 'email' | 'sms' | 'post', source: string, at: string): Promise<boolean> {
    // A link in an old mail of a member merged since withdraws the survivor's consent: that is who gets the mail now.
    const { memberId } = await followMerges(asked, async (id) => {
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.member(id),
          ProjectionExpression: '#status, mergedInto',
          ExpressionAttributeNames: { '#status': 'status' },
          ConsistentRead: true,
        }),
      );
      return Item;
    });
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
      consentPut(this.tableName, { memberId, channel, value: false, at, source }),
    ]);
  }
}
