/**
 * Money is an integer count of the currency's minor units plus an ISO 4217 code.
 * The API speaks decimal strings with exactly the currency's precision ("1250.00" USD,
 * "1250" JPY, "12.500" BHD); nothing in between is ever a float.
 */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

/**
 * The largest amount in minor units: every stored amount (and, on one invoice, payments plus
 * credit notes: see invoice.ts) is exact in a double and in the table. Sums across invoices or
 * many items can pass it: they are BigInt (`sumMinor`).
 */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

/**
 * ISO 4217 minor units, pinned here rather than taken from Intl: CLDR's display digits differ
 * for some currencies (HUF, IDR, COP, IQD...) and change with the ICU version, and stored
 * minor units must never be rescaled by a runtime upgrade. Everything else has 2.
 */
const minorUnitExceptions: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'].map((code) => [
      code,
      0,
    ]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

/** Codes with no minor unit in ISO 4217 (precious metals, testing, SDR...): not invoice currencies. */
const notInvoiceCurrencies = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code) && !notInvoiceCurrencies.has(code);
}

/** Number of minor-unit digits of an ISO 4217 currency (2 for EUR, 0 for JPY, 3 for BHD). */
export function minorDigits(currency: string): number {
  if (!isCurrency(currency)) throw new RangeError(`Unknown currency ${currency}`);
  return minorUnitExceptions[currency] ?? 2;
}

export type ParseResult = { ok: true; minor: number } | { ok: false; message: string };

/** Parses a non-negative decimal string with exactly the currency's precision. */
export function parseAmount(text: string, currency: string): ParseResult {
  if (!isCurrency(currency)) return { ok: false, message: `unknown currency "${currency}"` };
  const digits = minorDigits(currency);
  const pattern = digits === 0 ? /^(0|[1-9]\d*)$/ : new RegExp(`^(0|[1-9]\\d*)\\.(\\d{${digits}})$`);
  const match = pattern.exec(text);
  if (!match) {
    const example = digits === 0 ? '1250' : `1250.${'0'.repeat(digits)}`;
    return { ok: false, message: `must be a decimal string with ${digits} decimal places for ${currency}, like "${example}"` };
  }
  const minor = Number(`${match[1]}${match[2] ?? ''}`);
  if (!Number.isSafeInteger(minor)) return { ok: false, message: 'is too large' };
  return { ok: true, minor };
}

/**
 * Formats minor units back to the API's decimal string, exactly (a BigInt sum too). Negative
 * values keep their sign; a number must be an integer.
 */
export function formatAmount(minor: number | bigint, currency: string): string {
  const digits = minorDigits(currency);
  const exact = BigInt(minor);
  const sign = exact < 0n ? '-' : '';
  const abs = (exact < 0n ? -exact : exact).toString();
  if (digits === 0) return `${sign}${abs}`;
  const padded = abs.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Human display for messages, in the reader's locale (e.g. "€1,250.00", "1.250,00 €"); exact, no floats. */
export function displayAmount(minor: number | bigint, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl formats decimal strings exactly (Intl.NumberFormat v3).
  return format.format(formatAmount(minor, currency) as unknown as number);
}

/**
 * The exact sum of amounts in minor units, in BigInt: what a customer owes across invoices, the
 * total of a combined reminder or of installments can pass 2^53, where a number sum would round.
 */
export function sumMinor(values: Iterable<number | bigint>): bigint {
  let sum = 0n;
  for (const value of values) sum += BigInt(value);
  return sum;
}

/**
 * quantity × unit price in minor units, exactly, in BigInt (a decimal quantity is scaled, never
 * a float). `undefined` when the quantity is not a decimal string or the product is not a whole
 * number of minor units (0.333 × 1.00).
 */
export function lineTotalMinor(quantity: string, unitPriceMinor: number | bigint): bigint | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(quantity);
  if (!match) return undefined;
  const decimals = match[2] ?? '';
  const scale = 10n ** BigInt(decimals.length);
  const product = BigInt(`${match[1]}${decimals}`) * BigInt(unitPriceMinor);
  return product % scale === 0n ? product / scale : undefined;
}
