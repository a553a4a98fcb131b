import { STRIPE_API_URL_VARIABLE } from '#contracts/functions.ts';
import type { FunctionContext } from './compose-context.ts';
import { secretSource } from './compose-sending.ts';
import { StripeCheckoutProvider } from './stripe-payments.ts';

/** Stripe Checkout; DUNWELL_STRIPE_API_URL (optional) points it at another endpoint, like AWS_ENDPOINT_URL_*. */
export const paymentProvider = (app: FunctionContext) =>
  new StripeCheckoutProvider(secretSource(app), app.paymentSecretId(), process.env[STRIPE_API_URL_VARIABLE] || undefined);
