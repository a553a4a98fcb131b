import Stripe from 'stripe';
import { toStripeAmount } from '#domain/stripe-amounts.ts';
import type { Checkout, CheckoutRequest, PaymentProvider } from '#ports/payments.ts';
import type { SecretSource } from '#ports/secrets.ts';
import { readPaymentSecret } from './payment-secret.ts';

export { type PaymentSecret, readPaymentSecret } from './payment-secret.ts';

/**
 * Where the SDK sends its requests: api.stripe.com unless DUNWELL_STRIPE_API_URL names another
 * endpoint (the local runtime's sandbox) — endpoint configuration like AWS_ENDPOINT_URL_*.
 */
export function stripeEndpoint(url: string | undefined): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  if (!url) return {};
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https';
  return { host: parsed.hostname, port: Number(parsed.port || (protocol === 'http' ? 80 : 443)), protocol };
}

export class PaymentAmountError extends Error {
  override readonly name = 'PaymentAmountError';
}

/** Stripe Checkout: one Session in payment mode for the balance, tagged with the invoice. */
export class StripeCheckoutProvider implements PaymentProvider {
  private readonly secrets: SecretSource;
  private readonly secretId: string;
  private readonly endpoint: ReturnType<typeof stripeEndpoint>;
  private client: { key: string; stripe: Stripe } | undefined;

  constructor(secrets: SecretSource, secretId: string, apiUrl: string | undefined) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.endpoint = stripeEndpoint(apiUrl);
  }

  private async stripe(): Promise<Stripe> {
    const { apiKey } = await readPaymentSecret(this.secrets, this.secretId);
    // A rotated key (the secret is re-read every few minutes) gets a new client.
    if (this.client?.key !== apiKey) {
      this.client = { key: apiKey, stripe: new Stripe(apiKey, { maxNetworkRetries: 2, timeout: 10_000, ...this.endpoint }) };
    }
    return this.client.stripe;
  }

  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const amount = toStripeAmount(request.amountMinor, request.currency);
    if (!amount.ok) throw new PaymentAmountError(amount.message);
    const stripe = await this.stripe();
    const session = await stripe.checkout.sessions.create({
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
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { url: session.url, sessionId: session.id };
  }
}
