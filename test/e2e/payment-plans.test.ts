import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Payment plans: installments with their own reminders instead of the cadence; a missed
 * installment breaks the plan, opens a collector task and dunning resumes one tier firmer.
 * The invoice (1250.00 EUR, Berlin) is due 2026-12-01; the plan is agreed on 2 Dec.
 */
describe('payment plans', () => {
  let server: LocalServer;
  afterEach(() => server.stop());
  const plan = {
    installments: [
      { dueDate: '2026-12-10', amount: '500.00' },
      { dueDate: '2026-12-24', amount: '750.00' },
    ],
  };
  const boot = async (invoiceId: string) => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }));
    await server.advance({ to: '2026-12-02T10:00:00Z' });
  };

  test('each installment gets its own reminder; paying them all closes the invoice with thanks', async () => {
    await boot('INV-PLN-1');
    const agreed = await server.api('POST', '/v1/invoices/INV-PLN-1/payment-plans', plan);
    assert.equal(agreed.status, 201);
    assert.equal(agreed.body.planId, 'PLN.INV-PLN-1.1');
    assert.equal(agreed.body.invoice.status, 'on_hold');
    const [hold] = agreed.body.invoice.holds;
    assert.deepEqual(hold.installments, plan.installments);
    assert.equal(hold.installmentsPaid, 0);

    // Installment 1 (10 Dec): reminded Monday 7 Dec, 09:00 Berlin.
    await server.advance({ to: '2026-12-09T12:00:00Z' });
    let messages = await server.outbox('INV-PLN-1');
    assert.deepEqual(
      messages.map((m) => [m.step, m.sentAt]),
      [
        ['pre-3', '2026-11-30T08:00:00.000Z'],
        ['plan.PLN.INV-PLN-1.1.1', '2026-12-07T08:00:00.000Z'],
      ],
    );
    assert.equal(messages[1]?.subject, 'Rate 1 von 2 bald fällig: Rechnung INV-PLN-1');
    assert.match(messages[1]?.text ?? '', /\nBetrag: 500,00\s€\n/);
    assert.match(messages[1]?.text ?? '', /Restbetrag: 1\.250,00\s€/);

    await server.api('POST', '/v1/invoices/INV-PLN-1/payments', { paymentId: 'P-1', amount: '500.00', paidAt: '2026-12-09T12:00:00Z' });
    // The cadence's own steps (post-3, post-14) stay quiet; installment 2 (24 Dec) is reminded Monday 21 Dec.
    await server.advance({ to: '2026-12-23T12:00:00Z' });
    messages = await server.outbox('INV-PLN-1');
    assert.deepEqual(
      messages.map((m) => m.step),
      ['pre-3', 'plan.PLN.INV-PLN-1.1.1', 'plan.PLN.INV-PLN-1.1.2'],
    );
    assert.equal(messages[2]?.sentAt, '2026-12-21T08:00:00.000Z');
    assert.match(messages[2]?.text ?? '', /Restbetrag: 750,00\s€/);

    await server.api('POST', '/v1/invoices/INV-PLN-1/payments', { paymentId: 'P-2', amount: '750.00', paidAt: '2026-12-23T12:00:00Z' });
    await server.advance({ days: 30 });
    assert.deepEqual(
      (await server.outbox('INV-PLN-1')).map((m) => m.step),
      ['pre-3', 'plan.PLN.INV-PLN-1.1.1', 'plan.PLN.INV-PLN-1.1.2', 'thank-you'],
    );
    const invoice = await server.api('GET', '/v1/invoices/INV-PLN-1');
    assert.equal(invoice.body.status, 'paid');
    assert.equal(invoice.body.nextAction, null);
  });

  test('a missed installment breaks the plan: a collector task, and dunning resumes one tier firmer', async () => {
    await boot('INV-PLN-2');
    await server.api('POST', '/v1/invoices/INV-PLN-2/payment-plans', plan);
    // Installment 1 is due 10 Dec; with 2 days' grace it is checked at midnight Berlin on 13 Dec.
    await server.advance({ to: '2026-12-12T22:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-PLN-2')).map((m) => m.step),
      ['pre-3', 'plan.PLN.INV-PLN-2.1.1'],
    );
    await server.advance({ to: '2026-12-14T12:00:00Z' });
    const invoice = await server.api('GET', '/v1/invoices/INV-PLN-2');
    const events = invoice.body.timeline.map((event: { type: string }) => event.type);
    assert.ok(events.includes('payment_plan.broken'), events.join(', '));
    assert.equal(invoice.body.status, 'open');
    assert.equal(invoice.body.policy.tier, 2);
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-PLN-2');
    assert.deepEqual(
      tasks.body.map((task: { reason: string }) => task.reason),
      ['broken_payment_plan'],
    );
    // Monday 14 Dec 09:00 Berlin: the latest due tier-2 step goes out.
    const messages = await server.outbox('INV-PLN-2');
    assert.deepEqual(messages.map((m) => [m.step, m.sentAt]).at(-1), ['t2-post-10', '2026-12-14T08:00:00.000Z']);
  });

  test('plans are validated: they must add up to the balance, in date order, from today', async () => {
    await boot('INV-PLN-3');
    const short = await server.api('POST', '/v1/invoices/INV-PLN-3/payment-plans', {
      installments: [{ dueDate: '2026-12-10', amount: '500.00' }],
    });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body.errors, [{ path: 'installments', message: 'must add up to the balance' }]);
    const unordered = await server.api('POST', '/v1/invoices/INV-PLN-3/payment-plans', {
      installments: [
        { dueDate: '2026-12-24', amount: '500.00' },
        { dueDate: '2026-12-10', amount: '750.00' },
      ],
    });
    assert.deepEqual(
      unordered.body.errors.map((e: { path: string }) => e.path),
      ['installments.1.dueDate'],
    );
    const precision = await server.api('POST', '/v1/invoices/INV-PLN-3/payment-plans', {
      installments: [{ dueDate: '2026-12-10', amount: '1250' }],
    });
    assert.deepEqual(
      precision.body.errors.map((e: { path: string }) => e.path),
      ['installments.0.amount'],
    );
    assert.equal((await server.api('POST', '/v1/invoices/INV-PLN-3/payment-plans', plan)).status, 201);
    const second = await server.api('POST', '/v1/invoices/INV-PLN-3/payment-plans', plan);
    assert.equal(second.status, 409);
  });
});
