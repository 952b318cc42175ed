// Identity evidence on DynamoDB: the first member to leave a piece of evidence holds its item (`IDENT#<kind>#<hash>`,
// never the value in clear); a later member with the same evidence makes a candidate pair under `CANDIDATES`. Reads
// and writes are batched, so an import chunk notes its 500 members in a few calls.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CandidatePair, IdentityIndex } from '#app/identity-candidates';
import { type EvidenceKind, evidenceOf } from '#domain/identity-evidence';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type Key, keys } from './keys.ts';
import { batchGetAll, batchWrite } from './send-items.ts';

const keyText = (key: { PK: unknown; SK: unknown }) => `${String(key.PK)}|${String(key.SK)}`;

/** The evidence items a member holds when first to leave them. */
export function evidenceItems(member: {
  memberId: string;
  name: string;
  birthday?: string;
  email?: string;
  phone?: string;
}): Record<string, unknown>[] {
  return evidenceOf(member).map((evidence) => ({
    ...keys.identityEvidence(evidence.kind, evidence.value),
    entity: 'identity-evidence',
    memberId: member.memberId,
  }));
}

export class DynamoIdentityIndex implements IdentityIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async note(
    members: readonly { memberId: string; name: string; birthday?: string; email?: string; phone?: string }[],
    at: string,
  ): Promise<number> {
    const entries = members.flatMap((member) =>
      evidenceOf(member).map((evidence) => ({
        memberId: member.memberId,
        kind: evidence.kind,
        key: keys.identityEvidence(evidence.kind, evidence.value),
      })),
    );
    if (entries.length === 0) return 0;
    const unique = [...new Map(entries.map((entry) => [keyText(entry.key), entry.key])).values()];
    const stored = await batchGetAll(this.db, this.tableName, unique, ['PK', 'SK', 'memberId']);
    const holder = new Map(stored.map((item) => [keyText(item as Key), String(item['memberId'])]));
    const writes: Record<string, unknown>[] = [];
    const pairs = new Map<string, { a: string; b: string; reasons: Set<EvidenceKind> }>();
    for (const entry of entries) {
      const first = holder.get(keyText(entry.key));
      if (first === undefined) {
        holder.set(keyText(entry.key), entry.memberId);
        writes.push({ PutRequest: { Item: { ...entry.key, entity: 'identity-evidence', memberId: entry.memberId } } });
      } else if (first !== entry.memberId) {
        const key = keys.identityCandidate(first, entry.memberId);
        const [a = '', b = ''] = key.SK.split('#');
        const pair = pairs.get(key.SK) ?? { a, b, reasons: new Set<EvidenceKind>() };
        pair.reasons.add(entry.kind);
        pairs.set(key.SK, pair);
      }
    }
    for (const pair of pairs.values())
      writes.push({
        PutRequest: {
          Item: {
            ...keys.identityCandidate(pair.a, pair.b),
            entity: 'identity-candidate',
            a: pair.a,
            b: pair.b,
            reasons: [...pair.reasons].sort(),
            at,
          },
        },
      });
    await batchWrite(this.db, this.tableName, writes);
    return pairs.size;
  }

  async candidates(limit: number, cursor?: string): Promise<{ pairs: CandidatePair[]; next?: string }> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.identityCandidates.PK },
        Limit: limit,
        ...(cursor && { ExclusiveStartKey: decodeCursor(cursor) }),
      }),
    );
    return {
      pairs: (result.Items ?? []).map((item) => ({
        a: String(item['a']),
        b: String(item['b']),
        reasons: (item['reasons'] as EvidenceKind[]) ?? [],
        at: String(item['at'] ?? ''),
      })),
      ...(result.LastEvaluatedKey && { next: encodeCursor(result.LastEvaluatedKey) }),
    };
  }
}
