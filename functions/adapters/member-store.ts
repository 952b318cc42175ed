// MemberStore on DynamoDB: uniqueness of e-mail and phone by conditional writes in one transaction.
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { ConsentRecord, Member } from '#schema/member';
import type { CreateMemberResult, MemberStep, MemberStore, VerifyResult } from '#app/ports';
import { conflictBackoff } from './transactions.ts';
import { monthDayOf, type DateField } from '#domain/calendar-due';
import { canonicalZone } from '#domain/local-time';
import { domainOf } from '#domain/waves';
import { dateIndex, dueIndex, datePartition, type Key, keys, nameIndex, populationIndex, withoutKeys } from './keys.ts';
import { transactUnlessCancelled } from './transactions.ts';

interface OwnerItem {
  readonly memberId: string;
  readonly verifiedAt?: string;
}

/** The same person enrolling again before verifying: same name, same e-mail, same phone. */
function sameEnrollment(earlier: Member, now: Member): boolean {
  return earlier.name === now.name && earlier.email === now.email && earlier.phone === now.phone;
}

export const MEMBER_DATE_FIELDS: readonly DateField[] = ['birthday', 'anniversary', 'enrolledAt'];

/** What a member may change of their own profile. */
const PROFILE_FIELDS = ['name', 'birthday', 'anniversary', 'postalAddress', 'locale', 'timeZone'] as const;

/**
 * The GSI2 items that put a member in the date audiences (birthday, anniversary, enrollment day): partition by
 * MM-DD and the member's own zone, sorted by enrollment time; they carry only what waves need (the mail domain).
 */
export function memberDateItems(member: Member): Record<string, unknown>[] {
  const zone = canonicalZone(member.timeZone);
  const domain = domainOf(member.email);
  const items: Record<string, unknown>[] = [];
  for (const field of MEMBER_DATE_FIELDS) {
    const value = member[field];
    if (!value) continue;
    const monthDay = monthDayOf(field, value, zone);
    if (!monthDay) continue;
    items.push({
      ...keys.memberDate(member.memberId, field),
      ...dateIndex(datePartition(field, monthDay, zone), member.enrolledAt, member.memberId),
      entity: 'member-date',
      memberId: member.memberId,
      ...(domain && { domain }),
    });
  }
  return items;
}

const MAX_CONFLICT_RETRIES = 5;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Zones this container already recorded as in use (the record is idempotent; this only saves the write). */
const recordedZones = new Set<string>();

export class DynamoMemberStore implements MemberStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records the member's zone among those in use, before the member exists: the dispatcher reads member dates only
   * in recorded zones, so a zone is never missing for a member (an unused one left over by a failed enrollment
   * costs one empty query an hour).
   */
  private async recordZone(timeZone: string): Promise<void> {
    const zone = canonicalZone(timeZone);
    if (recordedZones.has(`${this.tableName}/${zone}`)) return;
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.memberZone(zone), entity: 'zone' } }),
    );
    recordedZones.add(`${this.tableName}/${zone}`);
  }

  /**
   * Creates the member with its e-mail and phone ownership records, consent history and date items in one
   * transaction. A contact whose owner is verified belongs to that member (the result names it). A contact whose
   * owner is not verified blocks nobody: the same enrollment again (same name and contacts) is that member again;
   * anyone else takes the contact over, and the earlier member loses it (only a link sent to the contact can verify
   * it, so whoever follows it owns it).
   */
  async createMember(member: Member, consentHistory: readonly ConsentRecord[]): Promise<CreateMemberResult> {
    await this.recordZone(member.timeZone);
    const contacts: { field: 'email' | 'phone'; key: Key }[] = [];
    if (member.email) contacts.push({ field: 'email', key: keys.emailOwner(member.email) });
    if (member.phone) contacts.push({ field: 'phone', key: keys.phoneOwner(member.phone) });

    for (let attempt = 0; ; attempt++) {
      const owners = await Promise.all(
        contacts.map(async (contact) => {
          const { Item } = await this.db.send(
            new GetCommand({ TableName: this.tableName, Key: contact.key, ConsistentRead: true }),
          );
          return Item as OwnerItem | undefined;
        }),
      );
      const verified = owners.find((owner) => owner?.verifiedAt !== undefined);
      if (verified) return { created: false, existingMemberId: verified.memberId };
      const holders = [...new Set(owners.flatMap((owner) => (owner ? [owner.memberId] : [])))];
      for (const holder of holders) {
        const earlier = await this.getMember(holder);
        if (earlier && sameEnrollment(earlier, member)) return { created: false, existingMemberId: holder };
      }
      const items = [
        ...contacts.map((contact, index) => {
          const owner = owners[index];
          return {
            Put: {
              TableName: this.tableName,
              Item: { ...contact.key, entity: `${contact.field}-owner`, memberId: member.memberId },
              ...(owner
                ? {
                    ConditionExpression: 'memberId = :holder AND attribute_not_exists(verifiedAt)',
                    ExpressionAttributeValues: { ':holder': owner.memberId },
                  }
                : { ConditionExpression: 'attribute_not_exists(PK)' }),
            },
          };
        }),
        // The earlier, unverified holder of a contact loses it: its links for it no longer match.
        ...contacts.flatMap((contact, index) => {
          const owner = owners[index];
          if (!owner) return [];
          const verifiedField = contact.field === 'email' ? 'emailVerifiedAt' : 'phoneVerifiedAt';
          return [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.member(owner.memberId),
                UpdateExpression: `REMOVE ${contact.field}`,
                ConditionExpression: `attribute_not_exists(${verifiedField})`,
              },
            },
          ];
        }),
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.member(member.memberId),
              ...nameIndex(member.name, member.memberId),
              ...populationIndex(member.memberId),
              entity: 'member',
              ...member,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...consentHistory.map((record) => this.consentPut(record)),
        ...memberDateItems(member).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
      ];
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { created: true };
      } catch (error) {
        // A concurrent enrollment or verification changed an owner since it was read: read again.
        if (!(error instanceof TransactionCanceledException) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        await conflictBackoff(attempt);
      }
    }
  }

  /**
   * The member's own profile changes in one transaction: the fields (removed when no longer given), the name index,
   * and the date items of the audiences — re-put for every date field the member now has (the zone may have moved
   * them), deleted for one they no longer have. False when the member is no longer active.
   */
  async updateProfile(before: Member, after: Member, at: string): Promise<boolean> {
    await this.recordZone(after.timeZone);
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':active': 'active' };
    for (const field of PROFILE_FIELDS) {
      const next = after[field];
      if (JSON.stringify(next) === JSON.stringify(before[field])) continue;
      names[`#${field}`] = field;
      if (next === undefined) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = next;
      }
    }
    if (after.name !== before.name) {
      const index = nameIndex(after.name, after.memberId);
      set.push('GSI1PK = :namePk', 'GSI1SK = :nameSk');
      values[':namePk'] = index.GSI1PK;
      values[':nameSk'] = index.GSI1SK;
    }
    if (after.birthday !== before.birthday) {
      set.push('birthdayChangedAt = :at');
      values[':at'] = at;
    }
    if (set.length === 0 && remove.length === 0) return true;
    const dates = memberDateItems(after);
    const kept = new Set(dates.map((item) => String(item['SK'])));
    return transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(after.memberId),
          UpdateExpression: `${set.length ? `SET ${set.join(', ')}` : ''}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...dates.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
      ...MEMBER_DATE_FIELDS.map((field) => keys.memberDate(after.memberId, field))
        .filter((key) => !kept.has(key.SK))
        .map((Key) => ({ Delete: { TableName: this.tableName, Key } })),
    ]);
  }

  /** Keeps the new contact a member asked for until its link is followed (a newer request replaces it). */
  async requestContact(memberId: string, pending: NonNullable<Member['pendingContact']>): Promise<boolean> {
    return transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: 'SET pendingContact = :pending',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': pending, ':active': 'active' },
        },
      },
    ]);
  }

  /**
   * The verified new contact replaces the old one in one transaction: the member (verified at once, the old value
   * kept for its notice), the new ownership record (free, this member's, or an unverified enrollment's), the old one
   * gone, the date items (their mail domain). False when the member, the pending contact or the new record moved.
   */
  async replaceContact(before: Member, at: string): Promise<boolean> {
    const pending = before.pendingContact;
    if (!pending) return false;
    const field = pending.channel === 'email' ? 'email' : 'phone';
    const verified = field === 'email' ? 'emailVerifiedAt' : 'phoneVerifiedAt';
    const old = before[field];
    const after: Member = { ...before, [field]: pending.value, [verified]: at };
    const ownerOf = (value: string) => (field === 'email' ? keys.emailOwner(value) : keys.phoneOwner(value));
    return transactUnlessCancelled(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(before.memberId),
          UpdateExpression: `SET #field = :value, #verified = :at${old ? ', replacedContact = :old' : ''} REMOVE pendingContact`,
          ConditionExpression: '#status = :active AND pendingContact.#value = :value',
          ExpressionAttributeNames: { '#field': field, '#verified': verified, '#status': 'status', '#value': 'value' },
          ExpressionAttributeValues: {
            ':value': pending.value,
            ':at': at,
            ':active': 'active',
            ...(old && { ':old': { channel: pending.channel, value: old } }),
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...ownerOf(pending.value), entity: `${field}-owner`, memberId: before.memberId, verifiedAt: at },
          ConditionExpression: 'attribute_not_exists(PK) OR memberId = :me OR attribute_not_exists(verifiedAt)',
          ExpressionAttributeValues: { ':me': before.memberId },
        },
      },
      ...(old && old !== pending.value
        ? [
            {
              Delete: {
                TableName: this.tableName,
                Key: ownerOf(old),
                ConditionExpression: 'memberId = :me',
                ExpressionAttributeValues: { ':me': before.memberId },
              },
            },
          ]
        : []),
      ...memberDateItems(after).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
    ]);
  }

  /** The notice to a replaced contact went: the old value is forgotten. */
  async forgetReplacedContact(memberId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.member(memberId),
        UpdateExpression: 'REMOVE replacedContact',
      }),
    );
  }

  async getMember(memberId: string): Promise<Member | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.member(memberId), ConsistentRead: true }),
    );
    return Item ? withoutKeys<Member>(Item) : null;
  }

  async claimStep(
    memberId: string,
    step: MemberStep,
    now: Date,
    staleBefore: Date,
    once: boolean,
    abandonedBefore?: Date,
  ): Promise<boolean> {
    const free = once
      ? 'attribute_not_exists(steps.#step) OR (attribute_not_exists(steps.#step.doneAt) AND steps.#step.claimedAt < :stale)'
      : 'attribute_not_exists(steps.#step) OR steps.#step.claimedAt < :stale';
    const abandoned = abandonedBefore
      ? ' OR (attribute_not_exists(steps.#step.doneAt) AND steps.#step.claimedAt < :abandoned)'
      : '';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: 'SET steps.#step = :claim',
          ConditionExpression: `attribute_exists(PK) AND (${free}${abandoned})`,
          ExpressionAttributeNames: { '#step': step },
          ExpressionAttributeValues: {
            ':claim': { claimedAt: now.toISOString() },
            ':stale': staleBefore.toISOString(),
            ...(abandonedBefore && { ':abandoned': abandonedBefore.toISOString() }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async completeStep(memberId: string, step: MemberStep, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.member(memberId),
        UpdateExpression: 'SET steps.#step.doneAt = :now',
        ConditionExpression: 'attribute_exists(steps.#step)',
        ExpressionAttributeNames: { '#step': step },
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }

  async releaseStep(memberId: string, step: MemberStep, claimedAt: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: 'REMOVE steps.#step',
          ConditionExpression: 'steps.#step.claimedAt = :claimedAt AND attribute_not_exists(steps.#step.doneAt)',
          ExpressionAttributeNames: { '#step': step },
          ExpressionAttributeValues: { ':claimedAt': claimedAt.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async confirmEmail(
    memberId: string,
    email: string,
    at: string,
    consent: ConsentRecord | null,
  ): Promise<VerifyResult> {
    const result = await this.verifyContact(memberId, 'email', email, at, consent);
    if (result !== 'already-confirmed' || !consent) return result;
    // The address was verified before: this link confirms a consent given again on the member's page (double
    // opt-in once more), if it still waits for it.
    return this.verify(
      memberId,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.member(memberId),
            UpdateExpression: 'SET consents.email.confirmedAt = :at',
            ConditionExpression:
              '#status = :active AND email = :email AND consents.email.#value = :true AND attribute_not_exists(consents.email.confirmedAt)',
            ExpressionAttributeNames: { '#status': 'status', '#value': 'value' },
            ExpressionAttributeValues: { ':at': at, ':active': 'active', ':email': email, ':true': true },
          },
        },
        this.consentPut(consent),
      ],
      (after) => after.email === email && after.consents.email.confirmedAt !== undefined,
    );
  }

  async confirmGuardian(memberId: string, guardianPhone: string, record: ConsentRecord): Promise<VerifyResult> {
    const member = {
      Update: {
        TableName: this.tableName,
        Key: keys.member(memberId),
        UpdateExpression: 'SET #status = :active, guardianConsent = :true, guardianConfirmedAt = :at',
        ConditionExpression: '#status = :pending AND guardian.phone = :phone',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':active': 'active',
          ':pending': 'pending',
          ':true': true,
          ':at': record.at,
          ':phone': guardianPhone,
        },
      },
    };
    return this.verify(
      memberId,
      [member, this.consentPut(record)],
      (after) => after.guardian?.phone === guardianPhone && after.guardianConfirmedAt !== undefined,
    );
  }

  async verifyPhone(memberId: string, phone: string, at: string, welcomeBySms = false): Promise<VerifyResult> {
    return this.verifyContact(memberId, 'phone', phone, at, null, welcomeBySms);
  }

  /**
   * Marks a contact verified on the member and on its ownership record, if the member still has it and still owns
   * it (an enrollment by someone else may have taken an unverified contact over); e-mail consent is confirmed with it.
   */
  private async verifyContact(
    memberId: string,
    field: 'email' | 'phone',
    value: string,
    at: string,
    consent: ConsentRecord | null,
    welcomeBySms = false,
  ): Promise<VerifyResult> {
    const verifiedField = field === 'email' ? 'emailVerifiedAt' : 'phoneVerifiedAt';
    const set = [`${verifiedField} = :at`, ...(consent ? ['consents.email.confirmedAt = :at'] : [])];
    return this.verify(
      memberId,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.member(memberId),
            UpdateExpression: `SET ${set.join(', ')}`,
            ConditionExpression: `#status = :active AND #field = :value AND attribute_not_exists(${verifiedField})`,
            ExpressionAttributeNames: { '#status': 'status', '#field': field },
            ExpressionAttributeValues: { ':at': at, ':active': 'active', ':value': value },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: field === 'email' ? keys.emailOwner(value) : keys.phoneOwner(value),
            UpdateExpression: 'SET verifiedAt = :at',
            ConditionExpression: 'memberId = :memberId',
            ExpressionAttributeValues: { ':at': at, ':memberId': memberId },
          },
        },
        ...(consent ? [this.consentPut(consent)] : []),
        // The welcome, due now by SMS: the hourly dispatcher sends the calendar's welcome entry on that channel.
        ...(welcomeBySms
          ? [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...keys.dueTouchpoint(memberId, 'welcome', 'once'),
                    ...dueIndex('welcome', at, memberId),
                    entity: 'due-touchpoint',
                    memberId,
                    kind: 'welcome',
                    dueAt: at,
                    channels: ['sms'],
                  },
                },
              },
            ]
          : []),
      ],
      (after) => after[field] === value && after[verifiedField] !== undefined,
    );
  }

  /**
   * A verification's writes in one transaction: `confirmed` when written; when a condition refused them, the member as
   * it is now says whether an earlier run already verified (`already-confirmed`) or nothing waits (`not-pending`).
   */
  private async verify(
    memberId: string,
    items: NonNullable<TransactWriteCommandInput['TransactItems']>,
    done: (member: Member) => boolean,
  ): Promise<VerifyResult> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'confirmed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const member = await this.getMember(memberId);
      if (member && done(member)) return 'already-confirmed';
      if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) throw error;
      return 'not-pending';
    }
  }

  private consentPut(record: ConsentRecord) {
    return consentPut(this.tableName, record);
  }
}

/** One line of the consent history, as a transaction's put (enrollment, the member's page, an unsubscribe). */
export function consentPut(tableName: string, record: ConsentRecord) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.consentRecord(record.memberId, record.at, record.channel), entity: 'consent', ...record },
    },
  };
}
