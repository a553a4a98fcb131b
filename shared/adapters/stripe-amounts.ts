import { minorDigits } from '#domain/money.ts';

/**
 * Dunwell keeps amounts in ISO 4217 minor units; Stripe's API has its own idea of each
 * currency's "smallest unit". Checked against https://docs.stripe.com/currencies (sections
 * "Zero-decimal currencies", "Three-decimal currencies", "Special cases" and "Minimum and
 * maximum charge amounts"):
 *
 * - Stripe's zero-decimal currencies take whole units. For most the ISO exponent is 0 too,
 *   but MGA is 2 in ISO 4217 and 0 at Stripe: only whole ariary can be charged.
 * - ISK and UGX (special cases) are zero-decimal in practice but, "to maintain backwards
 *   compatibility", Stripe wants them two-decimal on the wire with an amount evenly divisible
 *   by 100 (5 ISK is `500`). Stripe lists UGX among its zero-decimal currencies too; the
 *   special case is what its API accepts.
 * - HUF and TWD (special cases) are zero-decimal only for payouts: "you can charge
 *   two-decimal amounts", and only manual payouts must be divisible by 100. Checkout and
 *   PaymentIntents take them like any two-decimal currency, so no rule applies here.
 * - The three-decimal currencies (BHD, JOD, KWD, OMR, TND) keep 3 decimals, but the last
 *   digit must be 0; Stripe tells integrations to round to the nearest ten (5.124 KWD to 5120
 *   or 5130). Dunwell refuses instead: it never charges a different amount than is owed.
 * - Everything else is 2 decimals at Stripe. IQD and LYD (3 in ISO) are then only payable
 *   in amounts that are multiples of 10; CLF/UYW (4 in ISO) in multiples of 100. Whether Stripe
 *   accepts the currency at all for the account is Stripe's to say.
 * - The amount value supports up to eight digits (99999999, i.e. 999,999.99 USD).
 *   Stripe's minimum charge is set in the settlement currency (about 0.50 USD), which needs an
 *   exchange rate: Stripe itself refuses a session below it, and the page offers a transfer.
 *
 * An amount that cannot be charged exactly is refused here (never rounded): the debtor is
 * then told to pay another way, and the page never collects a different amount than owed.
 */
const STRIPE_ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
/** Zero-decimal in practice, two-decimal on the wire: multiples of 100 only. */
const STRIPE_WHOLE_UNITS_AS_TWO_DECIMALS = new Set(['ISK', 'UGX']);
const STRIPE_THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
/** "The amount value supports up to eight digits." */
export const STRIPE_MAX_AMOUNT = 99_999_999;

function stripeDigits(currency: string): number {
  if (STRIPE_ZERO_DECIMAL.has(currency)) return 0;
  if (STRIPE_THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

export type StripeAmount = { ok: true; amount: number } | { ok: false; message: string };

/** An ISO minor-unit amount as Stripe's `unit_amount`/`amount`, or why it cannot be charged exactly. */
export function toStripeAmount(amountMinor: number, currency: string): StripeAmount {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)
    return { ok: false, message: 'the amount must be a positive whole number of minor units' };
  const iso = minorDigits(currency);
  const stripe = stripeDigits(currency);
  let amount: number;
  if (stripe >= iso) {
    amount = amountMinor * 10 ** (stripe - iso);
  } else {
    const divisor = 10 ** (iso - stripe);
    if (amountMinor % divisor !== 0)
      return { ok: false, message: `${currency} can only be charged in multiples of ${divisor} minor units` };
    amount = amountMinor / divisor;
  }
  if (STRIPE_WHOLE_UNITS_AS_TWO_DECIMALS.has(currency) && amount % 100 !== 0) {
    return { ok: false, message: `${currency} can only be charged in whole units` };
  }
  if (stripe === 3 && amount % 10 !== 0) return { ok: false, message: `${currency} can only be charged to the nearest 10 minor units` };
  if (!Number.isSafeInteger(amount) || amount > STRIPE_MAX_AMOUNT)
    return { ok: false, message: `the amount is above what Stripe can charge at once (${STRIPE_MAX_AMOUNT} in Stripe units)` };
  return { ok: true, amount };
}

/** A Stripe amount (as in `amount_total`) back in ISO minor units; undefined when it does not map exactly. */
export function fromStripeAmount(amount: number, currency: string): number | undefined {
  if (!Number.isSafeInteger(amount) || amount < 0) return undefined;
  const iso = minorDigits(currency);
  const stripe = stripeDigits(currency);
  if (iso >= stripe) return amount * 10 ** (iso - stripe);
  const divisor = 10 ** (stripe - iso);
  return amount % divisor === 0 ? amount / divisor : undefined;
}
