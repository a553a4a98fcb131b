import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface OutboxMessage {
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly subject?: string;
  readonly text: string;
  readonly html?: string;
  readonly sentAt: string;
  readonly invoiceId?: string;
  readonly invoiceIds?: readonly string[];
  readonly step?: string;
  /** The List-Unsubscribe header of an email. */
  readonly listUnsubscribe?: string;
  /** The Reply-To of an email: its signed reply address (`r+<code>@<replyDomain>`). */
  readonly replyTo?: string;
  readonly messageId: string;
}

/** Every message the pipeline sent, in order, kept in the data folder across restarts. */
export class Outbox {
  private readonly messages: OutboxMessage[] = [];
  private readonly file: string | undefined;

  constructor(file?: string) {
    this.file = file;
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim()) this.messages.push(JSON.parse(line) as OutboxMessage);
      }
    }
  }

  /** Written synchronously: once this returns, the record survives a crash. */
  record(message: OutboxMessage): OutboxMessage {
    this.messages.push(message);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(message)}\n`);
    return message;
  }

  list(invoiceId?: string): OutboxMessage[] {
    if (!invoiceId) return [...this.messages];
    return this.messages.filter((message) => message.invoiceId === invoiceId || message.invoiceIds?.includes(invoiceId));
  }
}
