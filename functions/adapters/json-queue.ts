// A queue of JSON messages on SQS (pages of the tier review and of RFM scoring), 10 to a batch call.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export class SqsJsonQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: readonly T[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      if (result.Failed?.length) throw new Error(`could not enqueue ${result.Failed.length} message(s): ${result.Failed[0]?.Message ?? ''}`);
    }
  }
}
