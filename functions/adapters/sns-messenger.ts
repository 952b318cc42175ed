// SMS and post on SNS: `Publish` to an E.164 number with the SMS type set (promotional or transactional), and the
// quarterly magazine's address records published to the fulfilment topic.
import { PublishCommand, type PublishCommandOutput, type SNSClient } from '@aws-sdk/client-sns';
import { type Messenger, NotSentError, RecipientRefused, ThrottledError } from '#app/sending-ports';

export class SnsMessenger implements Messenger {
  constructor(
    private readonly sns: SNSClient,
    private readonly fulfilmentTopicArn: string | undefined,
    private readonly senderId: string,
  ) {}

  async sms(phone: string, text: string, type: 'Promotional' | 'Transactional'): Promise<string> {
    const result = await publishing(
      this.sns,
      new PublishCommand({
        PhoneNumber: phone,
        Message: text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: type },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId },
        },
      }),
      true,
    );
    if (!result.MessageId) throw new Error('SNS answered without a message id');
    return result.MessageId;
  }

  async post(record: Readonly<Record<string, unknown>>): Promise<string> {
    if (!this.fulfilmentTopicArn) throw new Error('FULFILMENT_TOPIC_ARN is not set');
    const result = await publishing(
      this.sns,
      new PublishCommand({
        TopicArn: this.fulfilmentTopicArn,
        Message: JSON.stringify(record),
        MessageAttributes: { kind: { DataType: 'String', StringValue: String(record['kind'] ?? 'mailing') } },
      }),
      false,
    );
    if (!result.MessageId) throw new Error('SNS answered without a message id');
    return result.MessageId;
  }
}

/**
 * One Publish, its failure told apart as the sender needs it: throttled (wait and call again), refused for this
 * recipient (an invalid phone number: failed for good), refused or unreachable otherwise (nothing sent: the job goes
 * back to its queue). Anything else — a 5xx, a timeout, a connection lost after the request — may have sent it and
 * is thrown as it is. The client makes no retries of its own after a request was sent (aws-clients.ts).
 */
async function publishing(sns: SNSClient, command: PublishCommand, toPhone: boolean): Promise<PublishCommandOutput> {
  try {
    return await sns.send(command);
  } catch (error) {
    const failure = error as { name?: string; code?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
    const name = failure.name ?? '';
    if (/Throttl/i.test(name) || failure.$metadata?.httpStatusCode === 429) throw new ThrottledError(`SNS: ${name}`);
    if (failure.$fault === 'client') {
      if (toPhone && /^InvalidParameter/.test(name)) throw new RecipientRefused(`SNS refused the number: ${name}`);
      throw new NotSentError(`SNS refused Publish: ${name}`);
    }
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(failure.code ?? ''))
      throw new NotSentError(`SNS unreachable: ${failure.code}`);
    throw error;
  }
}
