import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface TopicMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly publishedAt: string;
  readonly subject?: string;
  /** The message body as published (collector tasks publish JSON). */
  readonly message: string;
  /** String message attributes (kind, reason, invoiceId, taskId for collector tasks). */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Every message published to an SNS topic (the collectors topic), in order, kept in the data
 * folder across restarts like the outbox: what subscribers on AWS would have received.
 */
export class TopicFeed {
  private readonly messages: TopicMessage[] = [];
  private readonly file: string | undefined;

  constructor(file?: string) {
    this.file = file;
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim()) this.messages.push(JSON.parse(line) as TopicMessage);
      }
    }
  }

  /** Written synchronously: once this returns, the record survives a crash. */
  record(message: TopicMessage): void {
    this.messages.push(message);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  list(filter: { invoiceId?: string | undefined; topicArn?: string | undefined } = {}): TopicMessage[] {
    return this.messages.filter(
      (message) =>
        (filter.invoiceId === undefined || message.attributes.invoiceId === filter.invoiceId) &&
        (filter.topicArn === undefined || message.topicArn === filter.topicArn),
    );
  }
}
