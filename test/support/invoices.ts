import { type Customer, type Invoice, type InvoiceInput, recordPayment, upsertInvoice } from '#domain/invoice.ts';
import { defaultPolicy } from '#domain/policy.ts';

/** Invoices for tests, built through the domain's own upsert so they look like stored ones. */

export const customer: Customer = {
  customerId: 'C-100',
  name: 'Acme GmbH',
  email: 'ap@acme.example',
  phone: '+4915123456789',
  timeZone: 'Europe/Berlin',
  locale: 'en-US',
  segment: 'enterprise',
};

type InputOverrides = Partial<Omit<InvoiceInput, 'customer'>> & { customer?: Partial<Customer> };

export function invoiceInput(overrides: InputOverrides = {}): InvoiceInput {
  const { customer: customerOverrides, ...rest } = overrides;
  return {
    invoiceId: 'INV-2026-0001',
    currency: 'EUR',
    amountMinor: 125_000,
    issueDate: '2026-11-01',
    dueDate: '2026-12-01',
    poNumber: 'PO-778',
    lines: [{ description: 'Consulting, November', quantity: '10', unitPriceMinor: 12_500 }],
    ...rest,
    customer: { ...customer, ...customerOverrides },
  };
}

/** A freshly ingested invoice as the store holds it (version 1). */
export function newInvoice(overrides: InputOverrides = {}, receivedAt = '2026-11-01T10:00:00Z'): Invoice {
  const outcome = upsertInvoice(undefined, invoiceInput(overrides), new Date(receivedAt));
  if (outcome.kind !== 'created') throw new Error('expected a created invoice');
  return { ...outcome.invoice, version: 1 };
}

/**
 * Tier 1 of the default policy on the default due date (2026-12-01) for a Berlin customer,
 * 09:00 local (CET, UTC+1): pre-3 falls on Saturday 28 Nov and moves to Monday 30 Nov;
 * post-3 2026-12-04; post-14 2026-12-15.
 */
export const berlinSchedule = {
  'pre-3': '2026-11-30T08:00:00.000Z',
  'post-3': '2026-12-04T08:00:00.000Z',
  'post-14': '2026-12-15T08:00:00.000Z',
} as const;

/** The example body of `POST /v1/invoices` in ../shared/API.md, verbatim. */
export const apiInvoiceExample = {
  invoiceId: 'INV-2026-0001',
  customer: {
    customerId: 'C-100',
    name: 'Acme GmbH',
    email: 'ap@acme.example',
    phone: '+4915123456789',
    timeZone: 'Europe/Berlin',
    locale: 'de-DE',
    segment: 'enterprise',
  },
  currency: 'EUR',
  amount: '1250.00',
  issueDate: '2026-11-01',
  dueDate: '2026-12-01',
  poNumber: 'PO-778',
  lines: [{ description: 'Consulting, November', quantity: '10', unitPrice: '125.00' }],
};

/** The API example with some top-level fields replaced. */
export function invoiceBody(overrides: Record<string, unknown> = {}) {
  return { ...structuredClone(apiInvoiceExample), ...overrides };
}

/**
 * One invoice of a hand-checked portfolio (the simulator's KPI and series tests): its own
 * customer in Berlin, received on its issue date under the default policy, and paid in full at
 * `paidAt` when given.
 */
export function portfolioInvoice(id: string, amountMinor: number, issueDate: string, dueDate: string, paidAt?: string): Invoice {
  const input: InvoiceInput = {
    invoiceId: id,
    customer: { customerId: `C-${id}`, name: id, email: `${id}@example.com`, timeZone: 'Europe/Berlin', locale: 'de-DE' },
    currency: 'EUR',
    amountMinor,
    issueDate,
    dueDate,
    lines: [{ description: 'x', quantity: '1', unitPriceMinor: amountMinor }],
  };
  const created = upsertInvoice(undefined, input, new Date(`${issueDate}T00:00:00Z`), defaultPolicy).invoice;
  if (!paidAt) return created;
  const paid = recordPayment(created, { paymentId: `P-${id}`, amountMinor, paidAt }, new Date(paidAt));
  if (paid.kind !== 'recorded') throw new Error(`payment of ${id} not recorded: ${paid.kind}`);
  return paid.invoice;
}
