import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { payLinkOf } from '../support/hosted-page.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

type Problem = { status: number; type?: string; errors?: { path: string; message: string }[] };

/** Hostile and nonsensical input over HTTP: each is a 400 naming the field, and nothing is stored. */
describe('hostile and nonsensical input', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const customer = (overrides: Record<string, unknown>) => ({ ...invoiceBody().customer, ...overrides });

  /** Posts the invoice, expects one 400 naming exactly `paths`, and that nothing was stored. */
  const rejected = async (body: Record<string, unknown>, paths: string[], message?: RegExp) => {
    const response = await server.api<Problem>('POST', '/v1/invoices', body);
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(response.body.type, 'urn:dunwell:problem:validation');
    const errors = response.body.errors ?? [];
    assert.deepEqual(errors.map((error) => error.path).sort(), [...paths].sort());
    if (message) assert.match(errors[0]?.message ?? '', message);
    assert.equal((await server.api('GET', `/v1/invoices/${body.invoiceId}`)).status, 404, 'nothing was stored');
    return errors;
  };

  test('CR/LF in the customer name and email → 400 naming both paths', async () => {
    await rejected(
      invoiceBody({
        invoiceId: 'INV-H-CRLF',
        customer: customer({ name: 'Acme GmbH\r\nBcc: victim@evil.example', email: 'ap@acme.example\r\nBcc: victim@evil.example' }),
      }),
      ['customer.email', 'customer.name'],
    );
  });

  test('control characters in a line description and the PO number → 400 naming them', async () => {
    await rejected(
      invoiceBody({
        invoiceId: 'INV-H-CTRL',
        poNumber: 'PO\u0000778',
        lines: [{ description: '\u001b[2JConsulting', quantity: '10', unitPrice: '125.00' }],
      }),
      ['lines.0.description', 'poNumber'],
      /control characters/,
    );
  });

  test('a whitespace-only customer name → 400 "must not be blank"', async () => {
    const [error] = await rejected(invoiceBody({ invoiceId: 'INV-H-BLANK', customer: customer({ name: ' \u00a0 ' }) }), ['customer.name']);
    assert.equal(error?.message, 'must not be blank');
  });

  test('issue dates 1999-12-31 and 9999-01-01 → 400 on issueDate', async () => {
    await rejected(invoiceBody({ invoiceId: 'INV-H-1999', issueDate: '1999-12-31' }), ['issueDate'], /2000-01-01 to 2099-12-31/);
    await rejected(
      invoiceBody({ invoiceId: 'INV-H-9999', issueDate: '9999-01-01', dueDate: '9999-02-01' }),
      ['dueDate', 'issueDate'],
      /years 2000 to 2099/,
    );
  });

  test('an issue date more than 366 days after today (the clock) → 400 on issueDate, alone and in a batch', async () => {
    await rejected(
      invoiceBody({ invoiceId: 'INV-H-AHEAD', issueDate: '2027-11-03', dueDate: '2027-12-03' }),
      ['issueDate'],
      /at most 366 days after today \(2027-11-02\)/,
    );
    const batch = await server.api<{ results: { status: number; problem?: Problem }[] }>('POST', '/v1/invoices:batch', {
      invoices: [invoiceBody({ invoiceId: 'INV-HB-AHEAD', issueDate: '2027-11-03', dueDate: '2027-12-03' })],
    });
    assert.equal(batch.body.results[0]?.status, 400);
    assert.deepEqual(
      batch.body.results[0]?.problem?.errors?.map((error) => error.path),
      ['issueDate'],
    );
    const preBilled = invoiceBody({ invoiceId: 'INV-H-PREBILL', issueDate: '2027-11-02', dueDate: '2027-12-02' });
    assert.equal((await server.api('POST', '/v1/invoices', preBilled)).status, 201, 'up to 366 days ahead is pre-billing');
  });

  test('a due date more than 10 years after the issue date → 400 on dueDate', async () => {
    await rejected(invoiceBody({ invoiceId: 'INV-H-TERM', dueDate: '2046-12-01' }), ['dueDate'], /at most 10 years after issueDate/);
  });

  test('amount "0.00" → 400 on amount (it used to be stored open with a closed timeline)', async () => {
    await rejected(invoiceBody({ invoiceId: 'INV-H-ZERO', amount: '0.00', lines: [] }), ['amount'], /greater than zero/);
  });

  test('lines summing to less than the amount (tax left out) → 400 on lines', async () => {
    await rejected(invoiceBody({ invoiceId: 'INV-H-SUM', amount: '1487.50' }), ['lines'], /must add up to amount \(1487\.50\).*1250\.00/);
    const withTax = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({
        invoiceId: 'INV-H-TAX',
        amount: '1487.50',
        lines: [
          { description: 'Consulting, November', quantity: '10', unitPrice: '125.00' },
          { description: 'VAT 19%', quantity: '1', unitPrice: '237.50' },
        ],
      }),
    );
    assert.equal(withTax.status, 201, 'tax as a line adds up');
  });

  test('quantity × unitPrice overflow → 400 on the line (it used to print €NaN)', async () => {
    await rejected(
      invoiceBody({
        invoiceId: 'INV-H-OVERFLOW',
        amount: '1.00',
        lines: [{ description: 'Overflow', quantity: '999999999', unitPrice: '90071992547409.91' }],
      }),
      ['lines.0.quantity'],
      /quantity × unitPrice must be at most 90071992547409\.91/,
    );
  });

  test('a batch item gets the same errors, with item-relative paths', async () => {
    const response = await server.api<{ results: { index: number; status: number; problem?: Problem }[] }>('POST', '/v1/invoices:batch', {
      invoices: [
        invoiceBody({ invoiceId: 'INV-HB-1', customer: customer({ name: 'Acme\nGmbH' }) }),
        invoiceBody({ invoiceId: 'INV-HB-2', amount: '0.00', lines: [] }),
        invoiceBody({ invoiceId: 'INV-HB-3', issueDate: '1999-12-31' }),
        invoiceBody({ invoiceId: 'INV-HB-4', amount: '1000.00' }),
      ],
    });
    assert.equal(response.status, 207);
    assert.deepEqual(
      response.body.results.map((result) => [result.status, (result.problem?.errors ?? []).map((error) => error.path)]),
      [
        [400, ['customer.name']],
        [400, ['amount']],
        [400, ['issueDate']],
        [400, ['lines']],
      ],
    );
  });

  test('payments, credit notes, holds and customers take the same rules', async () => {
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-H-ACT' }))).status, 201);
    const paths = async (method: string, path: string, body: unknown) => {
      const response = await server.api<Problem>(method, path, body);
      assert.equal(response.status, 400, `${path}: ${JSON.stringify(response.body)}`);
      return (response.body.errors ?? []).map((error) => error.path).sort();
    };
    assert.deepEqual(
      await paths('POST', '/v1/invoices/INV-H-ACT/payments', { paymentId: 'P1', amount: '0.00', paidAt: '2026-11-01T00:00:00Z' }),
      ['amount'],
    );
    assert.deepEqual(
      await paths('POST', '/v1/invoices/INV-H-ACT/payments', {
        paymentId: 'P1',
        amount: '1.00',
        paidAt: '1999-12-31T00:00:00Z',
        method: 'wire\r\n',
      }),
      ['method', 'paidAt'],
    );
    assert.deepEqual(await paths('POST', '/v1/invoices/INV-H-ACT/credit-notes', { creditNoteId: 'CN-1', amount: '0.00', reason: 'x' }), [
      'amount',
    ]);
    assert.deepEqual(await paths('POST', '/v1/invoices/INV-H-ACT/credit-notes', { creditNoteId: 'CN-1', amount: '1.00', reason: '  ' }), [
      'reason',
    ]);
    assert.deepEqual(await paths('POST', '/v1/invoices/INV-H-ACT/holds', { note: 'waiting\u0000' }), ['note']);
    assert.deepEqual(await paths('POST', '/v1/invoices/INV-H-ACT/promises', { promisedDate: '9999-01-01' }), ['promisedDate']);
    assert.deepEqual(await paths('PUT', '/v1/customers/C-H-1', { name: 'Beta\r\nSA', segment: '\t' }), ['name', 'segment']);
    assert.equal((await server.api('GET', '/v1/invoices/INV-H-ACT')).body.balance, '1250.00', 'nothing was applied');
  });

  test('amounts near the largest: what a customer owes is exact past 2^53; a payment past the bound → 400 on amount, nothing lost', async () => {
    // The largest amount and one minor unit less: their sum, 2^54 − 3, is not a double.
    const big = (invoiceId: string, amount: string) =>
      invoiceBody({
        invoiceId,
        customer: customer({ customerId: 'C-H-MAX' }),
        amount,
        lines: [{ description: 'All', quantity: '1', unitPrice: amount }],
      });
    assert.equal((await server.api('POST', '/v1/invoices', big('INV-H-MAX-A', '90071992547409.91'))).status, 201);
    assert.equal((await server.api('POST', '/v1/invoices', big('INV-H-MAX-B', '90071992547409.90'))).status, 201);
    const owed = await server.api('GET', '/v1/customers/C-H-MAX');
    assert.equal(owed.status, 200);
    assert.deepEqual(owed.body.openInvoices, { count: 2, balance: { EUR: '180143985094819.81' } });

    const pay = (paymentId: string, amount: string) =>
      server.api<Problem>('POST', '/v1/invoices/INV-H-MAX-B/payments', { paymentId, amount, paidAt: '2026-11-01T00:00:00Z' });
    assert.equal((await pay('P1', '90071992547409.00')).status, 201);
    assert.equal((await pay('P2', '0.91')).status, 201, 'an overpayment within the bound is recorded');
    const refused = await pay('P3', '0.01');
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.type, 'urn:dunwell:problem:validation');
    assert.deepEqual(
      refused.body.errors?.map((error) => error.path),
      ['amount'],
    );
    assert.equal(
      refused.body.errors?.[0]?.message,
      '0.01 EUR would bring payments and credit notes on this invoice above 90071992547409.91 EUR: at most 0.00 EUR more can be recorded',
    );

    const invoice = await server.api('GET', '/v1/invoices/INV-H-MAX-B');
    assert.equal(invoice.body.paid, '90071992547409.91', 'both accepted payments are kept');
    assert.equal(invoice.body.overpaid, '0.01');
    assert.deepEqual(
      invoice.body.payments.map((payment: { paymentId: string; amount: string }) => [payment.paymentId, payment.amount]),
      [
        ['P1', '90071992547409.00'],
        ['P2', '0.91'],
      ],
    );
    assert.equal((await pay('P2', '0.91')).status, 200, 'a repeat of an accepted payment is still answered as such');
    const after = await server.api('GET', '/v1/customers/C-H-MAX');
    assert.deepEqual(after.body.openInvoices, { count: 1, balance: { EUR: '90071992547409.91' } });
  });

  test('the printable invoice of an accepted invoice with the largest lines shows exact figures, never NaN', async () => {
    // 999 999 999 × 90 071.99 = 90 071 989 909 928.01: near the largest amount, exact in BigInt.
    const body = invoiceBody({
      invoiceId: 'INV-H-BIG',
      customer: customer({ customerId: 'C-H-BIG' }),
      amount: '90071989909928.01',
      lines: [{ description: 'Bulk', quantity: '999999999', unitPrice: '90071.99' }],
    });
    assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);
    await server.advance({ to: '2026-11-30T09:00:00Z' });
    const [reminder] = await server.outbox('INV-H-BIG');
    const link = payLinkOf(reminder);
    assert.ok(link, 'the reminder carries a pay link');
    const html = await (await fetch(`${link}/invoice`)).text();
    assert.doesNotMatch(html, /NaN|Infinity|e\+/);
    assert.match(html, /<td class="num">90\.071\.989\.909\.928,01\s€<\/td>/, 'the line amount, exact');
  });
});
