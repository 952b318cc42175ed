// Mailer on SES v2: single sends with the configuration set, so delivery/bounce/open events come back.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '#app/ports';

let client: SESv2Client | undefined;
/** Socket failures where no answer came back and the request was, as a rule, never read (a reused idle socket). */
const UNANSWERED_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_RETRIES = 2;

interface Attempts {
  getRetryCount(): number;
  getRetryDelay(): number;
}
const attempts = (count: number): Attempts => ({ getRetryCount: () => count, getRetryDelay: () => (count === 0 ? 0 : 100 * 2 ** (count - 1)) });

/**
 * The SDK's retries for bulk sends: only a connection that failed without any answer (twice at most). Never a
 * throttle (the sender backs off itself, under its rate), a 5xx or a timeout: SES may have sent, and a retry
 * would send the whole call again — the ledger settles those from SES's Send events.
 */
export const connectionRetriesOnly = {
  acquireInitialRetryToken: async (): Promise<Attempts> => attempts(0),
  refreshRetryTokenForRetry: async (token: Attempts, info: { error?: unknown }): Promise<Attempts> => {
    const error = info.error as { code?: string; name?: string; $response?: unknown } | undefined;
    const code = error?.code ?? error?.name ?? '';
    if (!UNANSWERED_CONNECTION.has(code) || error?.$response !== undefined || token.getRetryCount() >= CONNECTION_RETRIES) throw error;
    return attempts(token.getRetryCount() + 1);
  },
  recordSuccess: (): void => undefined,
};

/** For bulk sends (see `connectionRetriesOnly`). */
export function sesSendingClient(): SESv2Client {
  return new SESv2Client({ retryStrategy: connectionRetriesOnly });
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
