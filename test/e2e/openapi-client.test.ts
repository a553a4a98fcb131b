import assert from 'node:assert/strict';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { paths } from '#contracts/openapi-types.gen.ts';
import { LocalServer } from '../support/local-server.ts';

/**
 * An integrator's view: a client generated from the published OpenAPI document (openapi-typescript types, committed
 * and kept in step by test/unit/openapi-lint.test.ts) with openapi-fetch, driving the running local pipeline.
 * Every call below is typed by the document: a wrong path, parameter or body field does not compile.
 */
describe('a typed client generated from the OpenAPI document', () => {
  let server: LocalServer;
  let client: ReturnType<typeof createClient<paths>>;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const token = await server.token();
    client = createClient<paths>({ baseUrl: server.url, headers: { authorization: `Bearer ${token}` } });
  });
  afterAll(() => server.stop());

  test('ingests an invoice, reads it, pays it in full and sees it paid and closed', async () => {
    const created = await client.POST('/v1/invoices', {
      params: { header: { 'Idempotency-Key': 'openapi-client-1' } },
      body: {
        invoiceId: 'INV-OAS-1',
        customer: { customerId: 'C-OAS', name: 'Acme GmbH', email: 'ap@acme.example', timeZone: 'Europe/Berlin', locale: 'de-DE' },
        currency: 'EUR',
        amount: '1250.00',
        issueDate: '2026-11-01',
        dueDate: '2026-12-01',
        lines: [{ description: 'Consulting, November', quantity: '10', unitPrice: '125.00' }],
      },
    });
    assert.equal(created.response.status, 201, JSON.stringify(created.error));
    assert.equal(created.response.headers.get('location'), '/v1/invoices/INV-OAS-1');
    assert.equal(created.data?.status, 'open');

    const read = await client.GET('/v1/invoices/{invoiceId}', { params: { path: { invoiceId: 'INV-OAS-1' } } });
    assert.equal(read.response.status, 200, JSON.stringify(read.error));
    assert.equal(read.data?.balance, '1250.00');
    assert.equal(read.data?.customer.customerId, 'C-OAS');
    assert.equal(read.data?.timeline[0]?.type, 'invoice.received');
    assert.notEqual(read.data?.nextAction, null, 'dunning is planned');

    const paid = await client.POST('/v1/invoices/{invoiceId}/payments', {
      params: { path: { invoiceId: 'INV-OAS-1' } },
      body: { paymentId: 'PAY-OAS-1', amount: '1250.00', paidAt: '2026-11-01T09:00:00Z' },
    });
    assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
    assert.equal(paid.data?.paymentId, 'PAY-OAS-1');
    assert.equal(paid.data?.invoice.status, 'paid');
    assert.equal(paid.data?.invoice.balance, '0.00');

    await server.advance({ days: 1 });
    const closed = await client.GET('/v1/invoices/{invoiceId}', { params: { path: { invoiceId: 'INV-OAS-1' } } });
    assert.equal(closed.data?.status, 'paid');
    assert.equal(closed.data?.nextAction, null, 'nothing more to do');
    assert.ok(closed.data?.closedAt, 'its lifecycle has closed');
    assert.ok(closed.data?.timeline.some((event) => event.type === 'invoice.closed'));
    assert.deepEqual(
      closed.data?.payments.map((payment) => [payment.paymentId, payment.amount]),
      [['PAY-OAS-1', '1250.00']],
    );
  });

  test('a problem comes back as the typed error, with the field it names', async () => {
    const missing = await client.GET('/v1/invoices/{invoiceId}', { params: { path: { invoiceId: 'INV-OAS-NONE' } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.data, undefined);
    assert.equal(missing.error?.status, 404);

    const invalid = await client.POST('/v1/invoices/{invoiceId}/payments', {
      params: { path: { invoiceId: 'INV-OAS-1' } },
      body: { paymentId: 'PAY-OAS-2', amount: '0.00', paidAt: '2026-11-02T09:00:00Z' },
    });
    assert.equal(invalid.response.status, 400);
    assert.deepEqual(
      invalid.error?.errors?.map((error) => error.path),
      ['amount'],
    );
  });
});
