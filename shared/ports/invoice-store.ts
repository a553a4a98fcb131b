import type { Invoice } from '#domain/invoice.ts';

/** Thrown when a conditional write finds the invoice changed (or created) since it was read. */
export class StaleWriteError extends Error {
  override readonly name = 'StaleWriteError';
}

export interface InvoiceStore {
  get(invoiceId: string): Promise<Invoice | undefined>;
  /** Creates the invoice; StaleWriteError if it already exists. */
  create(invoice: Invoice): Promise<Invoice>;
  /** Writes the invoice if it is still at `invoice.version`; returns it at the next version. */
  save(invoice: Invoice): Promise<Invoice>;
  /** Ids of invoices whose lifecycle has not closed yet, for the reconciler. */
  listActive(): AsyncIterable<string>;
}
