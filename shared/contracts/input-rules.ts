import * as z from 'zod';
import { isIsoDate } from '#domain/calendar.ts';
import { MAX_AMOUNT_MINOR } from '#domain/money.ts';

/**
 * The building blocks every write schema is made of, so a rule about hostile or nonsensical
 * input is decided once. Each carries its bound in its JSON Schema (a pattern, a length or a
 * description), which is how the OpenAPI document publishes it.
 */

/** C0 and C1 controls (CR, LF, TAB, NUL, ESC…), DEL, and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const singleLinePattern = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;
/** Free text may break lines (LF, CR, TAB); no other control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const multiLinePattern = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;
const notBlankPattern = /\S/;

/**
 * A name, an address, a label: one line of at most `max` characters, not blank, without control
 * characters (a CR/LF in a name becomes a header or a line of an email or SMS). Leading and
 * trailing spaces are dropped.
 */
export function singleLineText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(singleLinePattern, { message: 'must be one line without control characters (CR, LF, TAB…)', abort: true })
    .regex(notBlankPattern, { message: 'must not be blank', abort: true })
    .trim()
    .describe(`One line of at most ${max} characters, not blank, without control characters (CR, LF, TAB, NUL, ESC, DEL, C1, U+2028/2029)`);
}

/** A note or a reason: may span lines, but not blank and without other control characters. */
export function multiLineText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(multiLinePattern, { message: 'must not contain control characters other than line breaks and tabs', abort: true })
    .regex(notBlankPattern, { message: 'must not be blank', abort: true })
    .trim()
    .describe(`Text of at most ${max} characters, not blank; line breaks and tabs allowed, no other control character`);
}

/** Every date and instant the API takes lies in these years: earlier or later is a typo (1999, 9999). */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;
const yearPattern = /^20\d\d-/;
/** How the published schema describes a date. */
export const DATE_RANGE = `A calendar date, YYYY-MM-DD, from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31`;
const yearMessage = `must be in the years ${FIRST_YEAR} to ${LAST_YEAR}`;

/** An id the ERP chooses (invoice, customer, payment, policy...): safe in a key, a URL path and a log line. */
export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'must be 1-100 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** A calendar date YYYY-MM-DD from 2000-01-01 to 2099-12-31. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a calendar date in YYYY-MM-DD form', abort: true })
  .regex(yearPattern, { message: `${yearMessage} (from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31)`, abort: true })
  .refine(isIsoDate, 'must be a calendar date in YYYY-MM-DD form')
  .describe(DATE_RANGE);

/** An ISO 8601 instant with its offset, in the same years as dates. */
export function isoInstant(message = 'must be an ISO 8601 instant like "2026-12-01T10:00:00Z"') {
  return z.iso
    .datetime({ offset: true, message, abort: true })
    .regex(yearPattern, yearMessage)
    .describe(`An ISO 8601 instant with offset, in the years ${FIRST_YEAR} to ${LAST_YEAR}`);
}

/** A due date lies at most this many years after the issue date (a longer term is a typo). */
export const MAX_TERM_YEARS = 10;

/** `date` plus whole years, as YYYY-MM-DD (29 February lands on 28 February). */
export function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const monthDay = date.slice(5) === '02-29' ? '02-28' : date.slice(5);
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

/** The largest amount in minor units: every amount is exact in a double (and in the table). Defined with money. */
export { MAX_AMOUNT_MINOR };

/**
 * A money amount as the API speaks it; the currency (of the request or of the stored invoice)
 * decides the decimal places, so that and the upper bound are checked where it is known.
 */
export function decimalAmount(meaning: string) {
  return z
    .string()
    .max(32)
    .describe(
      `${meaning}: a decimal string with exactly the currency's minor-unit digits ("1250.00" EUR, "1250" JPY, "12.500" BHD), at most ${MAX_AMOUNT_MINOR} minor units`,
    );
}

/** A line's quantity: up to 9 digits and 4 decimals, so quantity × unit price is bounded. */
export const quantitySchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,4})?$/, 'must be a decimal string like "10" or "2.5" (at most 9 digits and 4 decimals)')
  .describe('Decimal string, at most 9 digits and 4 decimals; quantity × unitPrice must be a whole number of minor units');
