// ReviewQueue on SQS: the tier review's pages travel as messages, 10 to a batch call.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReviewPageMessage, ReviewQueue } from '#app/tier-review';

export class SqsReviewQueue implements ReviewQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: readonly ReviewPageMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      if (result.Failed?.length) throw new Error(`could not enqueue ${result.Failed.length} review page(s): ${result.Failed[0]?.Message ?? ''}`);
    }
  }
}
