import { type CustomerProfile, suppressionOf } from '#domain/customers.ts';
import { activeHolds } from '#domain/holds.ts';
import { balanceMinor, type Invoice, type InvoiceStatus } from '#domain/invoice.ts';
import type { CustomerListing } from '#ports/customer-directory.ts';
import type { InvoiceListing } from '#ports/invoice-store.ts';
import { type NextActionView, nextActionView } from './invoice-view.ts';

export type { CustomerListing, InvoiceListing };

/**
 * What an item keeps for the lists (`GET /v1/invoices`, `GET /v1/customers`): the `listing`
 * attribute, written with every put of the item and projected into the list indexes
 * (table-indexes.ts). A list reads these and never the whole items.
 */

/** Without a status filter, statuses are listed in this order: what still needs work first. */
export const invoiceListStatusOrder = [
  'open',
  'on_hold',
  'escalated',
  'paid',
  'written_off',
  'void',
] as const satisfies readonly InvoiceStatus[];
/** Fails to compile when the domain gets a status the order above lacks (its invoices would never be listed). */
const _everyStatusListed: [Exclude<InvoiceStatus, (typeof invoiceListStatusOrder)[number]>] extends [never] ? true : never = true;

export function invoiceListing(invoice: Invoice, now: Date): InvoiceListing {
  return {
    invoiceId: invoice.invoiceId,
    customerId: invoice.customer.customerId,
    customerName: invoice.customer.name,
    currency: invoice.currency,
    amountMinor: invoice.amountMinor,
    balanceMinor: balanceMinor(invoice),
    dueDate: invoice.dueDate,
    status: invoice.status,
    ...(invoice.startingTier !== undefined ? { startingTier: invoice.startingTier } : {}),
    ...(invoice.escalation ? { escalation: invoice.escalation } : {}),
    ...holdReasons(invoice),
    ...plannedNextAction(invoice, now),
  };
}

/** The reasons of the invoice's active holds, each once, sorted: the listing's `holds`. */
export function activeHoldReasons(invoice: Invoice): string[] {
  return [...new Set(activeHolds(invoice).map((hold) => hold.reason))].sort();
}

function holdReasons(invoice: Invoice): { holds?: string[] } {
  const reasons = activeHoldReasons(invoice);
  return reasons.length > 0 ? { holds: reasons } : {};
}

/** A state the planner cannot plan must not also block the write that stores it (a payment, a send record). */
function plannedNextAction(invoice: Invoice, now: Date): { nextAction?: NextActionView | null } {
  try {
    return { nextAction: nextActionView(invoice, now) };
  } catch {
    return {};
  }
}

export function customerListing(profile: CustomerProfile): CustomerListing {
  const suppressions = { suppressions: profile.suppressions ?? [] };
  const reachable = (channel: 'email' | 'sms', address: string | undefined) =>
    profile.consent[channel] && address !== undefined && address !== '' && !suppressionOf(suppressions, channel, address);
  return {
    customerId: profile.customerId,
    name: profile.name,
    ...(profile.email ? { email: profile.email } : {}),
    ...(profile.phone ? { phone: profile.phone } : {}),
    timeZone: profile.timeZone,
    locale: profile.locale,
    ...(profile.segment ? { segment: profile.segment } : {}),
    ...(profile.country ? { country: profile.country } : {}),
    ...(profile.subdivision ? { subdivision: profile.subdivision } : {}),
    ...(profile.policyId ? { policyId: profile.policyId } : {}),
    consent: { email: profile.consent.email, sms: profile.consent.sms },
    ...(profile.preferredChannel ? { preferredChannel: profile.preferredChannel } : {}),
    reachable: { email: reachable('email', profile.email), sms: reachable('sms', profile.phone) },
    updatedAt: profile.updatedAt,
  };
}
