// The send ledger on DynamoDB Local: a job's claims in one transaction, claims that someone else holds found and
// returned, two senders claiming the same recipients at once each getting a disjoint part, and a send recorded once.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoSendStore, ledgerKey } from '#adapters/send-store';
import type { LedgerRef, LedgerWrite } from '#app/sending-ports';
import { eventually } from './helpers.ts';
import { mailableMember, oneOffEmailEntry } from '../support/mail-fixtures.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('send-ledger', () => {
  const TABLE = 'dangol';

  /** A store on its own client, counting the DynamoDB operations it makes. */
  function countingStore(): { store: ReturnType<typeof dynamoSendStore>; calls: string[]; db: DynamoDBDocumentClient } {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const calls: string[] = [];
    db.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    return { store: dynamoSendStore(db, TABLE), calls, db };
  }

  const at = new Date('2027-03-01T01:00:00Z');
  const facts = { tier: 'D', segment: 'occasional', advertising: true, kind: 'custom' };
  const refs = (entryId: string, count: number): LedgerRef[] =>
    Array.from({ length: count }, () => ({ memberId: randomUUID(), entryId, period: 'once', channel: 'email' }));
  const claims = (list: readonly LedgerRef[]): LedgerWrite[] =>
    list.map((ref) => ({ ref, claim: { claimId: randomUUID(), at, facts } }));

  describe('claims', () => {
    it('claims a job of 50 in one TransactWriteItems, and a second try of the same job claims none of them', async () => {
      const { store, calls } = countingStore();
      const job = refs(`e-${randomUUID()}`, 50);
      const first = claims(job);
      expect((await store.claimAll(first)).every((result) => result.claimed)).toBe(true);
      expect(calls).toEqual(['TransactWriteItemsCommand']);

      calls.length = 0;
      const fresh = refs(job[0]?.entryId ?? '', 10);
      const again = await store.claimAll(claims([...job, ...fresh]));
      expect(again.slice(0, 50).map((result) => result.claimed)).toEqual(Array(50).fill(false));
      expect(again.slice(50).map((result) => result.claimed)).toEqual(Array(10).fill(true));
      // What was there comes back: the first try's claims.
      expect(again.slice(0, 50).map((result) => (result.claimed ? null : result.existing?.claimId))).toEqual(
        first.map((write) => ('claim' in write ? write.claim.claimId : null)),
      );
      // One cancelled transaction, one for the rest, one read of what the others hold.
      expect(calls).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand', 'BatchGetItemCommand']);
    });

    it('gives two senders claiming the same 80 recipients at once each recipient exactly once', async () => {
      const job = refs(`e-${randomUUID()}`, 80);
      const a = claims(job);
      const b = claims(job);
      const [resultA, resultB] = await Promise.all([
        countingStore().store.claimAll(a),
        countingStore().store.claimAll(b),
      ]);
      const { db } = countingStore();
      for (let i = 0; i < job.length; i++) {
        const wonA = resultA[i]?.claimed === true;
        const wonB = resultB[i]?.claimed === true;
        expect(Number(wonA) + Number(wonB)).toBe(1);
        const { Item } = await db.send(
          new GetCommand({ TableName: TABLE, Key: ledgerKey(job[i] as LedgerRef), ConsistentRead: true }),
        );
        const winner = (wonA ? a : b)[i];
        expect(Item?.['claimId']).toBe(winner && 'claim' in winner ? winner.claim.claimId : undefined);
      }
    });

    it('claims a deferred item again but never one that was skipped, sent or is being sent', async () => {
      const { store, db } = countingStore();
      const entryId = `e-${randomUUID()}`;
      const [deferred, skipped, sent, sending] = refs(entryId, 4) as [LedgerRef, LedgerRef, LedgerRef, LedgerRef];
      for (const [ref, state] of [
        [deferred, 'deferred'],
        [skipped, 'skipped'],
        [sent, 'sent'],
        [sending, 'sending'],
      ] as const) {
        await db.send(
          new PutCommand({
            TableName: TABLE,
            Item: { ...ledgerKey(ref), ...ref, entity: 'send', state, claimId: 'earlier', events: {} },
          }),
        );
      }
      const results = await store.claimAll([
        ...claims([deferred, skipped, sent, sending]),
        {
          ref: refs(entryId, 1)[0] as LedgerRef,
          skip: { reason: 'frequency-cap', at, facts: { tier: 'D', segment: 'occasional' } },
        },
      ]);
      expect(results.map((result) => result.claimed)).toEqual([true, false, false, false, true]);
      expect(results.slice(1, 4).map((result) => (result.claimed ? null : result.existing?.state))).toEqual([
        'skipped',
        'sent',
        'sending',
      ]);
    });
  });

  describe('an e-mail job', () => {
    it('costs the same few DynamoDB calls for 50 recipients as for one: reads at once, one claim transaction, one counter', async () => {
      const { dynamoDocumentClient } = await import('#adapters/aws-clients');
      const { DynamoMemberStore } = await import('#adapters/member-store');
      const { DynamoCalendarStore } = await import('#adapters/calendar-store');
      const { SesBulkMailer } = await import('#adapters/ses-bulk-mailer');
      const { TokenBucket } = await import('#adapters/rate-limiter');
      const { senderDeps } = await import('#shared/wiring');
      const { sendEmailJob } = await import('#app/send-touchpoints');
      const { sesSendingClient } = await import('#adapters/aws-clients');
      const db = dynamoDocumentClient();
      const ids = Array.from({ length: 50 }, () => randomUUID());
      for (const memberId of ids)
        await new DynamoMemberStore(db, TABLE).createMember(
          mailableMember(memberId, '호출', `c-${memberId.slice(0, 8)}@calls${memberId.slice(0, 4)}.test`),
          [],
        );
      const entry = await new DynamoCalendarStore(db, TABLE).create(
        oneOffEmailEntry('Calls', false),
        'test',
        new Date(),
      );
      const deps = {
        ...(await senderDeps()),
        limiter: new TokenBucket(1_000),
        mailer: new SesBulkMailer(sesSendingClient(), process.env['SES_CONFIGURATION_SET'] ?? ''),
        from: process.env['MAIL_FROM'] ?? '',
        publicBaseUrl: 'http://localhost',
      };
      const calls: string[] = [];
      db.middlewareStack.add(
        (next, context) => async (args) => {
          calls.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize', name: 'countJobCalls' },
      );
      const job = (memberIds: readonly string[]) => ({
        entryId: entry.id,
        period: 'once',
        channel: 'email' as const,
        wave: 0,
        recipients: memberIds.map((memberId) => ({ memberId })),
      });
      // The stored SES template is created by the first job of an entry; count a job after it.
      await sendEmailJob(job(ids.slice(0, 1)), deps);
      calls.length = 0;
      const outcome = await sendEmailJob(job(ids.slice(1)), deps);
      expect(outcome).toMatchObject({ sent: 49, calls: 1, duplicates: 0 });
      // Entry, ladder and members at once; suppressions; the claims; the counters.
      expect(calls.sort()).toEqual([
        'BatchGetItemCommand',
        'BatchGetItemCommand',
        'GetItemCommand',
        'GetItemCommand',
        'TransactWriteItemsCommand',
        'UpdateItemCommand',
      ]);
      db.middlewareStack.remove('countJobCalls');
      // The sender wrote nothing per recipient after the call: SES's Send events turn the ledger `sent`.
      const store = dynamoSendStore(db, TABLE);
      const refs = ids.slice(1).map((memberId) => ({ memberId, entryId: entry.id, period: 'once', channel: 'email' }));
      const states = await eventually(
        async () => [...(await store.ledger(refs)).values()].map((item) => item.state),
        (list) => list.filter((state) => state === 'sent').length === 49,
        30_000,
      );
      expect(states.filter((state) => state === 'sent')).toHaveLength(49);
    });
  });

  describe('recorded sends', () => {
    it('records a send once, also on a claim given back before SES’s answer came (the mail did go out)', async () => {
      const { store, db } = countingStore();
      const [released] = refs(`e-${randomUUID()}`, 1) as [LedgerRef];
      // A released claim is a deferred item without an events map.
      await db.send(
        new PutCommand({
          TableName: TABLE,
          Item: { ...ledgerKey(released), ...released, entity: 'send', state: 'deferred', reason: 'released' },
        }),
      );
      const first = await store.recordSend(
        released,
        { messageId: 'm-1', at: '2027-03-01T01:00:05Z' },
        { logAdSend: true },
      );
      expect(first).not.toBeNull();
      expect(
        await store.recordSend(released, { messageId: 'm-1', at: '2027-03-01T01:00:06Z' }, { logAdSend: true }),
      ).toBeNull();
      const { Item } = await db.send(
        new GetCommand({ TableName: TABLE, Key: ledgerKey(released), ConsistentRead: true }),
      );
      expect(Item).toMatchObject({
        state: 'sent',
        messageId: 'm-1',
        sentAt: '2027-03-01T01:00:05Z',
        events: { send: '2027-03-01T01:00:05Z' },
      });
      expect(Item?.['reason']).toBeUndefined();
    });
  });
});
