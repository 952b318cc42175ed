// Mailer on SES v2: single sends with the configuration set, so delivery/bounce/open events come back.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '#app/ports';
import { encodeFromAddress } from '#domain/message-content';

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const headers = Object.entries(mail.headers ?? {}).map(([Name, Value]) => ({ Name, Value }));
    const result = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: encodeFromAddress(this.from),
        Destination: { ToAddresses: [mail.to] },
        ConfigurationSetName: this.configurationSet,
        EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value })),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
            ...(headers.length > 0 && { Headers: headers }),
          },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SES answered without a message id');
    return { messageId: result.MessageId };
  }
}
