export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Invoices the message is about; carried as a header so any copy can be traced. */
  readonly invoiceIds: readonly string[];
  readonly step: string;
  /** One-click unsubscribe target (List-Unsubscribe / List-Unsubscribe-Post, RFC 8058). */
  readonly unsubscribeUrl?: string | undefined;
  /** The signed address replies come back to (`r+<code>@<replyDomain>`); absent: replies go to the sender address. */
  readonly replyTo?: string | undefined;
}

/** The provider answered and refused: the message certainly did not leave. Safe to retry. */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';
}

export interface Mailer {
  /** Resolves with the provider's id; MailRejectedError on a definite refusal; anything else is "unknown". */
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
}
