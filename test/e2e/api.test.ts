import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/** The HTTP contract of ../shared/API.md, against the running local pipeline. */
describe('invoice API contract', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const problemPaths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((error) => error.path).sort();

  describe('auth', () => {
    test('no bearer token → 401 problem', async () => {
      const response = await fetch(`${server.url}/v1/invoices/INV-X`);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.equal(((await response.json()) as { status: number }).status, 401);
    });

    test('a forged token → 401', async () => {
      const token = await server.token();
      const [header, payload] = token.split('.');
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), scope: 'admin' }),
      ).toString('base64url');
      const response = await server.api('GET', '/v1/invoices/INV-X', undefined, {
        authorization: `Bearer ${header}.${forgedPayload}.${token.split('.')[2]}`,
      });
      assert.equal(response.status, 401);
    });

    test('a read-only token cannot write → 403', async () => {
      const readOnly = await server.token('dunwell/invoices.read');
      const response = await server.api('POST', '/v1/invoices', invoiceBody(), { authorization: `Bearer ${readOnly}` });
      assert.equal(response.status, 403);
      assert.match(response.body.detail, /dunwell\/invoices\.write/);
      const read = await server.api('GET', '/v1/invoices/NOPE', undefined, { authorization: `Bearer ${readOnly}` });
      assert.equal(read.status, 404);
    });

    test('the OpenAPI document is public and lists the routes', async () => {
      const response = await fetch(`${server.url}/v1/openapi.json`);
      assert.equal(response.status, 200);
      const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(document.openapi, '3.1.0');
      assert.ok(document.paths['/v1/invoices/{invoiceId}/payments']);
    });
  });

  describe('validation', () => {
    test('every bad field is named in one 400 problem', async () => {
      const response = await server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({
          invoiceId: 'bad id with spaces',
          currency: 'EUR',
          amount: '1250.5',
          dueDate: '2026-02-30',
          customer: { customerId: 'C-1', name: 'Acme', email: 'not-an-email', timeZone: 'Mars/Olympus', locale: 'de-DE' },
          lines: [{ description: 'x', quantity: '1', unitPrice: '1.999' }],
        }),
      );
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.deepEqual(problemPaths(response.body), [
        'amount',
        'customer.email',
        'customer.timeZone',
        'dueDate',
        'invoiceId',
        'lines.0.unitPrice',
      ]);
    });

    test('unknown fields are rejected by name, top level and nested', async () => {
      const body = invoiceBody({ discount: '5.00' });
      (body.customer as Record<string, unknown>).vip = true;
      const response = await server.api('POST', '/v1/invoices', body);
      assert.equal(response.status, 400);
      assert.deepEqual(problemPaths(response.body), ['customer.vip', 'discount']);
    });

    test('money follows the currency precision: JPY has none, BHD has three', async () => {
      const yen = await server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({ invoiceId: 'INV-JPY', currency: 'JPY', amount: '125000', lines: [] }),
      );
      assert.equal(yen.status, 201);
      assert.equal(yen.body.amount, '125000');
      const dinar = await server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({ invoiceId: 'INV-BHD', currency: 'BHD', amount: '12.500', lines: [] }),
      );
      assert.equal(dinar.status, 201);
      assert.equal(dinar.body.balance, '12.500');
      const wrong = await server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({ invoiceId: 'INV-JPY2', currency: 'JPY', amount: '125000.00', lines: [] }),
      );
      assert.equal(wrong.status, 400);
      assert.deepEqual(problemPaths(wrong.body), ['amount']);
      const unknown = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-XXX', currency: 'XYZ' }));
      assert.deepEqual(problemPaths(unknown.body), ['currency']);
    });

    test('malformed JSON, an empty body and a wrong content type are clear errors', async () => {
      const malformed = await server.api('POST', '/v1/invoices', '{"invoiceId": ');
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.title, /not valid JSON/);
      const empty = await server.api('POST', '/v1/invoices', '');
      assert.equal(empty.status, 400);
      const xml = await server.api('POST', '/v1/invoices', '<invoice/>', { 'content-type': 'application/xml' });
      assert.equal(xml.status, 415);
    });

    test('a body over 1 MB → 413, and nothing is stored', async () => {
      const huge = invoiceBody({ invoiceId: 'INV-HUGE', lines: [{ description: 'x'.repeat(400), quantity: '1', unitPrice: '1.00' }] });
      const text = JSON.stringify({ ...huge, padding: 'y'.repeat(1024 * 1024) });
      const response = await server.api('POST', '/v1/invoices', text);
      assert.equal(response.status, 413);
      assert.equal((await server.api('GET', '/v1/invoices/INV-HUGE')).status, 404);
    });

    test('an unknown invoice → 404 for reads and payments', async () => {
      assert.equal((await server.api('GET', '/v1/invoices/NOPE-1')).status, 404);
      const payment = await server.api('POST', '/v1/invoices/NOPE-1/payments', {
        paymentId: 'P',
        amount: '1.00',
        paidAt: '2026-11-01T00:00:00Z',
      });
      assert.equal(payment.status, 404);
    });

    test('payment errors name the field: zero amount, wrong precision, bad instant, unknown field', async () => {
      await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-PV' }));
      const zero = await server.api('POST', '/v1/invoices/INV-PV/payments', {
        paymentId: 'P0',
        amount: '0.00',
        paidAt: '2026-11-02T00:00:00Z',
      });
      assert.deepEqual(problemPaths(zero.body), ['amount']);
      const precision = await server.api('POST', '/v1/invoices/INV-PV/payments', {
        paymentId: 'P1',
        amount: '10',
        paidAt: '2026-11-02T00:00:00Z',
      });
      assert.deepEqual(problemPaths(precision.body), ['amount']);
      const instant = await server.api('POST', '/v1/invoices/INV-PV/payments', {
        paymentId: 'P2',
        amount: '10.00',
        paidAt: 'yesterday',
        extra: 1,
      });
      assert.deepEqual(problemPaths(instant.body), ['extra', 'paidAt']);
      const invoice = await server.api('GET', '/v1/invoices/INV-PV');
      assert.equal(invoice.body.balance, '1250.00', 'rejected payments change nothing');
    });
  });

  describe('idempotency and upserts', () => {
    test('the same Idempotency-Key and body replays the first response; another body → 409', async () => {
      const body = invoiceBody({ invoiceId: 'INV-IDEM-1' });
      const first = await server.api('POST', '/v1/invoices', body, { 'idempotency-key': 'erp-batch-7-line-1' });
      assert.equal(first.status, 201);
      const replay = await server.api('POST', '/v1/invoices', body, { 'idempotency-key': 'erp-batch-7-line-1' });
      assert.equal(replay.status, 201, 'replays the first status, not 200');
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);
      const other = await server.api('POST', '/v1/invoices', { ...body, amount: '999.00' }, { 'idempotency-key': 'erp-batch-7-line-1' });
      assert.equal(other.status, 409);
      assert.match(other.body.detail, /Idempotency-Key/);
      const stored = await server.api('GET', '/v1/invoices/INV-IDEM-1');
      assert.equal(stored.body.amount, '1250.00');
    });

    test('an identical upsert without a key → 200; a contact change → 200 and recorded', async () => {
      const body = invoiceBody({ invoiceId: 'INV-UPS-1' });
      assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);
      const same = await server.api('POST', '/v1/invoices', body);
      assert.equal(same.status, 200);
      const moved = await server.api('POST', '/v1/invoices', { ...body, customer: { ...body.customer, email: 'billing@acme.example' } });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.customer.email, 'billing@acme.example');
      assert.equal(moved.body.timeline.at(-1).type, 'invoice.updated');
    });

    test('billing terms are frozen once a reminder went out → 409 naming the fields', async () => {
      const body = invoiceBody({ invoiceId: 'INV-FROZEN-1', dueDate: '2026-11-10' });
      await server.api('POST', '/v1/invoices', body);
      await server.advance({ to: '2026-11-09T12:00:00Z' });
      assert.equal((await server.outbox('INV-FROZEN-1')).length, 1);
      const conflict = await server.api('POST', '/v1/invoices', {
        ...body,
        amount: '2000.00',
        dueDate: '2026-12-10',
        lines: [{ description: 'Consulting, November', quantity: '16', unitPrice: '125.00' }],
      });
      assert.equal(conflict.status, 409);
      assert.deepEqual(problemPaths(conflict.body), ['amount', 'dueDate']);
      assert.equal((await server.api('GET', '/v1/invoices/INV-FROZEN-1')).body.amount, '1250.00');
    });

    test('a repeated paymentId is a no-op (200); the same id with another amount → 409', async () => {
      await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-PAYDUP-1' }));
      const payment = { paymentId: 'PAY-77', amount: '100.00', paidAt: '2026-11-08T00:00:00Z' };
      assert.equal((await server.api('POST', '/v1/invoices/INV-PAYDUP-1/payments', payment)).status, 201);
      const again = await server.api('POST', '/v1/invoices/INV-PAYDUP-1/payments', payment);
      assert.equal(again.status, 200);
      assert.equal(again.body.invoice.balance, '1150.00');
      const changed = await server.api('POST', '/v1/invoices/INV-PAYDUP-1/payments', { ...payment, amount: '200.00' });
      assert.equal(changed.status, 409);
      assert.equal((await server.api('GET', '/v1/invoices/INV-PAYDUP-1')).body.balance, '1150.00');
    });

    test('an overpayment is recorded and shown', async () => {
      await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-OVER-1' }));
      const paid = await server.api('POST', '/v1/invoices/INV-OVER-1/payments', {
        paymentId: 'PO',
        amount: '1300.00',
        paidAt: '2026-11-08T00:00:00Z',
      });
      assert.equal(paid.status, 201);
      assert.equal(paid.body.invoice.status, 'paid');
      assert.equal(paid.body.invoice.balance, '0.00');
      assert.equal(paid.body.invoice.overpaid, '50.00');
    });
  });

  test('no delivery was dead-lettered during the contract tests', async () => {
    await server.advance({ hours: 1 });
    assert.deepEqual(await server.deadLetters(), []);
  });
});
