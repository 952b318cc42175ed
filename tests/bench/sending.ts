// Sending against the local stack's emulators (DynamoDB Local, SES v2 emulator behind the local SES front): the
// e-mail sender's destinations/s as a ratio to raw SendBulkEmail of the same shape, SES calls per recipient, the
// sustained rate under injected throttling as a ratio to the configured maximum (and nobody lost or sent twice),
// and the dispatcher's index items read per recipient for a birthday run over 100,000 members.
import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { SESv2Client, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { freePort } from '#infra/local/ports';
import { startLocalStack, type LocalPorts } from '#infra/local/stack';
import { localDynamoClient } from '#infra/local/dynamodb-local';
import { mailableMember, oneOffEmailEntry } from '../support/mail-fixtures.ts';
import { benchNewsletter, NEWSLETTER_MAX_RATE, untilEmpty } from './newsletter.ts';

const JOB = 50;

export async function benchSending(): Promise<void> {
  const ports: LocalPorts = {
    http: await freePort(),
    dynamodb: await freePort(),
    ses: await freePort(),
    sqsSns: await freePort(),
    sms: await freePort(),
    events: await freePort(),
    sesApi: await freePort(),
  };
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  // The send-email handler's configured maximum (the SES front's GetAccount says 500 too).
  process.env['MAX_SEND_RATE'] = String(NEWSLETTER_MAX_RATE);
  const stack = await startLocalStack({ ports, clockSchedules: false });
  try {
    // SES's Send events are recorded by record-engagement, a function of its own in AWS; here it shares the process
    // and DynamoDB Local, so it is paused while the sender is measured and let run in between.
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const engagementQueue = stack.queueUrls.get('ses-events') ?? '';
    const drainEngagement = async () => {
      stack.resumeConsumer('ses-events');
      await untilEmpty(sqs, [engagementQueue], 200);
      await stack.pauseConsumer('ses-events');
    };
    await stack.pauseConsumer('ses-events');

    await benchNewsletter(stack, sqs, drainEngagement);

    const { dynamoDocumentClient } = await import('#adapters/aws-clients');
    const { DynamoMemberStore } = await import('#adapters/member-store');
    const { DynamoCalendarStore } = await import('#adapters/calendar-store');
    const { SesBulkMailer } = await import('#adapters/ses-bulk-mailer');
    const { sesSendingClient } = await import('#adapters/aws-clients');
    const { TokenBucket } = await import('#adapters/rate-limiter');
    const { contactHashing, senderDeps } = await import('#shared/wiring');
    // The sender reads suppression by the keyed contact hash, with the stack's keys (startLocalStack set them).
    await contactHashing();
    const { sendEmailJob, sendingBatch } = await import('#app/send-touchpoints');
    const { ThrottledError } = await import('#app/sending-ports');
    const db = dynamoDocumentClient();
    const table = stack.env['TABLE_NAME'] ?? 'dangol';

    const members = new DynamoMemberStore(db, table);
    const ids: string[] = [];
    const MEMBERS = 3000;
    for (let i = 0; i < MEMBERS; i++) ids.push(randomUUID());
    let nextMember = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = nextMember++; i < MEMBERS; i = nextMember++) {
          await members.createMember(mailableMember(ids[i] ?? '', '벤치', `b${i}@bench${i}.test`), []);
        }
      }),
    );
    const entry = await new DynamoCalendarStore(db, table).create(oneOffEmailEntry('Bench', true), 'bench', new Date());
    const base = await senderDeps();
    const mailer = new SesBulkMailer(sesSendingClient(), stack.env['SES_CONFIGURATION_SET'] ?? 'dangol-local');
    const deps = (rate: number) => ({
      ...base,
      limiter: new TokenBucket(rate),
      mailer,
      from: stack.env['MAIL_FROM'] ?? '',
      publicBaseUrl: stack.env['PUBLIC_BASE_URL'] ?? '',
    });
    const fast = deps(1_000_000);

    // Raw: the same SendBulkEmail (stored template, 50 destinations with data, headers and tags), nothing else.
    const ses = new SESv2Client({});
    const templateName = 'bench-raw';
    await ses.send(
      new (await import('@aws-sdk/client-sesv2')).CreateEmailTemplateCommand({
        TemplateName: templateName,
        TemplateContent: {
          Subject: '(광고) {{name}}님 특가',
          Html: '<p>{{name}} {{unsubscribeUrl}}</p>',
          Text: '{{name}} {{unsubscribeUrl}}',
        },
      }),
    );
    const raw = async (slice: string[]) => {
      await ses.send(
        new SendBulkEmailCommand({
          FromEmailAddress: stack.env['MAIL_FROM'],
          ConfigurationSetName: stack.env['SES_CONFIGURATION_SET'],
          DefaultContent: { Template: { TemplateName: templateName, TemplateData: '{}' } },
          BulkEmailEntries: slice.map((id, i) => ({
            Destination: { ToAddresses: [`raw${i}@raw${i}.test`] },
            ReplacementEmailContent: {
              ReplacementTemplate: {
                ReplacementTemplateData: JSON.stringify({
                  name: '벤치',
                  unsubscribeUrl: `http://x/unsubscribe?token=${id}`,
                }),
              },
            },
            ReplacementHeaders: [
              { Name: 'List-Unsubscribe', Value: `<http://x/unsubscribe?token=${id}>` },
              { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            ],
            ReplacementTags: [{ Name: 'l', Value: id.replace(/-/g, '') }],
          })),
        }),
      );
    };
    const job = (slice: string[], period: string) => ({
      entryId: entry.id,
      period,
      channel: 'email' as const,
      wave: 0,
      recipients: slice.map((memberId) => ({ memberId })),
    });

    // The least an exactly-once sender must write before it calls SES: one conditional claim per recipient, here a
    // job's 50 in one TransactWriteItems (what the sender does), with nothing else.
    const { dynamoSendStore } = await import('#adapters/send-store');
    const ledger = dynamoSendStore(db, table);
    const claimsOnly = (slice: string[], period: string) =>
      ledger.claimAll(
        slice.map((memberId) => ({
          ref: { memberId, entryId: 'bench-claims', period, channel: 'email' },
          claim: {
            claimId: randomUUID(),
            at: new Date(),
            facts: { tier: 'D', segment: 'occasional', advertising: true, kind: 'custom' },
          },
        })),
      );

    // 60 jobs of 50 (every member once a round) in SQS batches of 5 (topology `email-sends`): the handler runs a
    // batch's jobs at once, sharing their reads of the entry and the ladder and their counters, so one job's claims
    // overlap another's call to SES; two instances (the queue's maxConcurrency) take batches side by side.
    const BATCH = 5;
    const slices = Array.from({ length: ids.length / JOB }, (_, i) => ids.slice(i * JOB, (i + 1) * JOB));
    const rate = async (work: (slice: string[]) => Promise<unknown>) => {
      const started = performance.now();
      for (const slice of slices) await work(slice);
      return (slices.length * JOB) / ((performance.now() - started) / 1000);
    };
    // `instances` batch loops at once, each taking the next batch when its last one ended.
    const INSTANCES = 2;
    const batched = async (work: (slices: string[][]) => Promise<unknown>, instances = INSTANCES) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: instances }, async () => {
          for (let i = next; i < slices.length; i = next) {
            next += BATCH;
            await work(slices.slice(i, i + BATCH));
          }
        }),
      );
      return (slices.length * JOB) / ((performance.now() - started) / 1000);
    };
    const senderBatch = (period: string) => async (slices: string[][]) => {
      const batch = sendingBatch(fast);
      await Promise.all(slices.map((slice) => sendEmailJob(job(slice, period), batch.deps)));
      await batch.end();
    };
    // DynamoDB calls the sender makes (all functions of this process share the client; only sender rounds count).
    let counting = false;
    let senderDbCalls = 0;
    db.middlewareStack.add(
      (next) => async (args) => {
        if (counting) senderDbCalls += 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchCountCalls' },
    );
    let rawRate = 0;
    let senderRate = 0;
    let claimRate = 0;
    const ROUNDS = 3;
    // A round not counted: the JVM of DynamoDB Local and both SDKs warm up. One job first stores the entry's SES
    // template: ten jobs creating it at once make the SES emulator fail some of the calls (SES itself answers
    // AlreadyExists, which the mailer takes as done).
    await sendEmailJob(job(slices[0] ?? [], 'bench-template'), fast);
    await rate(raw);
    await batched(senderBatch('bench-warm-up'));
    await rate((slice) => claimsOnly(slice, 'warm-up'));
    await drainEngagement();
    for (let round = 0; round < ROUNDS; round++) {
      rawRate += (await rate(raw)) / ROUNDS;
      counting = true;
      senderRate += (await batched(senderBatch(`bench-${round}`))) / ROUNDS;
      counting = false;
      // The ceiling: claims alone — one job at a time, one batch's jobs at once, or batches as the two instances
      // take them — whichever DynamoDB Local takes fastest.
      const oneAtATime = await rate((slice) => claimsOnly(slice, `round-${round}`));
      const claimBatch = (tag: string) => (batch: string[][]) =>
        Promise.all(batch.map((slice) => claimsOnly(slice, `${tag}-${round}`)));
      const oneBatchAtATime = await batched(claimBatch('batch'), 1);
      const asTheSender = await batched(claimBatch('instances'));
      claimRate += Math.max(oneAtATime, oneBatchAtATime, asTheSender) / ROUNDS;
      await drainEngagement();
    }
    // SES calls per recipient, from the SES front's log of the sender rounds.
    const outbox = (await (await fetch(`${stack.urls.http}/_local/outbox`)).json()) as {
      sesCalls: { action: string; to: string[] }[];
    };
    const senderCalls = outbox.sesCalls.filter((call) => call.to.some((to) => to.startsWith('b'))).length;
    console.log(
      `\nE-mail sender (checks, ledger claims in one transaction, SendBulkEmail of 50, counters; SQS batches of ${BATCH} jobs at once in ${INSTANCES} instances, as deployed) vs raw SendBulkEmail of 50 one at a time, SES v2 emulator + DynamoDB Local`,
    );
    console.log(
      '| raw destinations/s | sender destinations/s | sender ÷ raw | claims alone ÷ raw | sender ÷ claims alone (goal ≥ 0.8) | SES calls per recipient | DynamoDB calls per recipient |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${rawRate.toFixed(0)} | ${senderRate.toFixed(0)} | ${(senderRate / rawRate).toFixed(2)} | ${(claimRate / rawRate).toFixed(2)} | ${(senderRate / claimRate).toFixed(2)} | ${(senderCalls / ((ROUNDS + 1) * slices.length * JOB)).toFixed(3)} | ${(senderDbCalls / (ROUNDS * slices.length * JOB)).toFixed(3)} |`,
    );

    // Sustained rate under throttling: 3,000 recipients (30 s) at a configured maximum; a third of the way in, SES
    // throttles 6 calls in a row — more than one job's own tries (5), so a job also fails and gives its claims back;
    // it is retried after 1 s, as SQS would after the visibility timeout.
    const MAX_RATE = 100;
    const THROTTLES = 6;
    const limited = deps(MAX_RATE);
    const callsBefore = ((await (await fetch(`${stack.urls.http}/_local/outbox`)).json()) as { sesCalls: unknown[] })
      .sesCalls.length;
    const allSlices = Array.from({ length: ids.length / JOB }, (_, i) => ids.slice(i * JOB, (i + 1) * JOB));
    const started = performance.now();
    let throttled = 0;
    for (const [index, slice] of allSlices.entries()) {
      if (index === Math.floor(allSlices.length / 3))
        await fetch(`${stack.urls.http}/_local/faults/ses`, {
          method: 'POST',
          body: JSON.stringify({ throttle: THROTTLES }),
        });
      for (;;) {
        try {
          await sendEmailJob(job(slice, 'sustained'), limited);
          break;
        } catch (error) {
          if (!(error instanceof ThrottledError)) throw error;
          throttled += 1;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
    const sustained = ids.length / ((performance.now() - started) / 1000);
    // The ledger turns `sent` on SES's Send events: let record-engagement take them in, then count.
    await drainEngagement();
    const after = (await (await fetch(`${stack.urls.http}/_local/outbox`)).json()) as {
      sesCalls: { to: string[]; throttled: boolean }[];
    };
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    let sent = 0;
    for (const id of ids) {
      const rows = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk AND SK = :sk',
          ExpressionAttributeValues: { ':pk': `MEMBER#${id}`, ':sk': `SENT#${entry.id}#sustained#email` },
          ConsistentRead: true,
        }),
      );
      if (rows.Items?.[0]?.['state'] === 'sent') sent += 1;
    }
    // Addresses in the SES calls of the sustained run that SES accepted (a throttled call sent nothing).
    const perAddress = new Map<string, number>();
    for (const call of after.sesCalls.slice(callsBefore))
      if (!call.throttled) for (const to of call.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    const twice = [...perAddress.values()].filter((count) => count > 1).length;
    const lost = ids.length - sent;
    console.log(
      `\nSustained rate with SES throttling injected a third of the way in (${THROTTLES} calls in a row throttled, ${throttled} job retries), ${ids.length} recipients`,
    );
    console.log('| configured max/s | sustained/s | sustained ÷ max | lost | sent twice |');
    console.log('|---:|---:|---:|---:|---:|');
    console.log(
      `| ${MAX_RATE} | ${sustained.toFixed(1)} | ${(sustained / MAX_RATE).toFixed(2)} | ${lost} | ${twice} |`,
    );
    stack.resumeConsumer('ses-events');

    await benchDispatcher(stack.urls.dynamodb, table);
  } finally {
    await stack.stop();
  }
}

/** 100,000 members with birthdays over the year in four zones; one birthday hour's run reads only that day's. */
async function benchDispatcher(endpoint: string, table: string): Promise<void> {
  const { dispatchHour, dispatchPage } = await import('#app/dispatch-touchpoints');
  const { dispatchDeps } = await import('#shared/wiring');
  const { dateIndex, datePartition, keys } = await import('#adapters/keys');
  const raw = localDynamoClient(endpoint);
  const zones = ['Asia/Seoul', 'America/New_York', 'Europe/London', 'Pacific/Kiritimati'];
  const TOTAL = 100_000;
  const items = Array.from({ length: TOTAL }, (_, i) => {
    const day = new Date(Date.UTC(2001, 0, 1 + (i % 365)));
    const monthDay = `${String(day.getUTCMonth() + 1).padStart(2, '0')}-${String(day.getUTCDate()).padStart(2, '0')}`;
    const memberId = `bench-${i}`;
    const partition = datePartition('birthday', monthDay, zones[i % zones.length] ?? 'UTC');
    return {
      ...keys.memberDate(memberId, 'birthday'),
      ...dateIndex(partition, '2026-01-01T00:00:00.000Z', memberId),
      memberId,
      domain: `d${i % 500}.test`,
    };
  });
  // The zones the members live in, as enrollment records them.
  items.push(...zones.map((zone) => keys.memberZone(zone) as never));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const start = next;
        next += 25;
        if (start >= items.length) return;
        let pending = items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: marshall(item) } }));
        while (pending.length > 0) {
          const result = await raw.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
          pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
  const queued: unknown[] = [];
  const capture = { enqueue: async (messages: readonly unknown[]) => void queued.push(...messages) };
  const deps = {
    ...dispatchDeps({ pages: false, jobs: false }),
    pages: capture,
    emailJobs: { enqueue: async () => undefined },
    messageJobs: { enqueue: async () => undefined },
  };
  // 2027-06-18 10:00 in Seoul (01:00 UTC): not a day of any recurring default entry.
  await dispatchHour(new Date('2027-06-18T01:00:00Z'), deps as never);
  let itemsRead = 0;
  let recipients = 0;
  let pages = 0;
  while (queued.length > 0) {
    const message = queued.shift() as Parameters<typeof dispatchPage>[0];
    const result = await dispatchPage(message, deps as never);
    itemsRead += result.itemsRead;
    recipients += result.recipients;
    pages += 1;
  }
  console.log(
    `\nDispatcher, birthday hour over ${TOTAL.toLocaleString('en')} members (birthdays over the year, 4 zones): ${pages} index queries/pages`,
  );
  console.log('| recipients | index items read | items read per recipient |');
  console.log('|---:|---:|---:|');
  console.log(`| ${recipients} | ${itemsRead} | ${(itemsRead / Math.max(recipients, 1)).toFixed(2)} |`);
}
