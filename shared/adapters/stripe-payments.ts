import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { toStripeAmount } from '#adapters/stripe-amounts.ts';
import type { Checkout, CheckoutRequest, PaymentProvider } from '#ports/payments.ts';
import type { SecretSource } from '#ports/secrets.ts';
import { readPaymentSecret } from './payment-secret.ts';

export { type PaymentSecret, readPaymentSecret } from './payment-secret.ts';

/**
 * The Stripe API version every request asks for, so a response never changes shape with the
 * account's default version: the one stripe-node 23 pinned when Dunwell used the SDK.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive';

const STRIPE_API_URL = 'https://api.stripe.com';

export class PaymentAmountError extends Error {
  override readonly name = 'PaymentAmountError';
}

/** Stripe answered with an error, or could not be reached in `maxRetries + 1` attempts. */
export class StripeApiError extends Error {
  override readonly name = 'StripeApiError';
  /** The HTTP status; undefined when no answer came (network error, timeout). */
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

type FormValue = string | number | boolean | undefined | readonly FormValue[] | { readonly [key: string]: FormValue };

/**
 * Stripe's form encoding of request parameters, as its SDKs send them: nested objects and arrays
 * as bracketed keys (`line_items[0][price_data][currency]=eur`); undefined is left out.
 */
export function stripeForm(params: { readonly [key: string]: FormValue }): URLSearchParams {
  const form = new URLSearchParams();
  const add = (key: string, value: FormValue): void => {
    if (value === undefined) return;
    if (typeof value !== 'object') form.append(key, String(value));
    else for (const [name, item] of Object.entries(value)) add(`${key}[${name}]`, item);
  };
  for (const [name, value] of Object.entries(params)) add(name, value);
  return form;
}

export interface StripeClientOptions {
  /** Retries after the first attempt (network error, timeout, 409, 5xx, or Stripe-Should-Retry: true). */
  readonly maxRetries?: number;
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** The first retry waits this long (halved at random, never below it), each next one twice that, at most 5 s. */
  readonly retryDelayMs?: number;
}

/**
 * Stripe Checkout over Stripe's REST API with fetch: one Session in payment mode for the
 * balance, tagged with the invoice. The SDK (240 KB minified) is not needed for one call; this
 * sends what it sent: the form-encoded parameters, the API key as a bearer token, the pinned
 * Stripe-Version, and an Idempotency-Key kept across retries, so a retried POST whose first
 * attempt did reach Stripe returns the same Session instead of a second one. Retries follow the
 * SDK's rules (maxNetworkRetries 2, 10 s timeout, 0.5 s backoff doubling to at most 5 s).
 * The endpoint is api.stripe.com unless DUNWELL_STRIPE_API_URL names another (the local
 * runtime's sandbox) — endpoint configuration like AWS_ENDPOINT_URL_*.
 */
export class StripeCheckoutProvider implements PaymentProvider {
  private readonly secrets: SecretSource;
  private readonly secretId: string;
  private readonly sessionsUrl: string;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;

  constructor(secrets: SecretSource, secretId: string, apiUrl: string | undefined, options: StripeClientOptions = {}) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.sessionsUrl = new URL('/v1/checkout/sessions', apiUrl || STRIPE_API_URL).href;
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const amount = toStripeAmount(request.amountMinor, request.currency);
    if (!amount.ok) throw new PaymentAmountError(amount.message);
    const { apiKey } = await readPaymentSecret(this.secrets, this.secretId);
    const form = stripeForm({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: request.currency.toLowerCase(),
            unit_amount: amount.amount,
            product_data: { name: request.description },
          },
        },
      ],
      client_reference_id: request.invoiceId,
      metadata: { invoiceId: request.invoiceId },
      payment_intent_data: { metadata: { invoiceId: request.invoiceId } },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    });
    const session = (await this.post(apiKey, form)) as { id?: unknown; url?: unknown };
    if (typeof session.id !== 'string') throw new StripeApiError('Stripe returned a checkout session without an id', 200);
    if (typeof session.url !== 'string' || session.url === '') {
      throw new StripeApiError(`Stripe returned checkout session ${session.id} without a URL`, 200);
    }
    return { url: session.url, sessionId: session.id };
  }

  private async post(apiKey: string, form: URLSearchParams): Promise<unknown> {
    const headers = {
      accept: 'application/json',
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/x-www-form-urlencoded',
      'idempotency-key': `dunwell-${randomUUID()}`,
      'stripe-version': STRIPE_API_VERSION,
    };
    const body = form.toString();
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(this.sessionsUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        if (attempt < this.maxRetries) {
          await sleep(this.retryDelay(attempt));
          continue;
        }
        throw new StripeApiError(`Stripe could not be reached: ${String(error)}`, undefined, { cause: error });
      }
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as unknown;
      const shouldRetry = response.headers.get('stripe-should-retry');
      const retryable = shouldRetry === 'true' || (shouldRetry !== 'false' && (response.status === 409 || response.status >= 500));
      if (retryable && attempt < this.maxRetries) {
        await sleep(this.retryDelay(attempt));
        continue;
      }
      throw new StripeApiError(`Stripe answered ${response.status}: ${stripeErrorMessage(text)}`, response.status);
    }
  }

  /** Exponential backoff with jitter, as the SDK's: base × 2^attempt, at most 5 s, then between half and all of it, never below base. */
  private retryDelay(attempt: number): number {
    const delay = Math.min(this.retryDelayMs * 2 ** attempt, 5_000) * (0.5 * (1 + Math.random()));
    return Math.max(this.retryDelayMs, delay);
  }
}

/** Stripe's `{ "error": { "type", "message" } }`, or the start of whatever else came back. */
function stripeErrorMessage(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error?: { type?: unknown; message?: unknown } };
    if (error && typeof error.message === 'string') return `${String(error.type ?? 'error')}: ${error.message}`;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200);
}
