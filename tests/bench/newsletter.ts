// The AWS-like sustained rate: a newsletter to 20,000 members through the whole local pipeline — the dispatcher, the
// audience builder's waves, the `email-sends` queue and the real `send-email` handler (batches of 5 jobs at once)
// — with the SES front answering every call 100 ms late, as SES in AWS does, and a configured maximum of 500 mails a
// second. Prints the sustained rate as a ratio to that maximum, and how many were lost or sent twice.
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '#infra/local/stack';
import { mailableMember, oneOffEmailEntry } from '../support/mail-fixtures.ts';

export const NEWSLETTER_MAX_RATE = 500;
const RECIPIENTS = 20_000;
const SES_LATENCY_MS = 100;
// 10:00 in Seoul on a day no recurring default entry falls on (and not the dispatcher bench's hour).
const AT = '2027-06-17T01:00:00.000Z';

interface SesCallLog {
  to: string[];
  throttled: boolean;
  at: string;
}

async function queueEmpty(sqs: SQSClient, url: string): Promise<boolean> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes['ApproximateNumberOfMessages']) + Number(Attributes['ApproximateNumberOfMessagesNotVisible']) ===
    0
  );
}

/** Until every queue is empty, seen so three times in a row `everyMs` apart. */
export async function untilEmpty(sqs: SQSClient, urls: readonly string[], everyMs: number): Promise<void> {
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    quiet = (await Promise.all(urls.map((url) => queueEmpty(sqs, url)))).every(Boolean) ? quiet + 1 : 0;
  }
}

/** `stack` was started with MAX_SEND_RATE = NEWSLETTER_MAX_RATE; the `ses-events` consumer is paused meanwhile. */
export async function benchNewsletter(stack: LocalStack, sqs: SQSClient, drainEngagement: () => Promise<void>) {
  const { dynamoDocumentClient } = await import('#adapters/aws-clients');
  const { DynamoMemberStore } = await import('#adapters/member-store');
  const { DynamoCalendarStore } = await import('#adapters/calendar-store');
  const db = dynamoDocumentClient();
  const table = stack.env['TABLE_NAME'] ?? 'dangol';
  const members = new DynamoMemberStore(db, table);
  const ids = Array.from({ length: RECIPIENTS }, () => randomUUID());
  const address = (i: number) => `n${i}@news${i}.test`;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < RECIPIENTS; i = next++)
        await members.createMember(mailableMember(ids[i] ?? '', '뉴스', address(i)), []);
    }),
  );
  const entry = await new DynamoCalendarStore(db, table).create(
    { ...oneOffEmailEntry('Newsletter', true), trigger: { type: 'once', at: AT } },
    'bench',
    new Date(),
  );
  const post = (path: string, body: unknown) =>
    fetch(`${stack.urls.http}${path}`, { method: 'POST', body: JSON.stringify(body) });
  await post('/_local/faults/ses', { latencyMs: SES_LATENCY_MS });
  const fired = await post('/_local/schedules/dispatcher', { at: AT });
  if (fired.status !== 200) throw new Error(`dispatcher: ${fired.status}`);
  await untilEmpty(
    sqs,
    ['dispatch', 'email-sends'].map((name) => stack.queueUrls.get(name) ?? ''),
    500,
  );
  await post('/_local/faults/ses', { latencyMs: 0 });

  // The SES front's log: every call of this newsletter with its time and addresses.
  const outbox = (await (await fetch(`${stack.urls.http}/_local/outbox`)).json()) as { sesCalls: SesCallLog[] };
  const ours = new Set(ids.map((_, i) => address(i)));
  const calls = outbox.sesCalls.filter((call) => !call.throttled && call.to.some((to) => ours.has(to)));
  const perAddress = new Map<string, number>();
  for (const call of calls) for (const to of call.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
  const times = calls.map((call) => Date.parse(call.at)).sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  // From the first call to the last: every recipient but those of the last call went out in between.
  const lastCallSize = calls.find((call) => Date.parse(call.at) === last)?.to.length ?? 0;
  const sustained = (perAddress.size - lastCallSize) / Math.max((last - first) / 1000, 0.001);

  // The ledger: every recipient `sent` once SES's Send events are in.
  await drainEngagement();
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { keys } = await import('#adapters/keys');
  let sent = 0;
  let index = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = index++; i < RECIPIENTS; i = index++) {
        // The entry's ledger items of this member (whatever period the dispatcher named the run).
        const key = keys.sent(ids[i] ?? '', entry.id, '', '');
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
            ExpressionAttributeValues: { ':pk': key.PK, ':sk': key.SK.replace(/#+$/, '#') },
            ConsistentRead: true,
          }),
        );
        if (Items.length === 1 && Items[0]?.['state'] === 'sent') sent += 1;
      }
    }),
  );
  const twice = [...perAddress.values()].filter((count) => count > 1).length;
  console.log(
    `\nAWS-like sustained rate: a newsletter to ${RECIPIENTS.toLocaleString('en')} members through dispatcher, waves, queue and the send-email handler; SES answering each call ${SES_LATENCY_MS} ms late`,
  );
  console.log('| configured max/s | SES calls | duration s | sustained/s | sustained ÷ max | lost | sent twice |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${NEWSLETTER_MAX_RATE} | ${calls.length} | ${((last - first) / 1000).toFixed(1)} | ${sustained.toFixed(0)} | ${(sustained / NEWSLETTER_MAX_RATE).toFixed(2)} | ${RECIPIENTS - sent} | ${twice} |`,
  );
}
