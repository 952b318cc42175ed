// Campaign mail on SES v2: stored templates (created on first use, named by a hash of their content so an edit
// makes a new one), `SendBulkEmail` with per-destination data, headers and tags, `SendEmail` for test sends.
import {
  AlreadyExistsException,
  CreateEmailTemplateCommand,
  NotFoundException,
  SendBulkEmailCommand,
  SendEmailCommand,
  TooManyRequestsException,
  LimitExceededException,
  type SendBulkEmailCommandOutput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { encodeFromAddress } from '#domain/message-content';
import { BULK_LIMIT } from '#domain/waves';
import {
  NotSentError,
  ThrottledError,
  type BulkDestination,
  type BulkMailer,
  type BulkResult,
  type MailTemplate,
} from '#app/sending-ports';

const asTags = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags).map(([Name, Value]) => ({ Name, Value }));
const asHeaders = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers).map(([Name, Value]) => ({ Name, Value }));

function isThrottle(error: unknown): boolean {
  if (error instanceof TooManyRequestsException || error instanceof LimitExceededException) return true;
  const name = (error as { name?: string } | null)?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return /Throttl|TooManyRequests|MaxSendingRateExceeded/i.test(name) || status === 429;
}

export class SesBulkMailer implements BulkMailer {
  private readonly created = new Set<string>();

  constructor(
    private readonly ses: SESv2Client,
    private readonly configurationSet: string,
  ) {}

  private async ensureTemplate(template: MailTemplate): Promise<void> {
    if (this.created.has(template.name)) return;
    try {
      await this.ses.send(
        new CreateEmailTemplateCommand({
          TemplateName: template.name,
          TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text },
        }),
      );
    } catch (error) {
      if (
        !(error instanceof AlreadyExistsException) &&
        (error as { name?: string }).name !== 'AlreadyExistsException'
      ) {
        if (isThrottle(error)) throw new ThrottledError('SES throttled CreateEmailTemplate');
        // Nothing was sent: SendBulkEmail was never called.
        throw new NotSentError(`could not store template ${template.name}: ${(error as Error).name}`);
      }
    }
    this.created.add(template.name);
  }

  async sendBulk(
    template: MailTemplate,
    from: string,
    destinations: readonly BulkDestination[],
    tags: Readonly<Record<string, string>>,
  ): Promise<BulkResult[]> {
    if (destinations.length > BULK_LIMIT)
      throw new Error(`SendBulkEmail takes at most ${BULK_LIMIT} destinations, got ${destinations.length}`);
    if (destinations.length === 0) return [];
    await this.ensureTemplate(template);
    const command = new SendBulkEmailCommand({
      FromEmailAddress: encodeFromAddress(from),
      ConfigurationSetName: this.configurationSet,
      DefaultEmailTags: asTags(tags),
      DefaultContent: { Template: { TemplateName: template.name, TemplateData: '{}' } },
      BulkEmailEntries: destinations.map((destination) => ({
        Destination: { ToAddresses: [destination.to] },
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(destination.vars) } },
        ReplacementHeaders: asHeaders(destination.headers),
        ReplacementTags: asTags(destination.tags),
      })),
    });
    let result: SendBulkEmailCommandOutput;
    try {
      result = await this.ses.send(command);
    } catch (error) {
      if (isThrottle(error)) throw new ThrottledError('SES throttled SendBulkEmail');
      if (error instanceof NotFoundException && this.created.delete(template.name))
        return this.sendBulk(template, from, destinations, tags);
      // A 4xx is SES's answer that it sent nothing; a 5xx, a timeout or a lost connection leaves it unknown.
      if ((error as { $fault?: string } | null)?.$fault === 'client')
        throw new NotSentError(`SES refused SendBulkEmail: ${(error as Error).name}`);
      // Nobody answered at all (refused connection, unknown host): nothing can have been sent.
      if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes((error as { code?: string } | null)?.code ?? ''))
        throw new NotSentError(`SES unreachable: ${(error as { code?: string }).code}`);
      throw error;
    }
    const entries = result.BulkEmailEntryResults ?? [];
    return destinations.map((_, index) => {
      const entry = entries[index];
      if (entry?.Status === 'SUCCESS' && entry.MessageId) return { ok: true, messageId: entry.MessageId };
      return { ok: false, reason: `${entry?.Status ?? 'NO_RESULT'}${entry?.Error ? `: ${entry.Error}` : ''}` };
    });
  }

  async sendOne(mail: {
    to: string;
    from: string;
    subject: string;
    html: string;
    text: string;
    tags: Readonly<Record<string, string>>;
  }): Promise<string> {
    try {
      const result = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: encodeFromAddress(mail.from),
          Destination: { ToAddresses: [mail.to] },
          ConfigurationSetName: this.configurationSet,
          EmailTags: asTags(mail.tags),
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
      if (!result.MessageId) throw new Error('SES answered without a message id');
      return result.MessageId;
    } catch (error) {
      if (isThrottle(error)) throw new ThrottledError('SES throttled SendEmail');
      throw error;
    }
  }
}
