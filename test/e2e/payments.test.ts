import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'vitest';
import { formTokenOf, payLinkOf, postForm } from '../support/hosted-page.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Card payment through the hosted page, end to end on the local runtime: the pay link from a
 * real outbox email, the checkout form, the sandbox checkout page (Stripe's stand-in), and the
 * signed webhook the sandbox posts to the real `/webhooks/stripe` handler.
 */
describe('payments', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  const INVOICE = 'INV-PAY-1';
  const linkFromReminder = async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: INVOICE }));
    await server.advance({ to: '2026-11-30T09:00:00Z' });
    const [reminder] = await server.outbox(INVOICE);
    const link = payLinkOf(reminder);
    assert.ok(link, 'the reminder carries a pay link');
    return link;
  };
  const post = postForm;
  const location = (response: Response, base: string) => new URL(response.headers.get('location') ?? '', base).toString();

  /** Page → "Pay" form → 303 to the sandbox checkout page; returns that page's URL. */
  const openCheckout = async (link: string) => {
    const html = await (await fetch(link)).text();
    assert.match(html, /<form method="post" action="\/pay\/[^"]+\/checkout">/);
    assert.match(html, /<button type="submit">1\.250,00\s€ bezahlen<\/button>/);
    assert.doesNotMatch(html, /coming soon/);
    const response = await post(`${link}/checkout`, { formToken: formTokenOf(html) });
    assert.equal(response.status, 303);
    const checkoutUrl = location(response, link);
    assert.match(checkoutUrl, /\/_sandbox\/checkout\/cs_test_[0-9a-f]+$/);
    const page = await fetch(checkoutUrl);
    assert.equal(page.status, 200);
    const checkoutHtml = await page.text();
    assert.match(checkoutHtml, /<button type="submit">Pay<\/button>/);
    assert.match(checkoutHtml, /<button type="submit">Fail<\/button>/);
    assert.match(checkoutHtml, /125000/, 'the balance in Stripe units');
    return checkoutUrl;
  };
  const invoice = async () => (await server.api('GET', `/v1/invoices/${INVOICE}`)).body;
  const steps = async () => (await server.outbox(INVOICE)).map((message) => message.step);
  const delivered = async () =>
    (await (await fetch(`${server.url}/_sandbox/webhooks`)).json()) as {
      eventId: string;
      body: string;
      signature: string;
      status: number;
    }[];
  const postWebhook = (body: string, signature: string) =>
    fetch(`${server.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    });

  test('Pay in the sandbox: the invoice is paid, one thank-you, nothing after', async () => {
    const link = await linkFromReminder();
    const checkoutUrl = await openCheckout(link);
    const paid = await fetch(`${checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(paid.status, 303);
    const back = location(paid, checkoutUrl);
    assert.equal(back, `${link}?done=paid`);
    await server.advance({ hours: 0 });
    const page = await (await fetch(back)).text();
    assert.match(page, /Vielen Dank, Ihre Zahlung wird bestätigt/);
    assert.match(page, /Diese Rechnung ist bezahlt/);
    assert.doesNotMatch(page, /action="[^"]+\/checkout"/, 'no pay button on a paid invoice');

    const body = await invoice();
    assert.equal(body.status, 'paid');
    const payments = body.payments as { paymentId: string; amount: string; method: string }[];
    assert.equal(payments.length, 1);
    assert.equal(payments[0]?.amount, '1250.00');
    assert.equal(payments[0]?.method, 'card');
    assert.match(payments[0]?.paymentId ?? '', /^pi_test_/, 'the payment intent is the payment id');
    assert.deepEqual(await steps(), ['pre-3', 'thank-you']);
    await server.advance({ days: 40 });
    assert.deepEqual(await steps(), ['pre-3', 'thank-you'], 'nothing after the thank-you');
    assert.deepEqual(await server.deadLetters(), []);
  });

  test('Fail in the sandbox: back to the page, nothing recorded', async () => {
    const link = await linkFromReminder();
    const checkoutUrl = await openCheckout(link);
    const failed = await fetch(`${checkoutUrl}/fail`, { method: 'POST', redirect: 'manual' });
    assert.equal(failed.status, 303);
    assert.equal(location(failed, checkoutUrl), `${link}?done=cancelled`);
    assert.match(await (await fetch(`${link}?done=cancelled`)).text(), /Zahlung abgebrochen/);
    await server.advance({ hours: 0 });
    const body = await invoice();
    assert.equal(body.status, 'open');
    assert.deepEqual(body.payments, []);
    assert.deepEqual(await delivered(), [], 'no webhook');
  });

  test('webhooks: forged and stale signatures are refused, a replayed event records nothing twice', async () => {
    const link = await linkFromReminder();
    const checkoutUrl = await openCheckout(link);
    const sessionId = checkoutUrl.split('/').pop() ?? '';
    const health = (await (await fetch(`${server.url}/_local/health`)).json()) as { now: string };
    const now = Math.floor(Date.parse(health.now) / 1000);

    // Forged: a plausible event signed with a secret that is not ours.
    const forgedBody = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'checkout.session.completed',
      created: now,
      data: {
        object: {
          id: sessionId,
          object: 'checkout.session',
          payment_status: 'paid',
          amount_total: 125000,
          currency: 'eur',
          payment_intent: 'pi_forged',
          metadata: { invoiceId: INVOICE },
        },
      },
    });
    const forgedSignature = `t=${now},v1=${createHmac('sha256', 'whsec_attacker').update(`${now}.${forgedBody}`).digest('hex')}`;
    assert.equal((await postWebhook(forgedBody, forgedSignature)).status, 400);
    assert.equal((await postWebhook(forgedBody, '')).status, 400, 'no signature at all');
    // Signed with the real secret, then tampered with.
    const { webhookSecret } = JSON.parse(readFileSync(join(server.dataDir, 'payment-secret.json'), 'utf8')) as { webhookSecret: string };
    const genuine = `t=${now},v1=${createHmac('sha256', webhookSecret).update(`${now}.${forgedBody}`).digest('hex')}`;
    assert.equal((await postWebhook(forgedBody.replace('125000', '1'), genuine)).status, 400, 'tampered body');
    await server.advance({ hours: 0 });
    assert.deepEqual((await invoice()).payments, [], 'nothing recorded from refused webhooks');

    // The genuine payment, then the same event again.
    const paid = await fetch(`${checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(paid.status, 303);
    await server.advance({ hours: 0 });
    assert.equal((await invoice()).status, 'paid');
    const [event] = await delivered();
    assert.ok(event);
    assert.equal(event.status, 200);
    const replay = await postWebhook(event.body, event.signature);
    assert.equal(replay.status, 200);
    assert.equal(((await replay.json()) as { outcome: string }).outcome, 'duplicate');
    await server.advance({ hours: 0 });
    assert.equal((await invoice()).payments.length, 1, 'no second payment');

    // An hour later the same signature is stale: refused before anything else.
    await server.advance({ hours: 1 });
    assert.equal((await postWebhook(event.body, event.signature)).status, 400);
    assert.equal((await invoice()).payments.length, 1);
    assert.deepEqual(await steps(), ['pre-3', 'thank-you']);
  });

  /** Posts an event signed with the local payment secret, as Stripe would; returns the handler's outcome. */
  const sendSigned = async (type: string, session: Record<string, unknown>) => {
    const health = (await (await fetch(`${server.url}/_local/health`)).json()) as { now: string };
    const created = Math.floor(Date.parse(health.now) / 1000);
    const body = JSON.stringify({
      id: `evt_test_${type}_${Math.random().toString(16).slice(2)}`,
      object: 'event',
      type,
      created,
      data: { object: { object: 'checkout.session', currency: 'eur', amount_total: 125000, ...session } },
    });
    const { webhookSecret } = JSON.parse(readFileSync(join(server.dataDir, 'payment-secret.json'), 'utf8')) as { webhookSecret: string };
    const signature = `t=${created},v1=${createHmac('sha256', webhookSecret).update(`${created}.${body}`).digest('hex')}`;
    const response = await postWebhook(body, signature);
    assert.equal(response.status, 200);
    return ((await response.json()) as { outcome: string }).outcome;
  };

  test('a delayed payment method (SEPA debit): completed unpaid records nothing, async_payment_succeeded records it once', async () => {
    await openCheckout(await linkFromReminder());
    const session = { id: 'cs_test_sepa', payment_intent: 'pi_test_sepa', metadata: { invoiceId: INVOICE } };
    assert.equal(
      await sendSigned('checkout.session.completed', { ...session, status: 'complete', payment_status: 'unpaid' }),
      'ignored: not paid yet',
    );
    await server.advance({ hours: 0 });
    assert.equal((await invoice()).status, 'open');
    assert.deepEqual((await invoice()).payments, [], 'a debit that has not cleared is not a payment');

    assert.equal(await sendSigned('checkout.session.async_payment_failed', { ...session, payment_status: 'unpaid' }), 'ignored');
    assert.equal(await sendSigned('checkout.session.expired', { ...session, status: 'expired', payment_status: 'unpaid' }), 'ignored');
    await server.advance({ hours: 0 });
    assert.deepEqual((await invoice()).payments, []);

    assert.equal(
      await sendSigned('checkout.session.async_payment_succeeded', { ...session, status: 'complete', payment_status: 'paid' }),
      'recorded',
    );
    await server.advance({ hours: 0 });
    const body = await invoice();
    assert.equal(body.status, 'paid');
    assert.deepEqual(
      body.payments.map((payment: { paymentId: string; amount: string }) => [payment.paymentId, payment.amount]),
      [['pi_test_sepa', '1250.00']],
    );
    assert.deepEqual(await steps(), ['pre-3', 'thank-you']);
  });

  test('a paid checkout for no known invoice is answered 200 and logged for the person the on-call alarm calls', async () => {
    await openCheckout(await linkFromReminder());
    const outcome = await sendSigned('checkout.session.completed', {
      id: 'cs_test_lost',
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_test_lost',
      metadata: { invoiceId: 'INV-NOT-HERE' },
    });
    assert.equal(outcome, 'unmatched');
    const lines = server.logs
      .join('\n')
      .split('\n')
      .filter((line) => line.includes('paid checkout not recorded'));
    assert.equal(lines.length, 1, `one such line in:\n${server.logs.join('\n')}`);
    // Powertools JSON: the function as `service`, the Lambda context and the invoice as correlation.
    const logged = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(logged.level, 'ERROR');
    assert.equal(logged.service, 'stripe-webhook');
    assert.equal(typeof logged.function_request_id, 'string');
    assert.equal(logged.sessionId, 'cs_test_lost');
    assert.equal(logged.invoiceId, 'INV-NOT-HERE');
    assert.deepEqual((await invoice()).payments, []);
  });

  test('a card payment that cannot be applied (another currency) pauses dunning with an unmatched-cash hold, once', async () => {
    await openCheckout(await linkFromReminder());
    const session = { id: 'cs_test_usd', status: 'complete', payment_status: 'paid', payment_intent: 'pi_test_usd', currency: 'usd' };
    for (let delivery = 0; delivery < 2; delivery++) {
      assert.equal(await sendSigned('checkout.session.completed', { ...session, metadata: { invoiceId: INVOICE } }), 'unmatched');
    }
    await server.advance({ hours: 0 });
    const body = await invoice();
    assert.equal(body.status, 'on_hold');
    assert.deepEqual(body.payments, []);
    const holds = body.holds.filter((hold: { reason: string }) => hold.reason === 'unmatched_cash');
    assert.equal(holds.length, 1, 'Stripe re-sending the event adds no second hold');
    assert.match(holds[0].note, /cs_test_usd.*apply it by hand/i);
    // Nobody is chased while finance books the money: no reminder in the next 10 days.
    const before = (await steps()).length;
    await server.advance({ days: 10 });
    assert.equal((await steps()).length, before);
    // Finance applies it by hand and releases the hold: the invoice closes with one thank-you.
    await server.api('POST', `/v1/invoices/${INVOICE}/payments`, { paymentId: 'pi_test_usd', amount: '1250.00', paidAt: body.updatedAt });
    await server.advance({ hours: 1 });
    assert.equal((await invoice()).status, 'paid');
    assert.equal((await steps()).filter((step) => step === 'thank-you').length, 1);
  });

  test('a partial payment is acknowledged in the next reminder (amount, day, what remains), and not repeated after it', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: INVOICE }));
    await server.advance({ to: '2026-12-02T12:00:00Z' });
    assert.deepEqual(await steps(), ['pre-3']);
    const partial = await server.api('POST', `/v1/invoices/${INVOICE}/payments`, {
      paymentId: 'PAY-PART-1',
      amount: '400.00',
      paidAt: '2026-12-02T10:00:00Z',
    });
    assert.equal(partial.status, 201);
    assert.equal(partial.body.invoice.balance, '850.00');
    // post-3 on Friday 4 December, post-14 on Tuesday 15 December, 09:00 Berlin.
    await server.advance({ to: '2026-12-16T00:00:00Z' });
    const messages = await server.outbox(INVOICE);
    assert.deepEqual(
      messages.map((message) => message.step),
      ['pre-3', 'post-3', 'post-14'],
    );
    const [first, next, later] = messages;
    const received = /Am 2\. Dezember 2026 haben wir 400,00\s€ erhalten – vielen Dank\. Offen sind noch 850,00\s€\./;
    assert.doesNotMatch(first?.text ?? '', /erhalten/, 'nothing was paid before the first reminder');
    assert.match(next?.text ?? '', received);
    assert.match(next?.html ?? '', received);
    assert.doesNotMatch(later?.text ?? '', /erhalten/, 'acknowledged once, not again');
    assert.match(later?.text ?? '', /850,00\s€/, 'the later reminder still shows the current balance');
  });

  test('the checkout form is guarded like every other form', async () => {
    const link = await linkFromReminder();
    const html = await (await fetch(link)).text();
    assert.equal((await post(`${link}/checkout`, { formToken: 'nope' })).status, 403, 'bad form token');
    assert.equal((await post(`${link}/checkout`, { formToken: formTokenOf(html) }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await post(`${link}/checkout`, { formToken: formTokenOf(html), amount: '1' })).status, 400, 'no amount from the client');
  });
});
