import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, MailRejectedError, type OutgoingEmail } from '#ports/mailer.ts';

export interface SesMailerConfig {
  readonly fromAddress: string;
  readonly configurationSet: string;
}

export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly config: SesMailerConfig;

  constructor(client: SESv2Client, config: SesMailerConfig) {
    this.client = client;
    this.config = config;
  }

  async send(message: OutgoingEmail): Promise<{ messageId: string }> {
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.config.fromAddress,
          Destination: { ToAddresses: [message.to] },
          ConfigurationSetName: this.config.configurationSet,
          EmailTags: [{ Name: 'step', Value: tagValue(message.step) }],
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
              Headers: [
                { Name: 'X-Dunwell-Invoice-Ids', Value: message.invoiceIds.map(encodeURIComponent).join(',') },
                { Name: 'X-Dunwell-Step', Value: message.step },
                ...(message.unsubscribeUrl
                  ? [
                      { Name: 'List-Unsubscribe', Value: `<${message.unsubscribeUrl}>` },
                      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
                    ]
                  : []),
              ],
            },
          },
        }),
        // One attempt only: an SDK-level retry after a timeout could send the message twice.
        {},
      );
      return { messageId: result.MessageId ?? 'unknown' };
    } catch (error) {
      // An HTTP answer from SES means it refused the message; no answer means we cannot know.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        throw new MailRejectedError(`SES refused the message: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }
}

export function sesClient(): SESv2Client {
  // maxAttempts 1: a retried SendEmail after a lost response would duplicate the reminder.
  return new SESv2Client({ maxAttempts: 1 });
}

function tagValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256) || 'none';
}
