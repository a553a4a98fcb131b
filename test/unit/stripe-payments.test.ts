/**
 * The Stripe Checkout adapter on the wire: what it POSTs (form encoding, key, version,
 * idempotency), how it retries, and that the local runtime's sandbox accepts exactly that.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, test } from 'vitest';
import { PaymentAmountError, STRIPE_API_VERSION, StripeApiError, StripeCheckoutProvider, stripeForm } from '#adapters/stripe-payments.ts';
import type { CheckoutRequest } from '#ports/payments.ts';
import { parseStripeForm, StripeSandbox } from '../../infra/local/stripe-sandbox.ts';
import { FakeSecrets } from '../support/fakes.ts';

const SECRET_ID = 'dunwell/test/stripe';
const payment = { apiKey: 'sk_test_123', webhookSecret: 'whsec_123' };
const secrets = new FakeSecrets({ [SECRET_ID]: JSON.stringify(payment) });

const request: CheckoutRequest = {
  invoiceId: 'INV-2026-0001',
  amountMinor: 119_000,
  currency: 'EUR',
  description: 'Invoice INV-2026-0001 & more',
  successUrl: 'https://pay.example.com/pay/tok?done=paid',
  cancelUrl: 'https://pay.example.com/pay/tok?done=cancelled',
};

interface Received {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in for api.stripe.com that answers each request with the next reply, or drops it. */
async function fakeStripe(replies: ({ status: number; body: unknown; headers?: Record<string, string> } | 'drop' | 'hang')[]) {
  const received: Received[] = [];
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    received.push({ method: incoming.method, path: incoming.url, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
    const reply = replies.shift() ?? { status: 500, body: { error: { type: 'api_error', message: 'no reply left' } } };
    if (reply === 'drop') {
      incoming.socket.destroy();
      return;
    }
    if (reply === 'hang') return;
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const session = { id: 'cs_test_1', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_1' };
const fast = { retryDelayMs: 5 };

describe('stripeForm', () => {
  test('encodes nested objects and arrays as bracketed keys, and the sandbox reads them back', () => {
    const params = {
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 119000, product_data: { name: 'A & B = 100%' } } }],
      metadata: { invoiceId: 'INV-1' },
      skipped: undefined,
    };
    const form = stripeForm(params);
    assert.deepEqual(
      [...form.keys()],
      [
        'mode',
        'line_items[0][quantity]',
        'line_items[0][price_data][currency]',
        'line_items[0][price_data][unit_amount]',
        'line_items[0][price_data][product_data][name]',
        'metadata[invoiceId]',
      ],
    );
    assert.deepEqual(parseStripeForm(new URLSearchParams(form.toString())), {
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '119000', product_data: { name: 'A & B = 100%' } } }],
      metadata: { invoiceId: 'INV-1' },
    });
  });
});

describe('StripeCheckoutProvider', () => {
  test('POSTs one payment-mode session for the balance, tagged with the invoice, with the key, the pinned version and an idempotency key', async () => {
    const stripe = await fakeStripe([{ status: 200, body: session }]);
    const checkout = await new StripeCheckoutProvider(secrets, SECRET_ID, stripe.url, fast).createCheckout(request);
    assert.deepEqual(checkout, { url: session.url, sessionId: session.id });
    assert.equal(stripe.received.length, 1);
    const [sent] = stripe.received;
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.path, '/v1/checkout/sessions');
    assert.equal(sent?.headers.authorization, `Bearer ${payment.apiKey}`);
    assert.equal(sent?.headers['stripe-version'], STRIPE_API_VERSION);
    assert.equal(sent?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.match(String(sent?.headers['idempotency-key']), /^dunwell-[0-9a-f-]{36}$/);
    assert.deepEqual(parseStripeForm(new URLSearchParams(sent?.body)), {
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '119000', product_data: { name: request.description } } }],
      client_reference_id: request.invoiceId,
      metadata: { invoiceId: request.invoiceId },
      payment_intent_data: { metadata: { invoiceId: request.invoiceId } },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    });
  });

  test('retries a dropped connection, a 5xx and a 409 with the same idempotency key, and stops after two retries', async () => {
    const stripe = await fakeStripe([
      'drop',
      { status: 503, body: { error: { type: 'api_error', message: 'try again' } } },
      { status: 200, body: session },
    ]);
    const checkout = await new StripeCheckoutProvider(secrets, SECRET_ID, stripe.url, fast).createCheckout(request);
    assert.equal(checkout.sessionId, session.id);
    assert.equal(stripe.received.length, 3);
    assert.equal(new Set(stripe.received.map((sent) => sent.headers['idempotency-key'])).size, 1);

    const busy = { status: 409, body: { error: { type: 'idempotency_error', message: 'in use' } } };
    const conflicted = await fakeStripe([busy, busy, busy, { status: 200, body: session }]);
    await assert.rejects(
      new StripeCheckoutProvider(secrets, SECRET_ID, conflicted.url, fast).createCheckout(request),
      (error: unknown) => error instanceof StripeApiError && error.status === 409 && /idempotency_error: in use/.test(error.message),
    );
    assert.equal(conflicted.received.length, 3);
  });

  test('an attempt that gets no answer in time counts as a network error', async () => {
    const stripe = await fakeStripe(['hang', 'hang']);
    await assert.rejects(
      new StripeCheckoutProvider(secrets, SECRET_ID, stripe.url, { ...fast, maxRetries: 1, timeoutMs: 100 }).createCheckout(request),
      (error: unknown) => error instanceof StripeApiError && error.status === undefined && /could not be reached/.test(error.message),
    );
    assert.equal(stripe.received.length, 2);
  });

  test('a refused request (4xx, or Stripe-Should-Retry: false) is not retried and names Stripe’s error', async () => {
    const stripe = await fakeStripe([
      { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invalid currency' } } },
      { status: 500, body: { error: { type: 'api_error', message: 'replayed' } }, headers: { 'stripe-should-retry': 'false' } },
    ]);
    const provider = new StripeCheckoutProvider(secrets, SECRET_ID, stripe.url, fast);
    await assert.rejects(provider.createCheckout(request), /Stripe answered 400: invalid_request_error: Invalid currency/);
    await assert.rejects(provider.createCheckout(request), /Stripe answered 500: api_error: replayed/);
    assert.equal(stripe.received.length, 2);
  });

  test('an amount Stripe cannot charge exactly is refused before any request', async () => {
    const stripe = await fakeStripe([]);
    await assert.rejects(
      new StripeCheckoutProvider(secrets, SECRET_ID, stripe.url, fast).createCheckout({ ...request, currency: 'KWD', amountMinor: 1_005 }),
      PaymentAmountError,
    );
    assert.equal(stripe.received.length, 0);
  });

  test('the local runtime’s sandbox accepts what it sends', async () => {
    const sandbox = new StripeSandbox({
      now: () => new Date('2026-12-01T10:00:00Z'),
      secret: () => payment,
      gatewayUrl: () => 'http://gateway.test',
    });
    const url = await sandbox.listen();
    afterAll(() => sandbox.close());
    const checkout = await new StripeCheckoutProvider(secrets, SECRET_ID, url, fast).createCheckout(request);
    assert.match(checkout.sessionId, /^cs_test_/);
    assert.equal(checkout.url, `http://gateway.test/_sandbox/checkout/${checkout.sessionId}`);
    const page = await sandbox.handle('GET', `/_sandbox/checkout/${checkout.sessionId}`);
    assert.match(page.body, /1190\.00 EUR/);
    assert.match(page.body, /Invoice INV-2026-0001 &amp; more/);
  });
});
