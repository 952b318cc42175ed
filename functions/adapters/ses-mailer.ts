// Mailer on SES v2: single sends with the configuration set, so delivery/bounce/open events come back.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '#app/ports';

let client: SESv2Client | undefined;
/**
 * For bulk sends: the SDK does not retry (a retry after a lost answer could send the whole call again); the sender
 * retries throttled calls itself and leaves the outcome of any other failure to the ledger.
 */
export function sesSendingClient(): SESv2Client {
  return new SESv2Client({ maxAttempts: 1 });
}

export function sesClient(): SESv2Client {
  client ??= new SESv2Client({});
  return client;
}

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
        FromEmailAddress: this.from,
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
