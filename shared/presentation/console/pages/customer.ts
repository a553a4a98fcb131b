import type { customerView } from '#contracts/customer-api.ts';
import type { Customer } from '#domain/invoice.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import type { InvoiceListItem } from './invoices.ts';
import { amount, dataTable, facts, heading, labelFor, text } from './parts.ts';

export type CustomerDetail = ReturnType<typeof customerView>;

export interface CustomerPageView {
  /** `GET /v1/customers/{id}`. */
  readonly customer: CustomerDetail;
  /** `GET /v1/invoices?customerId=…` items that are still open (any open status). */
  readonly openInvoices: readonly InvoiceListItem[];
}

const c = w.customer;

/** How to reach the customer: the contacts on file, consent and what is suppressed (the task page shows them too). */
export function contactFacts(customer: Customer & Partial<Pick<CustomerDetail, 'consent' | 'preferredChannel' | 'suppressions'>>): string {
  const optional = (label: string, value: string | undefined) => (value ? ([label, text(value)] as const) : undefined);
  const suppressed = customer.suppressions?.map((entry) => `${labelFor(w.channels, entry.channel)} ${entry.address}`);
  return facts([
    [c.customerId, text(customer.customerId)],
    optional(c.email, customer.email),
    optional(c.phone, customer.phone),
    customer.postalAddress ? [c.postalAddress, text(customer.postalAddress).replace(/\n/g, '<br>')] : undefined,
    [c.timeZone, text(customer.timeZone)],
    [c.locale, text(customer.locale)],
    optional(c.segment, customer.segment),
    customer.consent ? [c.consent, text(c.consentText(customer.consent.email, customer.consent.sms))] : undefined,
    optional(c.preferredChannel, customer.preferredChannel ? labelFor(w.channels, customer.preferredChannel) : undefined),
    suppressed?.length ? [c.suppressed, text(suppressed.join('; '))] : undefined,
  ]);
}

function risk(customer: CustomerDetail): string {
  const { score, tier, drivers, basis } = customer.risk;
  const summary = facts([
    [c.score, text(String(score))],
    [c.tier, text(String(tier))],
  ]);
  const table = drivers.length
    ? dataTable(
        c.driversCaption,
        [{ header: text(c.driver) }, { header: text(c.points), numeric: true }, { header: text(c.explanation) }],
        drivers.map((driver) => [text(labelFor(c.drivers, driver.driver)), text(String(driver.points)), text(driver.explanation)]),
      )
    : `<p>${text(c.noDrivers)}</p>`;
  return `${summary}<p>${text(c.basis(basis.invoices, basis.settled))}</p>${table}`;
}

function openInvoices(view: CustomerPageView): string {
  const t = w.invoices;
  const balances = Object.entries(view.customer.openInvoices.balance).map(([currency, balance]) => amount(balance, currency));
  const summary = `<p>${text([c.openSummary(view.customer.openInvoices.count), ...balances].join(' · '))}</p>`;
  if (view.openInvoices.length === 0) return summary;
  return (
    summary +
    dataTable(
      c.openHeading,
      [t.invoice, t.balance, t.dueDate, t.daysPastDue, t.status].map((label, index) => ({
        header: text(label),
        numeric: index === 1 || index === 3,
      })),
      view.openInvoices.map((item) => [
        `<a href="${text(consolePaths.invoice(item.invoiceId))}">${text(item.invoiceId)}</a>`,
        text(amount(item.balance, item.currency)),
        text(item.dueDate),
        String(item.daysPastDue),
        text(labelFor(w.statuses, item.status)),
      ]),
    )
  );
}

function section(id: string, title: string, content: string): string {
  return `<section aria-labelledby="${id}-heading">${heading(2, title, `${id}-heading`)}${content}</section>`;
}

/** `GET /console/customers/{id}`: risk and what drives it, how to reach them, everything they still owe. */
export function renderCustomer(view: CustomerPageView, ctx: ConsoleContext): string {
  const customer = view.customer;
  const title = c.title(customer.name);
  const body =
    heading(1, title) +
    section('risk', c.riskHeading, risk(customer)) +
    section('contacts', c.contactsHeading, contactFacts(customer)) +
    section('open', c.openHeading, openInvoices(view));
  return consolePage(title, body, ctx);
}
