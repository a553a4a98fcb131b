export interface CheckoutRequest {
  readonly invoiceId: string;
  /** The amount to collect, in the currency's minor units (as Dunwell keeps every amount). */
  readonly amountMinor: number;
  /** ISO 4217, upper case. */
  readonly currency: string;
  readonly description: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
}

export interface Checkout {
  /** Where to send the debtor's browser. */
  readonly url: string;
  readonly sessionId: string;
}

/** A hosted payment page at a payment provider (Stripe Checkout; the sandbox locally). */
export interface PaymentProvider {
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
}

/** Provider events already handled (webhooks are delivered at least once). */
export interface ProcessedEvents {
  /** True when the event was already handled. */
  seen(eventId: string, now: Date): Promise<boolean>;
  /** True when this call took the event; false when it was taken before. */
  claim(eventId: string, now: Date): Promise<boolean>;
}
