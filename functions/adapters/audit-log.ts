// The audit log: one item per admin write, in the same transaction as the write (who, when, what, versions).
import { randomUUID } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeCursor } from './member-directory.ts';

export interface AuditEntry {
  readonly who: string;
  readonly action: string;
  readonly target: string;
  readonly beforeVersion: number | null;
  readonly afterVersion: number | null;
  readonly at: string;
}

export function auditItem(entry: AuditEntry): Record<string, unknown> {
  return { PK: `AUDIT#${entry.at.slice(0, 7)}`, SK: `${entry.at}#${randomUUID()}`, entity: 'audit', ...entry };
}

export async function readAudit(db: DynamoDBDocumentClient, tableName: string, month: string, limit: number, cursor?: string) {
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${month}` },
      ScanIndexForward: false,
      Limit: limit,
      ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
    }),
  );
  const next = result.LastEvaluatedKey ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url') : undefined;
  const items = (result.Items ?? []).map(({ PK: _pk, SK: _sk, entity: _e, ...entry }) => entry as unknown as AuditEntry);
  return { items, ...(next && { next }) };
}
