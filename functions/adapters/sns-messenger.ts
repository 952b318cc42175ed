// SMS and post on SNS: `Publish` to an E.164 number with the SMS type set (promotional or transactional), and the
// quarterly magazine's address records published to the fulfilment topic.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Messenger } from '#app/sending-ports';

export class SnsMessenger implements Messenger {
  constructor(
    private readonly sns: SNSClient,
    private readonly fulfilmentTopicArn: string | undefined,
    private readonly senderId: string,
  ) {}

  async sms(phone: string, text: string, type: 'Promotional' | 'Transactional'): Promise<string> {
    const result = await this.sns.send(
      new PublishCommand({
        PhoneNumber: phone,
        Message: text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: type },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SNS answered without a message id');
    return result.MessageId;
  }

  async post(record: Readonly<Record<string, unknown>>): Promise<string> {
    if (!this.fulfilmentTopicArn) throw new Error('FULFILMENT_TOPIC_ARN is not set');
    const result = await this.sns.send(
      new PublishCommand({
        TopicArn: this.fulfilmentTopicArn,
        Message: JSON.stringify(record),
        MessageAttributes: { kind: { DataType: 'String', StringValue: String(record['kind'] ?? 'mailing') } },
      }),
    );
    if (!result.MessageId) throw new Error('SNS answered without a message id');
    return result.MessageId;
  }
}
