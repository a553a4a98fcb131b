export interface OutgoingText {
  readonly to: string;
  readonly text: string;
  /** Invoices the message is about. */
  readonly invoiceIds: readonly string[];
  readonly step: string;
}

/** The provider answered and refused: the text certainly did not leave. Safe to retry. */
export class TextRejectedError extends Error {
  override readonly name = 'TextRejectedError';
}

export interface Texter {
  /** Resolves with the provider's id; TextRejectedError on a definite refusal; anything else is "unknown". */
  send(message: OutgoingText): Promise<{ messageId: string }>;
  /** True when the number opted out at the provider (replied STOP): nothing may be sent to it. */
  optedOut(phoneNumber: string): Promise<boolean>;
}
