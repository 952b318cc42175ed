// The enrollment mail path as in AWS: PutEvents → rule → SQS (fauxqs) → poller → handler, with replays and a DLQ.
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { eventually, mailsTo, newPerson, urls, enroll, drained } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('enrollment-mail-queue', () => {
  const local = { region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

  describe('enrollment mail queue', () => {
    it('sends one confirmation mail when Member Enrolled is delivered 5 times, sequentially and concurrently', async () => {
      const person = newPerson();
      const { memberId } = await enroll(person);
      await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length === 1,
      );

      const bus = new EventBridgeClient({ ...local, endpoint: urls().events });
      const entry = {
        EventBusName: 'loyalty',
        Source: 'dangol',
        DetailType: 'Member Enrolled',
        Detail: JSON.stringify({ memberId }),
      };
      for (let i = 0; i < 5; i++) await bus.send(new PutEventsCommand({ Entries: [entry] }));
      await Promise.all(Array.from({ length: 5 }, () => bus.send(new PutEventsCommand({ Entries: [entry] }))));
      const sqs = new SQSClient({ ...local, endpoint: urls().sqsSns });
      const queueUrl = inject('queueUrls')['enrollment-mail'];
      await eventually(
        async () =>
          (
            await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: queueUrl,
                AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
              }),
            )
          ).Attributes,
        (attributes) =>
          attributes?.['ApproximateNumberOfMessages'] === '0' &&
          attributes['ApproximateNumberOfMessagesNotVisible'] === '0',
      );
      expect(await mailsTo(person.email)).toHaveLength(1);
    });

    it('takes enrollment events from dangol only: another producer cannot forge Member Email Confirmed', async () => {
      const person = newPerson();
      const { memberId } = await enroll(person);
      await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length === 1,
      );
      const bus = new EventBridgeClient({ ...local, endpoint: urls().events });
      const forged = { memberId, confirmedAt: new Date().toISOString() };
      await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'loyalty',
              Source: 'test.shop',
              DetailType: 'Member Email Confirmed',
              Detail: JSON.stringify(forged),
            },
          ],
        }),
      );
      await drained('enrollment-mail');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await mailsTo(person.email)).map((mail) => mail.subject)).toEqual([
        '[단골] 이메일 수신 동의를 확인해 주세요',
      ]);
    });

    it('moves a malformed event and a poison event to the dead-letter queue while the rest of the batch is applied', async () => {
      const sqs = new SQSClient({ ...local, endpoint: urls().sqsSns });
      const queueUrl = inject('queueUrls')['enrollment-mail'];
      const dlqUrl = inject('queueUrls')['enrollment-mail-dlq'];
      const person = newPerson({ locale: 'en' });
      const { memberId } = await enroll(person);
      await eventually(
        () => mailsTo(person.email),
        (mails) => mails.length === 1,
      );
      await fetch(`${urls().ses}/clear-store`, { method: 'POST' });

      const good = JSON.stringify({ 'detail-type': 'Email Confirmation Requested', detail: { memberId } });
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{not json' }));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ 'detail-type': 'Member Enrolled', detail: {} }),
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: good }));

      const dead = await eventually(
        async () =>
          (
            await sqs.send(
              new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
            )
          ).Messages ?? [],
        (messages) => messages.length >= 2,
        30_000,
      );
      expect(dead.map((message) => message.Body).sort()).toEqual(
        ['{"detail-type":"Member Enrolled","detail":{}}', '{not json'].sort(),
      );
      // The good record was applied once: within the resend window, so no second confirmation mail.
      expect(await mailsTo(person.email)).toHaveLength(0);
    });
  });
});
