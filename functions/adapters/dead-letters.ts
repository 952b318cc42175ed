// Sends an event that can never apply to its queue's dead-letter queue at once, with the reason as an attribute;
// also the module holding the container's one SQS client.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

let client: SQSClient | undefined;
export function sqsClient(): SQSClient {
  // The queue URL is the one the stack passed; the SDK's endpoint (env or AWS default) already serves it.
  client ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return client;
}

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
