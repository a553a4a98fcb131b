import type { Invoice, InvoiceStatus } from '#domain/invoice.ts';
import type { Tier } from '#domain/risk.ts';

/** The next action as a listing stores it (the invoice view's shape, named here so ports import no contract). */
export interface ListedNextAction {
  readonly type: string;
  readonly at: string | null;
  readonly stepId?: string;
}

/** An invoice as the list shows it, less what depends on the day it is read (days past due, tier). */
export interface InvoiceListing {
  readonly invoiceId: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly currency: string;
  readonly amountMinor: number;
  /** Amount less payments and credits; negative when overpaid (the list shows 0). */
  readonly balanceMinor: number;
  readonly dueDate: string;
  readonly status: InvoiceStatus;
  readonly startingTier?: Tier;
  readonly escalation?: number;
  /** Why it is paused: the reasons of its active holds (promise, dispute, manual, unmatched_cash…), sorted; absent when none. */
  readonly holds?: readonly string[];
  /**
   * What the planner would do next, as of the write (`nextActionView` in contracts): the list cannot plan
   * every invoice it shows. Every send, payment or hold is a write, so it is as fresh as the
   * invoice; absent when it could not be planned.
   */
  readonly nextAction?: ListedNextAction | null;
}

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
}

/** Ids of the invoices whose lifecycle has not closed yet, for the reconciler. */
export interface OpenInvoices {
  /** Disjoint parts that together hold every open invoice once, to be read at the same time, a page of ids at a time. */
  partitions(): readonly AsyncIterable<readonly string[]>[];
}

/** Where a list page ended: the last item shown, and for a list over every status, the status it was in. */
export interface InvoiceListPosition {
  readonly status?: InvoiceStatus | undefined;
  readonly dueDate: string;
  readonly invoiceId: string;
}

/** The position of a listing in the list it was read from (a list over every status also records the status). */
export function listPosition(listing: InvoiceListing, query: Pick<InvoiceListQuery, 'status' | 'customerId'>): InvoiceListPosition {
  const acrossStatuses = query.customerId === undefined && query.status === undefined;
  return { ...(acrossStatuses ? { status: listing.status } : {}), dueDate: listing.dueDate, invoiceId: listing.invoiceId };
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
