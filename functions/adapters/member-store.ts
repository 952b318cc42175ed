// MemberStore on DynamoDB: uniqueness of e-mail and phone by conditional writes in one transaction.
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { ConsentRecord, Member } from '#schema/member';
import type { ConfirmEmailResult, CreateMemberResult, MemberStep, MemberStore } from '#app/ports';
import { monthDayOf, type DateField } from '#domain/calendar-due';
import { canonicalZone } from '#domain/local-time';
import { domainOf } from '#domain/waves';
import { dateIndex, datePartition, keys, nameIndex, populationIndex, withoutKeys } from './keys.ts';

export const MEMBER_DATE_FIELDS: readonly DateField[] = ['birthday', 'anniversary', 'enrolledAt'];

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

  async createMember(member: Member, consentHistory: readonly ConsentRecord[]): Promise<CreateMemberResult> {
    await this.recordZone(member.timeZone);
    const owners: { kind: 'email' | 'phone'; key: ReturnType<typeof keys.emailOwner> }[] = [];
    if (member.email) owners.push({ kind: 'email', key: keys.emailOwner(member.email) });
    if (member.phone) owners.push({ kind: 'phone', key: keys.phoneOwner(member.phone) });
    const mustNotExist = 'attribute_not_exists(PK)';
    const items = [
      ...owners.map((owner) => ({
        Put: {
          TableName: this.tableName,
          Item: { ...owner.key, entity: `${owner.kind}-owner`, memberId: member.memberId },
          ConditionExpression: mustNotExist,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      })),
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
          ConditionExpression: mustNotExist,
        },
      },
      ...consentHistory.map((record) => ({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.consentRecord(record.memberId, record.at, record.channel), entity: 'consent', ...record },
        },
      })),
      ...memberDateItems(member).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
    ];

    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { created: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // The owner items come first, so reasons[i] belongs to owners[i].
        for (const [index] of owners.entries()) {
          const reason = reasons[index];
          const existing = reason?.Item?.['memberId'];
          if (reason?.Code === 'ConditionalCheckFailed' && existing && 'S' in existing && existing.S) {
            return { created: false, existingMemberId: existing.S };
          }
        }
        const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (!conflicted || attempt >= MAX_CONFLICT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt + Math.random() * 20));
      }
    }
  }

  async getMember(memberId: string): Promise<Member | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.member(memberId), ConsistentRead: true }),
    );
    return Item ? withoutKeys<Member>(Item) : null;
  }

  async claimStep(memberId: string, step: MemberStep, now: Date, staleBefore: Date, once: boolean): Promise<boolean> {
    const free = once
      ? '(attribute_not_exists(steps.#step) OR (attribute_not_exists(steps.#step.doneAt) AND steps.#step.claimedAt < :stale))'
      : '(attribute_not_exists(steps.#step) OR steps.#step.claimedAt < :stale)';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.member(memberId),
          UpdateExpression: 'SET steps.#step = :claim',
          ConditionExpression: `attribute_exists(PK) AND ${free}`,
          ExpressionAttributeNames: { '#step': step },
          ExpressionAttributeValues: {
            ':claim': { claimedAt: now.toISOString() },
            ':stale': staleBefore.toISOString(),
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

  async confirmEmail(memberId: string, email: string, record: ConsentRecord): Promise<ConfirmEmailResult> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.member(memberId),
                UpdateExpression: 'SET consents.email.confirmedAt = :at',
                ConditionExpression:
                  '#status = :active AND email = :email AND consents.email.#value = :true AND attribute_not_exists(consents.email.confirmedAt)',
                ExpressionAttributeNames: { '#status': 'status', '#value': 'value' },
                ExpressionAttributeValues: { ':at': record.at, ':active': 'active', ':email': email, ':true': true },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.consentRecord(memberId, record.at, record.channel), entity: 'consent', ...record },
              },
            },
          ],
        }),
      );
      return 'confirmed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const member = await this.getMember(memberId);
      if (member?.email === email && member.consents.email.confirmedAt) return 'already-confirmed';
      if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) throw error;
      return 'not-pending';
    }
  }
}
