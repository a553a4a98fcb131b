import { createHash } from 'node:crypto';
import * as z from 'zod';
import { canonicalJson } from '#domain/canonical-json.ts';
import { formatAmount } from '#domain/money.ts';
import { invoiceTier } from '#domain/planner.ts';
import { daysPastDue } from '#domain/risk.ts';
import type { CustomerListPosition } from '#ports/customer-directory.ts';
import type { DueRange, InvoiceListPosition } from '#ports/invoice-store.ts';
import type { FieldError } from './field-errors.ts';
import { idSchema, isoDate } from './input-rules.ts';
import { type CustomerListing, type InvoiceListing, invoiceListStatusOrder } from './listing.ts';

/**
 * `GET /v1/invoices` and `GET /v1/customers`: their query strings, the opaque cursor that pages
 * through them, and their items.
 */

export const MAX_LIST_LIMIT = 500;
const limitMessage = `must be a whole number from 1 to ${MAX_LIST_LIMIT}`;
const limit = z.coerce
  .number({ error: limitMessage })
  .int(limitMessage)
  .min(1, limitMessage)
  .max(MAX_LIST_LIMIT, limitMessage)
  .default(50)
  .describe(`Items per page, 1-${MAX_LIST_LIMIT}`);

/** A cursor is base64url text; what it holds is checked when it is decoded. */
const cursor = z
  .string()
  .max(1000, 'is not a cursor this list handed out')
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this list handed out')
  .describe('The `next` of the previous page, with the same filters');

export const invoiceListQuerySchema = z.strictObject({
  status: z.enum(invoiceListStatusOrder, { message: `must be one of ${invoiceListStatusOrder.join(', ')}` }).optional(),
  customerId: idSchema.optional(),
  overdue: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .describe('true: due before today (UTC); false: due today or later'),
  dueBefore: isoDate.optional().describe('Only invoices due before this date (YYYY-MM-DD)'),
  limit,
  cursor: cursor.optional(),
});
export type InvoiceListQueryString = z.infer<typeof invoiceListQuerySchema>;

export const customerListQuerySchema = z.strictObject({
  segment: z.string().min(1).max(64).optional().describe('Only customers of this segment (exactly as sent by the ERP)'),
  limit,
  cursor: cursor.optional(),
});
export type CustomerListQueryString = z.infer<typeof customerListQuerySchema>;

/**
 * The due dates a query asks for. `overdue=true` is due before today (the UTC date of the
 * clock, as the invoice view counts days past due), `overdue=false` due today or later;
 * with `dueBefore` too, the earlier bound wins. An empty range (e.g. not overdue but due
 * before yesterday) is no error: it lists nothing.
 */
export function dueRange(query: Pick<InvoiceListQueryString, 'overdue' | 'dueBefore'>, today: string): DueRange {
  const bounds = [query.overdue === 'true' ? today : undefined, query.dueBefore].filter((bound) => bound !== undefined).sort();
  const before = bounds[0];
  return { ...(query.overdue === 'false' ? { from: today } : {}), ...(before !== undefined ? { before } : {}) };
}

// ---------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------

/**
 * A cursor is base64url JSON `{ "v": 1, "p": <position>, "h": <check> }`: where the page ended
 * (the last item's sort key, and for invoices over every status, the status it was in) and a
 * SHA-256 over the list, its filters and that position. A cursor from a list with other
 * filters, or one that was changed, fails the check and is refused (400 on `cursor`). The
 * check is not a signature: a client that forges one can only start a list it may read anyway
 * at another place. `limit` is not a filter; it may change from page to page.
 */
const cursorEnvelope = z.strictObject({ v: z.literal(1), p: z.unknown(), h: z.string() });

const invoicePosition = z.strictObject({ s: z.enum(invoiceListStatusOrder).optional(), d: isoDate, i: idSchema });
const customerPosition = z.strictObject({ c: idSchema });

type CursorResult<P> = { readonly position: P } | { readonly error: FieldError };

function cursorCheck(list: string, filters: object, position: unknown): string {
  return createHash('sha256').update(canonicalJson({ list, filters, position })).digest('base64url').slice(0, 22);
}

function encodeCursor(list: string, filters: object, position: unknown): string {
  return Buffer.from(JSON.stringify({ v: 1, p: position, h: cursorCheck(list, filters, position) })).toString('base64url');
}

function decodeCursor<S extends z.ZodType>(text: string, list: string, filters: object, schema: S): CursorResult<z.infer<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return { error: { path: 'cursor', message: 'is not a cursor this list handed out' } };
  }
  const envelope = cursorEnvelope.safeParse(raw);
  const position = envelope.success ? schema.safeParse(envelope.data.p) : undefined;
  if (!envelope.success || !position?.success) return { error: { path: 'cursor', message: 'is not a cursor this list handed out' } };
  if (envelope.data.h !== cursorCheck(list, filters, envelope.data.p)) {
    return {
      error: { path: 'cursor', message: 'belongs to a list with other filters, or was changed: send the filters of the page it came from' },
    };
  }
  return { position: position.data };
}

const invoiceFilters = (query: InvoiceListQueryString) => ({
  status: query.status,
  customerId: query.customerId,
  overdue: query.overdue,
  dueBefore: query.dueBefore,
});

export function encodeInvoiceCursor(query: InvoiceListQueryString, position: InvoiceListPosition): string {
  const compact = { ...(position.status ? { s: position.status } : {}), d: position.dueDate, i: position.invoiceId };
  return encodeCursor('invoices', invoiceFilters(query), compact);
}

export function decodeInvoiceCursor(query: InvoiceListQueryString & { cursor: string }): CursorResult<InvoiceListPosition> {
  const decoded = decodeCursor(query.cursor, 'invoices', invoiceFilters(query), invoicePosition);
  if ('error' in decoded) return decoded;
  const { s, d, i } = decoded.position;
  return { position: { ...(s ? { status: s } : {}), dueDate: d, invoiceId: i } };
}

export function encodeCustomerCursor(query: CustomerListQueryString, position: CustomerListPosition): string {
  return encodeCursor('customers', { segment: query.segment }, { c: position.customerId });
}

export function decodeCustomerCursor(query: CustomerListQueryString & { cursor: string }): CursorResult<CustomerListPosition> {
  const decoded = decodeCursor(query.cursor, 'customers', { segment: query.segment }, customerPosition);
  return 'error' in decoded ? decoded : { position: { customerId: decoded.position.c } };
}

// ---------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------

/**
 * An invoice in the list. Days past due (negative: days until due) and the tier are counted
 * from the UTC date of `now`, as the invoice view does; the balance never shows below zero.
 */
export function invoiceListItem(listing: InvoiceListing, now: Date) {
  const money = (minor: number) => formatAmount(minor, listing.currency);
  const days = daysPastDue(listing.dueDate, now.toISOString().slice(0, 10));
  return {
    invoiceId: listing.invoiceId,
    customerId: listing.customerId,
    customerName: listing.customerName,
    currency: listing.currency,
    amount: money(listing.amountMinor),
    balance: money(Math.max(listing.balanceMinor, 0)),
    dueDate: listing.dueDate,
    status: listing.status,
    daysPastDue: days,
    tier: invoiceTier(listing, days),
    nextAction: listing.nextAction ?? null,
  };
}

/** A customer in the list: contacts, settings and reachability (risk and open balance are on `GET /v1/customers/{id}`). */
export function customerListItem(listing: CustomerListing) {
  return {
    customerId: listing.customerId,
    name: listing.name,
    ...(listing.email ? { email: listing.email } : {}),
    ...(listing.phone ? { phone: listing.phone } : {}),
    timeZone: listing.timeZone,
    locale: listing.locale,
    ...(listing.segment ? { segment: listing.segment } : {}),
    ...(listing.country ? { country: listing.country } : {}),
    ...(listing.subdivision ? { subdivision: listing.subdivision } : {}),
    ...(listing.policyId ? { policyId: listing.policyId } : {}),
    consent: listing.consent,
    ...(listing.preferredChannel ? { preferredChannel: listing.preferredChannel } : {}),
    reachable: listing.reachable,
    updatedAt: listing.updatedAt,
  };
}
