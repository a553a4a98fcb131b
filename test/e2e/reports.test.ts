import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { apiInvoiceExample } from '../support/invoices.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The finance reports over HTTP, from the lake the running pipeline wrote. The ledger (UTC
 * reporting days, EUR unless said):
 *   R1 1000.00 issued 2026-11-01 due 2026-12-01; 400.00 paid 2026-12-12
 *   R2  500.00 issued 2026-11-05 due 2026-11-20; paid in full 2026-12-14
 *   R3  300.00 issued 2026-11-10 due 2026-12-10; voided 2026-12-05
 *   R4  700.00 USD issued 2026-11-01 due 2026-12-01 (never in a EUR figure)
 * Each has its own customer, so no reminder is combined or capped across them.
 */
const ledger = [
  { invoiceId: 'INV-R1', amount: '1000.00', issueDate: '2026-11-01', dueDate: '2026-12-01', currency: 'EUR' },
  { invoiceId: 'INV-R2', amount: '500.00', issueDate: '2026-11-05', dueDate: '2026-11-20', currency: 'EUR' },
  { invoiceId: 'INV-R3', amount: '300.00', issueDate: '2026-11-10', dueDate: '2026-12-10', currency: 'EUR' },
  { invoiceId: 'INV-R4', amount: '700.00', issueDate: '2026-11-01', dueDate: '2026-12-01', currency: 'USD' },
];

describe('finance reports over HTTP', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    for (const [index, invoice] of ledger.entries()) {
      const customer = { ...apiInvoiceExample.customer, customerId: `C-R${index + 1}`, email: `ap${index + 1}@acme.example` };
      const created = await server.api('POST', '/v1/invoices', invoiceBody({ ...invoice, customer, lines: undefined }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    await server.advance({ to: '2026-12-05T12:00:00Z' });
    assert.equal((await server.api('POST', '/v1/invoices/INV-R3/void', {})).status, 200);
    await server.advance({ to: '2026-12-12T12:00:00Z' });
    const partial = await server.api('POST', '/v1/invoices/INV-R1/payments', {
      paymentId: 'PAY-R1',
      amount: '400.00',
      paidAt: '2026-12-12T09:00:00Z',
    });
    assert.equal(partial.status, 201);
    await server.advance({ to: '2026-12-14T12:00:00Z' });
    const full = await server.api('POST', '/v1/invoices/INV-R2/payments', {
      paymentId: 'PAY-R2',
      amount: '500.00',
      paidAt: '2026-12-14T10:00:00Z',
    });
    assert.equal(full.status, 201);
    await server.advance({ to: '2027-01-02T00:00:00Z' });
    assert.equal((await server.local('POST', '/_local/exports/flush')).status, 200);
  });
  afterAll(() => server.stop());

  const bucket = (amount: string, invoices: number, share: number | null) => ({ amount, invoices, share });

  test('aging at the end of the year: only what R1 still owes, 30 days past due', async () => {
    const { status, body } = await server.api('GET', '/v1/reports/aging?asOf=2026-12-31&currency=EUR');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      asOf: '2026-12-31',
      currency: 'EUR',
      buckets: [
        { bucket: 'current', ...bucket('0.00', 0, 0) },
        // 1000.00 − 400.00; 31 Dec − 1 Dec = 30 days
        { bucket: '1-30', ...bucket('600.00', 1, 100) },
        { bucket: '31-60', ...bucket('0.00', 0, 0) },
        { bucket: '61-90', ...bucket('0.00', 0, 0) },
        { bucket: '91+', ...bucket('0.00', 0, 0) },
      ],
      total: { amount: '600.00', invoices: 1 },
    });
  });

  test('aging as of a past day comes from the history, not from today', async () => {
    const { body } = await server.api('GET', '/v1/reports/aging?asOf=2026-11-30&currency=EUR');
    // R1 (due tomorrow) and R3 (not yet voided) are current: 1300.00 of 1800.00 = 72.22 %; R2 is 10 days late.
    assert.deepEqual(
      body.buckets.map((b: { bucket: string; amount: string; invoices: number; share: number }) => [
        b.bucket,
        b.amount,
        b.invoices,
        b.share,
      ]),
      [
        ['current', '1300.00', 2, 72.22],
        ['1-30', '500.00', 1, 27.78],
        ['31-60', '0.00', 0, 0],
        ['61-90', '0.00', 0, 0],
        ['91+', '0.00', 0, 0],
      ],
    );
    assert.deepEqual(body.total, { amount: '1800.00', invoices: 3 });
    const dollars = await server.api('GET', '/v1/reports/aging?asOf=2026-11-30&currency=USD');
    assert.deepEqual(dollars.body.total, { amount: '700.00', invoices: 1 });
  });

  test('KPIs of November: DSO, best possible DSO, CEI to the cent', async () => {
    const { status, body } = await server.api('GET', '/v1/reports/kpis?from=2026-11-01&to=2026-11-30&currency=EUR');
    assert.equal(status, 200);
    const outbox = await server.outbox();
    const novemberReminders = outbox.filter(
      (message) => message.invoiceId !== 'INV-R4' && message.step !== 'thank-you' && message.sentAt.slice(0, 7) === '2026-11',
    );
    assert.ok(novemberReminders.length > 0, 'reminders went out in November');
    assert.deepEqual(
      { ...body, recoveryByStep: undefined },
      {
        from: '2026-11-01',
        to: '2026-11-30',
        currency: 'EUR',
        days: 30,
        sales: '1800.00',
        arBegin: '0.00',
        arEnd: '1800.00',
        arEndCurrent: '1300.00',
        collected: '0.00',
        dso: 30, // 1800 / 1800 × 30
        bestPossibleDso: 21.67, // 1300 / 1800 × 30
        averageDaysDelinquent: 8.33,
        cei: 0, // (0 + 1800 − 1800) / (0 + 1800 − 1300) × 100
        percentCurrent: 72.22, // 1300 / 1800 × 100
        disputeRate: 0,
        promiseKeptRate: null,
        messages: {
          email: novemberReminders.filter((message) => message.channel === 'email').length,
          sms: novemberReminders.filter((message) => message.channel === 'sms').length,
        },
        replies: { payment_claimed: 0, dispute: 0, promise: 0, auto_reply: 0, other: 0 },
        averageDaysToPay: null,
        recoveryByStep: undefined,
      },
    );
    const stepsSent = new Set(novemberReminders.map((message) => message.step));
    assert.deepEqual(body.recoveryByStep.map((row: { stepId: string }) => row.stepId).sort(), [...stepsSent].sort());
    assert.ok(body.recoveryByStep.every((row: { paidWithin7Days: number }) => row.paidWithin7Days === 0));
  });

  test('KPIs of December: collections, CEI and days to pay', async () => {
    const { body } = await server.api('GET', '/v1/reports/kpis?from=2026-12-01&to=2026-12-31&currency=EUR');
    assert.equal(body.days, 31);
    assert.equal(body.sales, '0.00');
    assert.equal(body.arBegin, '1800.00');
    assert.equal(body.arEnd, '600.00');
    assert.equal(body.arEndCurrent, '0.00');
    assert.equal(body.collected, '900.00');
    assert.equal(body.dso, null, 'no sales: no DSO');
    assert.equal(body.cei, 66.67); // (1800 + 0 − 600) / (1800 + 0 − 0) × 100
    assert.equal(body.percentCurrent, 0);
    assert.equal(body.averageDaysToPay, 39); // R2: 14 Dec − 5 Nov
  });

  test('bad parameters are a 400 naming each one; the scope is checked', async () => {
    const missing = await server.api('GET', '/v1/reports/aging?asOf=2026-13-01');
    assert.equal(missing.status, 400);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(missing.body.errors.map((error: { path: string }) => error.path).sort(), ['asOf', 'currency']);

    const reversed = await server.api('GET', '/v1/reports/kpis?from=2026-12-31&to=2026-12-01&currency=EUR&colour=red');
    assert.equal(reversed.status, 400);
    assert.deepEqual(reversed.body.errors.map((error: { path: string }) => error.path).sort(), ['colour', 'to']);

    const unknownCurrency = await server.api('GET', '/v1/reports/kpis?from=2026-12-01&to=2026-12-31&currency=EURO');
    assert.deepEqual(unknownCurrency.body.errors, [{ path: 'currency', message: 'must be an ISO 4217 currency code like "EUR"' }]);

    const token = await server.token('dunwell/invoices.read');
    const forbidden = await fetch(`${server.url}/v1/reports/aging?asOf=2026-12-31&currency=EUR`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(forbidden.status, 403);
    const anonymous = await fetch(`${server.url}/v1/reports/aging?asOf=2026-12-31&currency=EUR`);
    assert.equal(anonymous.status, 401);
  });
});
