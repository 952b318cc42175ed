// The audit log: one item per admin write, in the same transaction as the write (who, when, what, versions).
import { randomUUID } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditPage, AuditReader } from '#app/ports';
import { keys } from './keys.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export type { AuditEntry };

export function auditItem(entry: AuditEntry): Record<string, unknown> {
  return { ...keys.auditEntry(entry.at, randomUUID()), entity: 'audit', ...entry };
}

/** Audit entries are only ever added: a put never replaces one (IAM denies updates and deletes of `AUDIT#` items). */
export const AUDIT_PUT_CONDITION = 'attribute_not_exists(PK)';

export class DynamoAuditLog implements AuditReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  read(month: string, limit: number, cursor?: string): Promise<AuditPage> {
    return readAudit(this.db, this.tableName, month, limit, cursor);
  }
}

async function readAudit(db: DynamoDBDocumentClient, tableName: string, month: string, limit: number, cursor?: string) {
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditMonth(month) },
      ScanIndexForward: false,
      Limit: limit,
      ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
    }),
  );
  const next = encodeCursor(result.LastEvaluatedKey);
  const items = (result.Items ?? []).map(
    ({ PK: _pk, SK: _sk, entity: _e, ...entry }) => entry as unknown as AuditEntry,
  );
  return { items, ...(next && { next }) };
}
