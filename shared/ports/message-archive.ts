import type { MessageChannelId } from '#domain/channels.ts';

/** What went to the customer, exactly as it was handed to the provider. */
export interface MessageContent {
  readonly channel: MessageChannelId;
  /** The address it went to: an email address, a phone number, or a letter's postal address lines. */
  readonly to: string;
  /** Email and letter. */
  readonly subject?: string | undefined;
  /** Email (its HTML part) and letter (the printable page). */
  readonly html?: string | undefined;
  /** Email (its plain-text part) and SMS. */
  readonly text?: string | undefined;
  /** The invoices the message is about (several for a combined reminder). */
  readonly invoiceIds: readonly string[];
  readonly step: string;
}

/** A sent message as archived: its content with the provider's id and when the provider took it. */
export interface ArchivedMessage extends MessageContent {
  /** The provider's id, as on the timeline (`reminder.sent` / `thank_you.sent`). */
  readonly messageId: string;
  /** ISO instant the provider accepted it. */
  readonly sentAt: string;
}

/**
 * A copy of every message sent, so a person can see it as the customer did. Kept by message id;
 * whoever reads one checks first that the message belongs to the invoice they were shown it for.
 */
export interface MessageArchive {
  put(message: ArchivedMessage): Promise<void>;
  /** undefined when nothing is archived under the id (a message sent before the archive existed). */
  get(messageId: string): Promise<ArchivedMessage | undefined>;
}
