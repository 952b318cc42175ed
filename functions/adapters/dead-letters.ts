// Sends an event that can never apply to its queue's dead-letter queue at once, with the reason as an attribute.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export class DeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async reject(body: string, reason: string, sourceMessageId: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
          sourceMessageId: { DataType: 'String', StringValue: sourceMessageId },
          rejectedAt: { DataType: 'String', StringValue: new Date().toISOString() },
        },
      }),
    );
  }
}
