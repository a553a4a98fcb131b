import type { ChannelConsent, CustomerProfile, Reachability, Suppression } from '#domain/customers.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Tier } from '#domain/risk.ts';

/** A customer as the list shows it: contacts, settings, and whether each channel can reach them now. */
export interface CustomerListing {
  readonly customerId: string;
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly timeZone: string;
  readonly locale: string;
  readonly segment?: string;
  readonly country?: string;
  readonly subdivision?: string;
  readonly policyId?: string;
  readonly consent: { readonly email: boolean; readonly sms: boolean };
  readonly preferredChannel?: 'email' | 'sms';
  /** Consented, with an address that is not suppressed (bounced, complained, opted out). */
  readonly reachable: { readonly email: boolean; readonly sms: boolean };
  readonly updatedAt: string;
}

/**
 * What an invoice's lifecycle needs to know about its customer: the tier their risk starts
 * them at, the policy their profile names, and which channels they consented to.
 */
export interface CustomerDirectory {
  /** The starting dunning tier for a new invoice of this customer, from their risk (1 when unknown). */
  startingTier(customerId: string, today: string): Promise<Tier>;
  /** The customer's default policy id, if their profile names one. */
  policyId(customerId: string): Promise<string | undefined>;
  /** Links a new invoice to its customer (so risk sees it) and records the contact details the ERP sent, without overwriting consent. Idempotent. */
  invoiceCreated(invoice: Invoice): Promise<void>;
  /** Channel consent; a customer without a profile has consented to both (they are the ERP's contacts). */
  consent(customerId: string): Promise<ChannelConsent>;
  /** Consent and the suppressed addresses (bounced, complained, opted out at the carrier). */
  reachability(customerId: string): Promise<Reachability>;
  /** Records that an address of the invoice's customer must not be used again; false when already known. */
  suppress(invoice: Invoice, suppression: Suppression): Promise<boolean>;
}

/**
 * Customer master data and the invoices that belong to each customer: what the customers API
 * and the directory above are built on.
 */
export interface CustomerStore {
  getProfile(customerId: string): Promise<CustomerProfile | undefined>;
  /**
   * Creates the profile when `profile.version` is 0, else replaces it if it is still at that
   * version; returns it at the next version. StaleWriteError when another writer got in first.
   */
  saveProfile(profile: CustomerProfile): Promise<CustomerProfile>;
  /** Adds the invoice to the customer's invoices. Idempotent. */
  linkInvoice(customerId: string, invoiceId: string): Promise<void>;
  /**
   * The invoices linked to the customer, as stored now, in no particular order. An invoice that
   * was moved to another customer before dunning started still has its old link: callers check
   * `invoice.customer.customerId` (see `customerInvoices`).
   */
  linkedInvoices(customerId: string): Promise<Invoice[]>;
}

/** Where a customer list page ended: the last customer shown. */
export interface CustomerListPosition {
  readonly customerId: string;
}

export interface CustomerListQuery {
  readonly segment?: string | undefined;
  readonly limit: number;
  /** Resume after this position (the `next` of the previous page, for the same filters). */
  readonly after?: CustomerListPosition | undefined;
}

export interface CustomerListPage {
  /** By customerId. */
  readonly items: readonly CustomerListing[];
  /** Present when more follow: the position of the last item. */
  readonly next?: CustomerListPosition | undefined;
}

/** Customer lists, served by the list indexes from the listing each profile write stores (see InvoiceLister). */
export interface CustomerLister {
  list(query: CustomerListQuery): Promise<CustomerListPage>;
}
