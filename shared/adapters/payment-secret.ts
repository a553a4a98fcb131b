import type { SecretSource } from '#ports/secrets.ts';

/**
 * The payment secret: Stripe's API key and the webhook endpoint's signing secret. Apart from
 * stripe-payments.ts so that reading it (stripe-webhook) does not bundle the checkout client.
 */
export interface PaymentSecret {
  readonly apiKey: string;
  readonly webhookSecret: string;
}

export async function readPaymentSecret(secrets: SecretSource, secretId: string): Promise<PaymentSecret> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await secrets.read(secretId));
  } catch {
    throw new Error(`Secret ${secretId} is not JSON; expected {"apiKey": "...", "webhookSecret": "..."}`);
  }
  const { apiKey, webhookSecret } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof apiKey !== 'string' || apiKey === '' || typeof webhookSecret !== 'string' || webhookSecret === '') {
    throw new Error(`Secret ${secretId} needs string apiKey and webhookSecret`);
  }
  return { apiKey, webhookSecret };
}
