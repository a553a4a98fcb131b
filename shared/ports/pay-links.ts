/** Signed links to an invoice's hosted payment page (shared/adapters/pay-links.ts). */

export interface PayLinks {
  payUrl(invoiceId: string, dueDate: string, now: Date): Promise<string>;
  /** A short link to the same page, for SMS (one segment instead of two); without it SMS carry payUrl. */
  shortUrl?(invoiceId: string, dueDate: string, now: Date): Promise<string>;
}
