/** A letter to print and post: the recipient's postal address and the printable page. */
export interface OutgoingLetter {
  /** The postal address lines, as on the envelope. */
  readonly to: string;
  readonly subject: string;
  /** A self-contained printable HTML page (A4). */
  readonly html: string;
  readonly invoiceIds: readonly string[];
  readonly step: string;
}

/** Hands letters to a print-and-post service (on AWS a bucket it collects from; locally a folder). */
export interface LetterPost {
  post(letter: OutgoingLetter): Promise<{ messageId: string }>;
}
