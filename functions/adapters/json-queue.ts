// A queue of JSON messages on SQS (pages of the tier review and of RFM scoring), 10 to a batch call.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export class SqsJsonQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** `delaySecondsOf` holds a message back (SQS allows up to 900 s), e.g. a later wave of a campaign. */
  async enqueue(messages: readonly T[], delaySecondsOf?: (message: T) => number): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => {
            const delay = delaySecondsOf ? Math.max(0, Math.min(900, Math.floor(delaySecondsOf(message)))) : 0;
            return {
              Id: String(index),
              MessageBody: JSON.stringify(message),
              ...(delay > 0 && { DelaySeconds: delay }),
            };
          }),
        }),
      );
      if (result.Failed?.length)
        throw new Error(`could not enqueue ${result.Failed.length} message(s): ${result.Failed[0]?.Message ?? ''}`);
    }
  }
}
