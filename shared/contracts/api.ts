import * as z from 'zod';
import { canonicalTimeZone, isIsoDate } from '#domain/calendar.ts';
import { disputeReasons } from '#domain/hold-types.ts';
import { isCountryCode, isSubdivisionCode } from '#domain/holidays.ts';
import type { InvoiceInput, PaymentInput } from '#domain/invoice.ts';
import { formatAmount, isCurrency, lineTotalMinor, parseAmount } from '#domain/money.ts';
import { type FieldError, fieldErrors } from './field-errors.ts';
import {
  addYears,
  DATE_RANGE,
  decimalAmount,
  idSchema,
  isoDate,
  isoInstant,
  MAX_AMOUNT_MINOR,
  MAX_TERM_YEARS,
  multiLineText,
  quantitySchema,
  singleLineText,
} from './input-rules.ts';

// Kept importable from here, where most callers find the other request rules.
export { type FieldError, fieldErrors, idSchema, isoDate };

/** Request schemas of the HTTP API. Unknown fields are rejected everywhere (strictObject). */

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const countryMessage = 'must be an ISO 3166-1 alpha-2 country code like "DE"';
const subdivisionMessage = 'must be the part after the dash of an ISO 3166-2 code, like "BY" for DE-BY';

export const customerFieldsSchema = z.strictObject({
  customerId: idSchema,
  name: singleLineText(200),
  email: z.email('must be an email address').max(254).optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number like "+4915123456789"')
    .optional(),
  /** Where letters go (a `letter` step): the address lines as printed on the envelope. */
  postalAddress: multiLineText(300).optional(),
  timeZone: z
    .string()
    .max(64)
    .refine((zone) => canonicalTimeZone(zone) !== undefined, 'must be an IANA time zone like "Europe/Berlin"')
    .transform((zone) => canonicalTimeZone(zone) ?? zone)
    .default('UTC'),
  locale: z.string().max(35).refine(isLocale, 'must be a BCP 47 locale like "de-DE"').default('en-US'),
  segment: singleLineText(64).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { message: countryMessage, abort: true })
    .transform((code) => code.toUpperCase())
    .refine(isCountryCode, countryMessage)
    .optional()
    .describe(
      'ISO 3166-1 alpha-2 country code ("DE"; case-insensitive, stored upper-case). Public holidays of this place are never send days. ' +
        "Absent: defaulted from timeZone when unambiguous, to the country of the zone's own location (Europe/Berlin → DE, " +
        'Europe/Copenhagen → DK; none for UTC or Etc/GMT+5, so no holidays)',
    ),
  subdivision: z
    .string()
    .regex(/^[A-Za-z0-9]{1,3}$/, { message: subdivisionMessage, abort: true })
    .transform((code) => code.toUpperCase())
    .optional()
    .describe(
      'The part after the dash of an ISO 3166-2 code ("BY" for DE-BY, "CA" for US-CA; case-insensitive, stored upper-case): ' +
        "the state or region whose own public holidays are never send days either. Needs country; one of that country's subdivisions",
    ),
});

/** A subdivision is read within its country: it needs one, and must be one of that country's. */
export function holidayPlaceIssues(
  customer: { country?: string | undefined; subdivision?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const { country, subdivision } = customer;
  if (subdivision === undefined) return;
  if (country === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['subdivision'],
      message: 'needs country too: a subdivision is read within its country ("BY" with "DE")',
    });
  } else if (isCountryCode(country) && !isSubdivisionCode(country, subdivision)) {
    ctx.addIssue({ code: 'custom', path: ['subdivision'], message: `is not a subdivision of ${country} with its own public holidays` });
  }
}

/**
 * The customer as the ERP sends it in an invoice. The customers API extends `customerFieldsSchema`
 * with the settings finance keeps and checks the holiday place the same way.
 */
export const customerSchema = customerFieldsSchema.superRefine(holidayPlaceIssues);

/** An invoice is issued today, in the past, or at most this far ahead (pre-billing); later is a typo. */
export const MAX_ISSUE_DAYS_AHEAD = 366;

const lineSchema = z.strictObject({
  // ERPs send multi-line descriptions (a service period under the item); other control characters are refused.
  description: multiLineText(500),
  quantity: quantitySchema,
  unitPrice: decimalAmount('Price of one unit'),
});

export const invoiceRequestSchema = z
  .strictObject({
    invoiceId: idSchema,
    customer: customerSchema,
    currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code like "EUR"'),
    amount: decimalAmount('The invoice total, tax included; greater than zero'),
    issueDate: isoDate.describe(`${DATE_RANGE}; at most ${MAX_ISSUE_DAYS_AHEAD} days after today (UTC)`),
    dueDate: isoDate.describe(`${DATE_RANGE}; on or after issueDate, at most ${MAX_TERM_YEARS} years after it`),
    poNumber: singleLineText(100).optional(),
    lines: z
      .array(lineSchema)
      .max(1000)
      .default([])
      .describe('When given, Σ quantity × unitPrice equals amount exactly: tax, shipping and fees are lines too'),
    /** The cadence policy to follow; the default policy when absent. Fixed once the invoice exists. */
    policyId: idSchema.optional(),
  })
  .superRefine((invoice, ctx) => {
    if (!isCurrency(invoice.currency)) return;
    const amount = parseAmount(invoice.amount, invoice.currency);
    if (!amount.ok) ctx.addIssue({ code: 'custom', path: ['amount'], message: amount.message });
    else if (amount.minor === 0) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be greater than zero' });
    const prices = invoice.lines.map((line, index) => {
      const price = parseAmount(line.unitPrice, invoice.currency);
      if (!price.ok) ctx.addIssue({ code: 'custom', path: ['lines', index, 'unitPrice'], message: price.message });
      return price.ok ? price.minor : undefined;
    });
    if (amount.ok) {
      for (const issue of lineSumIssues(invoice.lines, prices, BigInt(amount.minor), invoice.currency))
        ctx.addIssue({ code: 'custom', ...issue });
    }
    if (isIsoDate(invoice.issueDate) && isIsoDate(invoice.dueDate)) {
      if (invoice.dueDate < invoice.issueDate) {
        ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'must not be before issueDate' });
      } else if (invoice.dueDate > addYears(invoice.issueDate, MAX_TERM_YEARS)) {
        ctx.addIssue({ code: 'custom', path: ['dueDate'], message: `must be at most ${MAX_TERM_YEARS} years after issueDate` });
      }
    }
  });

/**
 * Lines, when given, add up to the amount exactly: Σ quantity × unitPrice, in BigInt minor units
 * (no product can overflow or round). A product that is not a whole number of minor units, or
 * larger than any amount, is named at its line; a sum that differs from the amount at `lines`.
 * Skipped while a unit price or the quantity is itself invalid (that is reported on its own).
 */
export function lineSumIssues(
  lines: readonly { quantity: string }[],
  unitPricesMinor: readonly (number | undefined)[],
  amountMinor: bigint,
  currency: string,
): { path: (string | number)[]; message: string }[] {
  if (lines.length === 0) return [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  let sum = 0n;
  let complete = true;
  lines.forEach((line, index) => {
    const price = unitPricesMinor[index];
    if (price === undefined || !/^\d{1,9}(\.\d{1,4})?$/.test(line.quantity)) {
      complete = false;
      return;
    }
    const total = lineTotalMinor(line.quantity, price);
    if (total === undefined) {
      issues.push({ path: ['lines', index, 'quantity'], message: 'quantity × unitPrice must be a whole number of minor units' });
      complete = false;
    } else if (total > BigInt(MAX_AMOUNT_MINOR)) {
      issues.push({
        path: ['lines', index, 'quantity'],
        message: `quantity × unitPrice must be at most ${formatAmount(MAX_AMOUNT_MINOR, currency)}`,
      });
      complete = false;
    } else {
      sum += total;
    }
  });
  if (complete && sum !== amountMinor) {
    issues.push({
      path: ['lines'],
      message: `must add up to amount (${formatAmount(Number(amountMinor), currency)}): Σ quantity × unitPrice is ${formatAmount(Number(sum), currency)}; put tax and fees in lines of their own`,
    });
  }
  return issues;
}
export type InvoiceRequest = z.infer<typeof invoiceRequestSchema>;

/** The invoice rules that need the clock (the schema holds only fixed bounds). */
export function invoiceDateErrors(request: Pick<InvoiceRequest, 'issueDate'>, now: Date): FieldError[] {
  const latest = new Date(now.getTime() + MAX_ISSUE_DAYS_AHEAD * 86_400_000).toISOString().slice(0, 10);
  return request.issueDate > latest
    ? [{ path: 'issueDate', message: `must be at most ${MAX_ISSUE_DAYS_AHEAD} days after today (${latest})` }]
    : [];
}

/** `POST /v1/invoices:batch` takes up to this many invoices (and at most 1 MB, like every body). */
export const MAX_BATCH_INVOICES = 500;

const batchOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    invoices: z
      .array(item)
      .min(1, 'must hold at least one invoice')
      .max(MAX_BATCH_INVOICES, `must hold at most ${MAX_BATCH_INVOICES} invoices; split the batch`),
  });

/**
 * The batch envelope only: each item is then validated on its own with `invoiceRequestSchema`,
 * so one bad item is reported at its index and never fails the others.
 */
export const invoiceBatchEnvelopeSchema = batchOf(z.unknown());

/** The whole batch request as published (OpenAPI): every item is a `POST /v1/invoices` body. */
export const invoiceBatchRequestSchema = batchOf(invoiceRequestSchema);

/** Converts a validated request to the domain's minor units. */
export function toInvoiceInput(request: InvoiceRequest): InvoiceInput {
  const minor = (text: string) => {
    const parsed = parseAmount(text, request.currency);
    if (!parsed.ok) throw new Error(`unvalidated amount ${text}`);
    return parsed.minor;
  };
  return {
    invoiceId: request.invoiceId,
    customer: request.customer,
    currency: request.currency,
    amountMinor: minor(request.amount),
    issueDate: request.issueDate,
    dueDate: request.dueDate,
    poNumber: request.poNumber,
    lines: request.lines.map((line) => ({ description: line.description, quantity: line.quantity, unitPriceMinor: minor(line.unitPrice) })),
  };
}

export const paymentRequestSchema = z.strictObject({
  paymentId: idSchema,
  amount: decimalAmount(
    "The amount paid, in the invoice currency; greater than zero. It may overpay, but the invoice's payments and credit notes together stay at most 2^53 − 1 minor units (400 on amount otherwise)",
  ),
  paidAt: isoInstant(),
  method: singleLineText(40).optional(),
});
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

/** A payment dated further ahead than this is a typo, not clock skew. */
const FUTURE_PAYMENT_TOLERANCE_MS = 24 * 3600 * 1000;

/** The payment amount is read in the invoice's currency, which only the stored invoice knows. */
export function toPaymentInput(request: PaymentRequest, currency: string, now: Date): PaymentInput | FieldError {
  const amount = parseAmount(request.amount, currency);
  if (!amount.ok) return { path: 'amount', message: amount.message };
  if (amount.minor === 0) return { path: 'amount', message: 'must be greater than zero' };
  if (Date.parse(request.paidAt) > now.getTime() + FUTURE_PAYMENT_TOLERANCE_MS) {
    return { path: 'paidAt', message: 'must not be in the future' };
  }
  return {
    paymentId: request.paymentId,
    amountMinor: amount.minor,
    paidAt: new Date(request.paidAt).toISOString(),
    method: request.method,
  };
}

// ---------------------------------------------------------------------------------------
// Collections actions: disputes, promises, holds, credit notes, void
// ---------------------------------------------------------------------------------------

export const disputeRequestSchema = z.strictObject({
  reason: z.enum(disputeReasons, { message: `must be one of ${disputeReasons.join(', ')}` }),
  note: multiLineText(2000).optional(),
});

export const disputeResolutionSchema = z.strictObject({
  outcome: z.enum(['rejected', 'credited', 'upheld'], { message: 'must be one of rejected, credited, upheld' }),
  creditAmount: decimalAmount('The credit, in the invoice currency; greater than zero').optional(),
  note: multiLineText(2000).optional(),
});

export const promiseRequestSchema = z.strictObject({
  promisedDate: isoDate,
  amount: decimalAmount('The amount promised, in the invoice currency; greater than zero').optional(),
});

export const holdRequestSchema = z.strictObject({
  until: isoInstant('must be an ISO 8601 instant').optional(),
  /** Why dunning is paused. */
  note: multiLineText(2000),
  /** `unmatched_cash`: money arrived that may be this invoice's and is not applied yet. Default `manual`. */
  reason: z.enum(['manual', 'unmatched_cash'], { message: 'must be manual or unmatched_cash' }).optional(),
});

export const creditNoteRequestSchema = z.strictObject({
  creditNoteId: idSchema,
  amount: decimalAmount('The credit, in the invoice currency; greater than zero'),
  reason: multiLineText(500),
});

export const paymentPlanRequestSchema = z.strictObject({
  installments: z
    .array(z.strictObject({ dueDate: isoDate, amount: decimalAmount('The installment, in the invoice currency; greater than zero') }))
    .min(1)
    .max(24),
});

export const replanRequestSchema = z.strictObject({ policyId: idSchema.optional() });

export const voidRequestSchema = z.strictObject({ reason: multiLineText(500).optional() });

/** An optional amount in the invoice's currency, for requests whose currency only the invoice knows. */
export function optionalMinor(text: string | undefined, currency: string, path: string): number | undefined | FieldError {
  if (text === undefined) return undefined;
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) return { path, message: parsed.message };
  if (parsed.minor === 0) return { path, message: 'must be greater than zero' };
  return parsed.minor;
}
