import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { InvoiceHeader } from '#contracts/email-events.ts';
import { type Mailer, MailRejectedError, type OutgoingEmail } from '#ports/mailer.ts';

export interface SesMailerConfig {
  readonly fromAddress: string;
  /** The display name customers see next to the address: the creditor's name. */
  readonly fromName?: string | undefined;
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
          FromEmailAddress: mailbox(this.config.fromAddress, this.config.fromName),
          Destination: { ToAddresses: [message.to] },
          ...(message.replyTo ? { ReplyToAddresses: [message.replyTo] } : {}),
          ConfigurationSetName: this.config.configurationSet,
          EmailTags: [{ Name: 'step', Value: tagValue(message.step) }],
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
              Headers: [
                { Name: InvoiceHeader.invoiceIds, Value: message.invoiceIds.map(encodeURIComponent).join(',') },
                { Name: InvoiceHeader.step, Value: message.step },
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

/**
 * An RFC 5322 mailbox `"Display Name" <address>`. The name is always a quoted-string with `\` and
 * `"` escaped; line breaks and other control characters are removed (no header injection); a name
 * with any non-ASCII character is sent as RFC 2047 encoded-words instead, which SES requires, each
 * word at most 75 characters and never splitting a character.
 */
export function mailbox(address: string, name: string | undefined): string {
  const printable = [...(name ?? '')].map((char) => (isControl(char) ? ' ' : char)).join('');
  const clean = printable.replace(/\s+/g, ' ').trim();
  if (!clean) return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/[\\"]/g, '\\$&')}" <${address}>`;
  return `${encodedWords(clean)} <${address}>`;
}

/** C0 controls and DEL: line breaks among them would start a new header. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

/** RFC 2047 `=?UTF-8?B?...?=` words of at most 45 UTF-8 bytes each (60 base64 characters, 72 in all). */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
}

function tagValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256) || 'none';
}
