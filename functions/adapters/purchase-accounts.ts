// Whose a purchase is, read from DynamoDB: a member by id (a batch's members prefetched in one BatchGetItem, or as
// this instance last wrote them), else
// the member owning the e-mail or phone, else a prospect kept against a hash of that contact; orders and refunds.
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Account, AccountReader, OrderRecord, Owner, OwnerRef, ProspectRef } from '#app/purchase-ports';
import { keys, withoutKeys } from './keys.ts';
import { type AccountItem, getItem, toAccount, WrittenAccounts } from './purchase-items.ts';

export class DynamoAccountReader implements AccountReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly written: WrittenAccounts = new WrittenAccounts(0),
  ) {}

  private readonly prefetched = new Map<string, AccountItem>();

  async prefetchMembers(memberIds: readonly string[]): Promise<void> {
    this.prefetched.clear();
    const unique: string[] = [];
    for (const memberId of new Set(memberIds)) {
      // Members this instance wrote last need no read (a stale one fails its conditional write, then is read).
      const known = this.written.take(memberId);
      if (known) this.prefetched.set(memberId, known);
      else if (unique.length < 100) unique.push(memberId);
    }
    if (unique.length < 2) return;
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [this.tableName]: { Keys: unique.map((memberId) => keys.member(memberId)), ConsistentRead: true },
    };
    for (let round = 0; request && round < 5; round++) {
      const result: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of result.Responses?.[this.tableName] ?? [])
        this.prefetched.set(String(item['memberId']), item as AccountItem);
      const rest = result.UnprocessedKeys?.[this.tableName];
      request = rest?.Keys?.length ? { [this.tableName]: { Keys: rest.Keys, ConsistentRead: true } } : undefined;
    }
  }

  forgetPrefetched(): void {
    this.prefetched.clear();
  }

  private async memberAccount(
    memberId: string,
    hops = 0,
    cameThrough?: Account['cameThrough'],
  ): Promise<Account | null> {
    // A prefetched item serves one purchase only; a conflict reloads through GetItem.
    const cached = this.prefetched.get(memberId) ?? this.written.take(memberId);
    this.prefetched.delete(memberId);
    const item = cached ?? ((await getItem(this.db, this.tableName, keys.member(memberId))) as AccountItem | undefined);
    if (!item || item.status === 'erased') return null;
    // A member merged into another: the survivor's account (its id keeps resolving, in old orders and partner calls).
    if (item.status === 'merged' && item.mergedInto && hops < 3)
      return this.memberAccount(
        item.mergedInto,
        hops + 1,
        cameThrough ?? (item.mergeId ? { mergeId: item.mergeId, memberId } : undefined),
      );
    const account = toAccount({ kind: 'member', memberId }, item);
    return cameThrough ? { ...account, cameThrough } : account;
  }

  async resolveAccount(query: {
    memberId?: string;
    email?: string;
    phone?: string;
    name?: string;
  }): Promise<Account | null> {
    if (query.memberId) {
      const account = await this.memberAccount(query.memberId);
      if (account) return account;
    }
    // Each contact's prospect under the current hash key first, then under the previous one (a rotation).
    const contacts: { ownerKey: { PK: string; SK: string }; prospectKeys: string[] }[] = [];
    if (query.email)
      contacts.push({ ownerKey: keys.emailOwner(query.email), prospectKeys: keys.prospectKeysByEmail(query.email) });
    if (query.phone)
      contacts.push({ ownerKey: keys.phoneOwner(query.phone), prospectKeys: keys.prospectKeysByPhone(query.phone) });
    for (const { ownerKey } of contacts) {
      // Only a verified contact is the member's: a purchase under an address someone enrolled with but never
      // verified stays with the buyer (a prospect) until the member proves the contact theirs.
      const owner = (await getItem(this.db, this.tableName, ownerKey)) as
        | { memberId?: string; verifiedAt?: string; mergedFrom?: string; mergeId?: string }
        | undefined;
      if (owner?.memberId && owner.verifiedAt)
        // A contact a merge moved to the survivor still says whose it was.
        return this.memberAccount(
          owner.memberId,
          0,
          owner.mergedFrom && owner.mergeId ? { mergeId: owner.mergeId, memberId: owner.mergedFrom } : undefined,
        );
    }
    const contact = {
      ...(query.email && { email: query.email }),
      ...(query.phone && { phone: query.phone }),
      ...(query.name && { name: query.name }),
    };
    for (const prospectKey of contacts.flatMap((contact) => contact.prospectKeys)) {
      const item = (await getItem(this.db, this.tableName, keys.prospect(prospectKey))) as AccountItem | undefined;
      if (item?.mergedInto) return this.memberAccount(item.mergedInto);
      if (item) return toAccount({ kind: 'prospect', ref: prospectKey, contact }, item);
    }
    // Nobody known: a new prospect, keyed by the first contact given (e-mail before phone).
    const first = contacts[0]?.prospectKeys[0];
    return first ? toAccount({ kind: 'prospect', ref: first, contact }, undefined) : null;
  }

  async accountOf(owner: OwnerRef): Promise<Account | null> {
    if (owner.kind === 'member') return this.memberAccount(owner.memberId);
    const item = (await getItem(this.db, this.tableName, keys.prospect(owner.ref))) as
      | (AccountItem & { contact?: Record<string, string> })
      | undefined;
    if (!item) return null;
    if (item.mergedInto) return this.memberAccount(item.mergedInto);
    return toAccount({ kind: 'prospect', ref: owner.ref, contact: item.contact ?? {} }, item);
  }

  prospectsOf(contacts: { email?: string; phone?: string }): ProspectRef[] {
    return [
      ...(contacts.email ? keys.prospectKeysByEmail(contacts.email) : []),
      ...(contacts.phone ? keys.prospectKeysByPhone(contacts.phone) : []),
    ];
  }

  async loadAccount(owner: Owner): Promise<Account> {
    if (owner.kind === 'member') return (await this.memberAccount(owner.memberId)) ?? toAccount(owner, undefined);
    return toAccount(
      owner,
      (await getItem(this.db, this.tableName, keys.prospect(owner.ref))) as AccountItem | undefined,
    );
  }

  async prospectAccount(prospectKey: string): Promise<Account | null> {
    const item = (await getItem(this.db, this.tableName, keys.prospect(prospectKey))) as
      | (AccountItem & { contact?: Record<string, string> })
      | undefined;
    if (!item || item.mergedInto) return null;
    return toAccount({ kind: 'prospect', ref: prospectKey, contact: item.contact ?? {} }, item);
  }

  async getOrder(channel: string, orderId: string): Promise<OrderRecord | null> {
    const item = await getItem(this.db, this.tableName, keys.order(channel, orderId));
    return item ? withoutKeys<OrderRecord>(item) : null;
  }

  async refundExists(channel: string, refundId: string): Promise<boolean> {
    return (await getItem(this.db, this.tableName, keys.refund(channel, refundId))) !== undefined;
  }
}
