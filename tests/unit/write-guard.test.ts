// The local stack's least-privilege guard: the partitions a write touches, and whether the handler owns them — the
// same rule as the IAM LeadingKeys conditions of the stack, so a missing grant fails locally first.
import { describe, expect, it } from 'vitest';
import { refusal, writtenPartitions } from '#infra/local/write-guard';
import { handlers } from '#infra/topology';

describe('local write guard', () => {
  it('finds the partition keys of every kind of write, marshalled or not', () => {
    expect(writtenPartitions({ Item: { PK: 'MEMBER#1', SK: 'PROFILE' } })).toEqual(['MEMBER#1']);
    expect(writtenPartitions({ Key: { PK: { S: 'ORDER#a' } }, UpdateExpression: 'SET a = :a' })).toEqual(['ORDER#a']);
    expect(writtenPartitions({ Key: { PK: 'MEMBER#1' } })).toEqual([]);
    expect(
      writtenPartitions({
        RequestItems: { t: [{ PutRequest: { Item: { PK: 'A#1' } } }, { DeleteRequest: { Key: { PK: 'B#2' } } }] },
      }),
    ).toEqual(['A#1', 'B#2']);
    expect(
      writtenPartitions({
        TransactItems: [{ Put: { Item: { PK: 'C' } } }, { ConditionCheck: { Key: { PK: 'D#' } } }],
      }),
    ).toEqual(['C', 'D#']);
  });

  it('lets a handler write only the partitions it owns; readers only their access records', () => {
    expect(refusal('enroll-member', ['MEMBER#1', 'EMAIL#a@b.test', 'ZONES'])).toBeNull();
    expect(refusal('enroll-member', ['ORDER#web#1'])).toMatch(/may not write ORDER#web#1/);
    expect(refusal('admin-get-member', ['AUDIT#2027-01'])).toBeNull();
    expect(refusal('admin-get-member', ['MEMBER#1'])).toMatch(/may not write/);
    expect(refusal('admin-get-tiers', ['AUDIT#2027-01'])).toMatch(/owns nothing/);
  });

  it('names the partitions of every writing handler, and none for the others', () => {
    for (const spec of handlers) {
      if (spec.capabilities.includes('tableWrite')) expect(spec.writes?.length, spec.name).toBeGreaterThan(0);
      else expect(spec.writes, spec.name).toBeUndefined();
    }
  });
});
