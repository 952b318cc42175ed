// Members' sessions on DynamoDB: `SESSION#<id>` (random, the cookie's value) with the member, the page's CSRF token
// and a sliding idle expiry; `SIGNIN#<link id>` marks a sign-in link used. Both carry the table's TTL (`expiresAt`),
// so nothing lingers.
import { randomBytes } from 'node:crypto';
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MemberSession, SessionStore } from '#app/member-page';
import { keys } from './keys.ts';

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async open(memberId: string, linkId: string, linkExpires: Date, now: Date, idleMs: number) {
    const session: MemberSession = {
      id: randomBytes(24).toString('base64url'),
      memberId,
      csrf: randomBytes(24).toString('base64url'),
      idleUntil: new Date(now.getTime() + idleMs).toISOString(),
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.usedSignIn(linkId),
                  entity: 'used-sign-in',
                  usedAt: now.toISOString(),
                  // The table's TTL: gone a day after the link would have expired anyway.
                  expiresAt: seconds(linkExpires) + 86_400,
                },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.session(session.id),
                  entity: 'session',
                  ...session,
                  createdAt: now.toISOString(),
                  expiresAt: seconds(new Date(session.idleUntil)) + 3_600,
                },
              },
            },
          ],
        }),
      );
      return session;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return 'used' as const;
      throw error;
    }
  }

  async touch(id: string, now: Date, idleMs: number): Promise<MemberSession | null> {
    if (!/^[\w-]{16,64}$/.test(id)) return null;
    const idleUntil = new Date(now.getTime() + idleMs).toISOString();
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.session(id),
          // Idle expiry slides on each use; an expired or ended session stays so.
          UpdateExpression: 'SET idleUntil = :idle, expiresAt = :ttl',
          ConditionExpression: 'attribute_exists(PK) AND idleUntil > :now',
          ExpressionAttributeValues: {
            ':idle': idleUntil,
            ':ttl': seconds(new Date(idleUntil)) + 3_600,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) return null;
      return { id, memberId: String(Attributes['memberId']), csrf: String(Attributes['csrf']), idleUntil };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  async end(id: string): Promise<void> {
    if (!/^[\w-]{16,64}$/.test(id)) return;
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.session(id) }));
  }
}
