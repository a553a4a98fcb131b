import type { InvoiceListing } from '#contracts/listing.ts';
import type { Invoice, InvoiceStatus } from '#domain/invoice.ts';

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

/** Where a list page ended: the last item shown, and for a list over every status, the status it was in. */
export interface InvoiceListPosition {
  readonly status?: InvoiceStatus | undefined;
  readonly dueDate: string;
  readonly invoiceId: string;
}

/** Due dates of a list: on or after `from`, before `before` (either may be open). */
export interface DueRange {
  readonly from?: string | undefined;
  readonly before?: string | undefined;
}

export interface InvoiceListQuery {
  readonly status?: InvoiceStatus | undefined;
  readonly customerId?: string | undefined;
  readonly due: DueRange;
  /** At most this many listings in one page. */
  readonly limit: number;
  /** Resume after this position (the `next` of the previous page, for the same filters). */
  readonly after?: InvoiceListPosition | undefined;
}

export interface InvoiceListPage {
  /**
   * By due date then invoice id; without a status or customer filter, status by status in
   * `invoiceListStatusOrder`.
   */
  readonly items: readonly InvoiceListing[];
  /** Present when more follow: the position of the last item. */
  readonly next?: InvoiceListPosition | undefined;
}

/**
 * Invoice lists, served by the list indexes from the listing each invoice write stores. A port
 * of its own, beside InvoiceStore, so the use cases that only read and write invoices (and
 * their test doubles) need not know about lists.
 */
export interface InvoiceLister {
  list(query: InvoiceListQuery): Promise<InvoiceListPage>;
}
