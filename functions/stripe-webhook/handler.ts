import * as z from 'zod';
import { functionContext } from '#adapters/compose-context.ts';
import { domainEvents } from '#adapters/compose-messaging.ts';
import { secretSource } from '#adapters/compose-sending.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { appendCorrelation } from '#adapters/correlation.ts';
import { type HttpEvent, type HttpResult, httpHandler, json, MAX_BODY_BYTES } from '#adapters/http.ts';
import { readPaymentSecret } from '#adapters/payment-secret.ts';
import { fromStripeAmount } from '#adapters/stripe-amounts.ts';
import { verifyStripeSignature } from '#adapters/stripe-signature.ts';
import { MetricName } from '#contracts/metrics.ts';
import { pauseForUnmatchedCash } from '#use-cases/place-hold.ts';
import { receivePayment } from '#use-cases/receive-payment.ts';

/**
 * `POST /webhooks/stripe`: Stripe's event notifications. The signature is checked on the raw
 * body before anything else; a handled event is remembered by id (and answered as a duplicate); a
 * paid Checkout Session is recorded through the same payment command as the ERP's payments,
 * so a replayed or re-sent event can never record a second payment either.
 */
const app = functionContext('stripe-webhook');
const table = tableAdapters(app);
const secrets = secretSource(app);
const processed = table.processedStripeEvents();
const deps = { store: table.invoiceStore(), clock: app.clock, events: domainEvents(app), log: app.log };

const eventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string(),
  created: z.number().int().nonnegative(),
  livemode: z.boolean().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const completedSession = z.object({
  id: z.string().min(1),
  payment_status: z.string(),
  amount_total: z.number().int().nonnegative().nullable(),
  currency: z.string().nullable(),
  payment_intent: z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

const answer = (status: number, outcome: string) => json(status, { received: status < 300, outcome });

/**
 * Logged (at error) whenever Stripe took the money and Dunwell recorded nothing, with what a
 * person needs to book or refund it; each one also counts `paymentNotRecorded`, the metric the
 * card-payment-not-recorded alarm reads (infra/constructs/operations-alarms.ts).
 */
const PAYMENT_NOT_RECORDED = 'paid checkout not recorded; apply it by hand';

function paymentNotRecorded(detail: Record<string, unknown>): void {
  app.log.error(PAYMENT_NOT_RECORDED, detail);
  app.telemetry.count(MetricName.paymentNotRecorded);
}

async function receive(event: HttpEvent): Promise<HttpResult> {
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > MAX_BODY_BYTES) return answer(413, 'too large');
  const { webhookSecret } = await readPaymentSecret(secrets, app.paymentSecretId());
  const check = verifyStripeSignature(webhookSecret, event.headers['stripe-signature'], raw, app.clock.now());
  if (!check.ok) {
    app.log.warn('stripe webhook refused', { reason: check.reason });
    return answer(400, `signature ${check.reason}`);
  }
  let parsed: z.infer<typeof eventSchema>;
  try {
    parsed = eventSchema.parse(JSON.parse(raw.toString('utf8')));
  } catch {
    return answer(400, 'not a Stripe event');
  }
  if (parsed.type !== 'checkout.session.completed' && parsed.type !== 'checkout.session.async_payment_succeeded') {
    return answer(200, 'ignored');
  }
  // Apply first, then mark the event handled: a crash in between makes Stripe's retry apply it
  // again, which records nothing twice (a payment id is recorded once); marking first could lose
  // the payment. A marked event is answered as a duplicate without touching the invoice.
  if (await processed.seen(parsed.id, app.clock.now())) return answer(200, 'duplicate');
  const result = await applyCheckout(parsed);
  await processed.claim(parsed.id, app.clock.now());
  return result;
}

async function applyCheckout(stripeEvent: z.infer<typeof eventSchema>): Promise<HttpResult> {
  const session = completedSession.safeParse(stripeEvent.data.object);
  if (!session.success) {
    app.log.error('checkout event without the expected session fields', { eventId: stripeEvent.id });
    return answer(200, 'ignored: not a checkout session');
  }
  const s = session.data;
  // Asynchronous methods (bank debits) complete unpaid and succeed later with their own event.
  if (s.payment_status !== 'paid') return answer(200, 'ignored: not paid yet');
  const invoiceId = s.metadata?.invoiceId ?? s.client_reference_id ?? undefined;
  if (!invoiceId) return answer(200, 'ignored: not a Dunwell checkout');
  appendCorrelation({ invoiceId });
  const invoice = await deps.store.get(invoiceId);
  const currency = s.currency?.toUpperCase();
  if (!invoice || !currency || currency !== invoice.currency || s.amount_total === null) {
    const reason = invoice ? 'the currency or amount does not match the invoice' : 'no such invoice';
    paymentNotRecorded({ reason, eventId: stripeEvent.id, sessionId: s.id, invoiceId, currency });
    if (invoice) await pauseForUnmatchedCash(deps, invoiceId, `Stripe checkout ${s.id}`, reason);
    return answer(200, 'unmatched');
  }
  const amountMinor = fromStripeAmount(s.amount_total, currency);
  if (amountMinor === undefined || amountMinor <= 0) {
    paymentNotRecorded({
      reason: 'the amount does not map to minor units',
      eventId: stripeEvent.id,
      sessionId: s.id,
      invoiceId,
      amountTotal: s.amount_total,
      currency,
    });
    await pauseForUnmatchedCash(deps, invoiceId, `Stripe checkout ${s.id}`, 'the amount does not map to minor units');
    return answer(200, 'unmatched');
  }
  const paymentId = (typeof s.payment_intent === 'string' ? s.payment_intent : s.payment_intent?.id) ?? s.id;
  const outcome = await receivePayment(deps, invoiceId, {
    paymentId,
    amountMinor,
    paidAt: new Date(stripeEvent.created * 1000).toISOString(),
    method: 'card',
  });
  if (outcome.kind === 'conflict' || outcome.kind === 'invalid') {
    // Money that arrived but cannot be recorded: a person looks at it while dunning pauses.
    const reason = outcome.kind === 'conflict' ? outcome.reason : outcome.message;
    paymentNotRecorded({ reason, eventId: stripeEvent.id, sessionId: s.id, invoiceId, paymentId });
    await pauseForUnmatchedCash(deps, invoiceId, `Stripe checkout ${s.id}`, reason);
    return answer(200, outcome.kind);
  }
  if (outcome.kind === 'recorded') app.telemetry.count(MetricName.paymentsRecorded);
  app.log.info('card payment recorded', { eventId: stripeEvent.id, invoiceId, paymentId, outcome: outcome.kind });
  return answer(200, outcome.kind);
}

export const handler = httpHandler({ 'POST /webhooks/stripe': receive }, undefined, app.telemetry);
