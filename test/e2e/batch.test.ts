import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { apiInvoiceExample } from '../support/invoices.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

type Result = {
  index: number;
  invoiceId?: string;
  status: number;
  outcome?: string;
  location?: string;
  problem?: { type: string; status: number; detail: string; errors?: { path: string; message: string }[] };
};

/** `POST /v1/invoices:batch` of ../shared/API.md, over HTTP against the running local pipeline. */
describe('invoice batch upsert', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  /** One customer per invoice, so reminders are not combined or capped across them. */
  const item = (id: string, overrides: Record<string, unknown> = {}) =>
    invoiceBody({ invoiceId: id, customer: { ...apiInvoiceExample.customer, customerId: `C-${id}` }, ...overrides });
  const batch = (invoices: unknown[]) => ({ invoices });
  const summary = (results: Result[]) => results.map((r) => [r.index, r.invoiceId, r.status]);
  const paths = (result: Result | undefined) => (result?.problem?.errors ?? []).map((error) => error.path).sort();

  test('a mixed batch → 207, one result per item in order; the good ones are stored, the rest name their fields', async () => {
    const response = await server.api<{ results: Result[] }>(
      'POST',
      '/v1/invoices:batch',
      batch([
        item('INV-B-1'),
        item('INV-B-2', { amount: '12.345', discount: '5.00' }),
        item('INV-B-3', { currency: 'JPY', amount: '125000', lines: [] }),
        item('INV-B-1', { amount: '99.00' }),
        'not an invoice',
        item('INV-B-4', { dueDate: '2026-10-01' }),
        item('INV-B-5', { policyId: 'no-such-policy' }),
      ]),
    );
    assert.equal(response.status, 207);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const { results } = response.body;
    assert.deepEqual(summary(results), [
      [0, 'INV-B-1', 201],
      [1, 'INV-B-2', 400],
      [2, 'INV-B-3', 201],
      [3, 'INV-B-1', 409],
      [4, undefined, 400],
      [5, 'INV-B-4', 400],
      [6, 'INV-B-5', 400],
    ]);
    assert.deepEqual(results[0], { index: 0, invoiceId: 'INV-B-1', status: 201, outcome: 'created', location: '/v1/invoices/INV-B-1' });
    // Problems are the ones POST /v1/invoices answers, with paths relative to the item.
    assert.equal(results[1]?.problem?.type, 'urn:dunwell:problem:validation');
    assert.equal(results[1]?.problem?.status, 400);
    assert.deepEqual(paths(results[1]), ['amount', 'discount']);
    assert.deepEqual(paths(results[3]), ['invoiceId']);
    assert.match(results[3]?.problem?.detail ?? '', /more than once in this batch.*index 0/);
    assert.deepEqual(paths(results[4]), ['(body)']);
    assert.deepEqual(paths(results[5]), ['dueDate']);
    assert.deepEqual(paths(results[6]), ['policyId']);

    const first = await server.api('GET', '/v1/invoices/INV-B-1');
    assert.equal(first.status, 200);
    assert.equal(first.body.amount, '1250.00', 'the later duplicate changed nothing');
    assert.equal((await server.api('GET', '/v1/invoices/INV-B-3')).body.amount, '125000');
    for (const rejected of ['INV-B-2', 'INV-B-4', 'INV-B-5']) {
      assert.equal((await server.api('GET', `/v1/invoices/${rejected}`)).status, 404, `${rejected} is not stored`);
    }
  });

  test('the same Idempotency-Key and body replays the 207 without running it again; another body → 409', async () => {
    const body = batch([item('INV-BI-1'), item('INV-BI-2', { amount: 'lots' })]);
    const first = await server.api('POST', '/v1/invoices:batch', body, { 'idempotency-key': 'erp-batch-2026-11-01' });
    assert.equal(first.status, 207);
    assert.deepEqual(summary(first.body.results), [
      [0, 'INV-BI-1', 201],
      [1, 'INV-BI-2', 400],
    ]);
    const replay = await server.api('POST', '/v1/invoices:batch', body, { 'idempotency-key': 'erp-batch-2026-11-01' });
    assert.equal(replay.status, 207);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, first.body, 'the first answer (201), not a fresh run (200)');
    const again = await server.api('POST', '/v1/invoices:batch', body);
    assert.equal(again.body.results[0].status, 200, 'without the key the batch runs again, as an identical upsert');
    const other = await server.api('POST', '/v1/invoices:batch', batch([item('INV-BI-3')]), { 'idempotency-key': 'erp-batch-2026-11-01' });
    assert.equal(other.status, 409);
    assert.match(other.body.detail, /Idempotency-Key/);
    assert.equal((await server.api('GET', '/v1/invoices/INV-BI-3')).status, 404);
  });

  test('a malformed envelope → one 400 problem and nothing stored: 501 items, no invoices, unknown fields, not an object', async () => {
    const many = Array.from({ length: 501 }, (_, n) => item(`INV-BX-${n}`));
    const tooMany = await server.api('POST', '/v1/invoices:batch', batch(many));
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(
      tooMany.body.errors.map((error: { path: string }) => error.path),
      ['invoices'],
    );
    assert.match(tooMany.body.errors[0].message, /at most 500/);
    assert.equal((await server.api('GET', '/v1/invoices/INV-BX-0')).status, 404, 'no item of a rejected batch is stored');

    const missing = await server.api('POST', '/v1/invoices:batch', { items: [item('INV-BX-M')] });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.errors.map((error: { path: string }) => error.path).sort(), ['invoices', 'items']);
    const empty = await server.api('POST', '/v1/invoices:batch', batch([]));
    assert.equal(empty.status, 400);
    const notObject = await server.api('POST', '/v1/invoices:batch', [item('INV-BX-A')]);
    assert.equal(notObject.status, 400);
    assert.deepEqual(
      notObject.body.errors.map((error: { path: string }) => error.path),
      ['(body)'],
    );
    const malformed = await server.api('POST', '/v1/invoices:batch', '{"invoices": [');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.title, /not valid JSON/);
    assert.equal((await server.api('GET', '/v1/invoices/INV-BX-M')).status, 404);
  });

  test('a batch over 1 MB → 413, and nothing is stored', async () => {
    const lines = Array.from({ length: 20 }, (_, k) => ({
      description: `Work package ${k}: ${'x'.repeat(80)}`,
      quantity: '1',
      unitPrice: '1.00',
    }));
    const invoices = Array.from({ length: 500 }, (_, n) => item(`INV-BM-${n}`, { lines }));
    const text = JSON.stringify(batch(invoices));
    assert.ok(Buffer.byteLength(text) > 1024 * 1024, 'the batch is over 1 MB');
    const response = await server.api('POST', '/v1/invoices:batch', text);
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    assert.equal((await server.api('GET', '/v1/invoices/INV-BM-0')).status, 404);
  });

  test('the route: write scope needed; /v1/invoices stays the single upsert; other actions → 404', async () => {
    const readOnly = await server.token('dunwell/invoices.read');
    const forbidden = await server.api('POST', '/v1/invoices:batch', batch([item('INV-BR-1')]), { authorization: `Bearer ${readOnly}` });
    assert.equal(forbidden.status, 403);
    const single = await server.api('POST', '/v1/invoices', item('INV-BR-2'));
    assert.equal(single.status, 201);
    assert.equal(single.body.invoiceId, 'INV-BR-2', 'the single route answers the invoice itself');
    const encoded = await server.api('POST', '/v1/invoices%3Abatch', batch([item('INV-BR-3')]));
    assert.equal(encoded.status, 207, 'a percent-encoded colon is the same action');
    assert.equal((await server.api('POST', '/v1/invoices:purge', batch([]))).status, 404);
    assert.equal((await server.api('POST', '/v1/customers:batch', batch([]))).status, 404);
  });

  test('the OpenAPI document publishes POST /v1/invoices:batch with its 207', async () => {
    const document = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown; parameters?: unknown[] }>>;
    };
    const operation = document.paths['/v1/invoices:batch']?.post;
    assert.ok(operation, 'published under its contract path');
    assert.ok(operation.responses['207']);
    assert.ok(operation.requestBody);
    assert.equal(document.paths['/v1/{collectionAction}'], undefined, 'the gateway route path is not published');
  });

  test('created invoices start dunning; re-sent later, identical items → 200 and a changed frozen term → 409', async () => {
    // Tier 1 sends 3 days before the 1 December due date: Saturday 28 Nov moves to Monday 30 Nov, 09:00 Berlin.
    await server.advance({ to: '2026-11-30T12:00:00Z' });
    const reminders = await server.outbox('INV-B-3');
    assert.equal(reminders.length, 1, 'a batch-created invoice got its first reminder');
    assert.equal(reminders[0]?.channel, 'email');
    assert.equal((await server.outbox('INV-B-1')).length, 1);

    const later = await server.api<{ results: Result[] }>(
      'POST',
      '/v1/invoices:batch',
      batch([
        item('INV-B-1'),
        item('INV-B-3', { currency: 'JPY', amount: '125000', lines: [] }),
        item('INV-B-1b'),
        item('INV-B-3', { amount: '1.00' }),
      ]),
    );
    assert.equal(later.status, 207);
    assert.deepEqual(summary(later.body.results), [
      [0, 'INV-B-1', 200],
      [1, 'INV-B-3', 200],
      [2, 'INV-B-1b', 201],
      [3, 'INV-B-3', 409],
    ]);
    assert.equal(later.body.results[0]?.outcome, 'unchanged');

    const frozen = await server.api<{ results: Result[] }>(
      'POST',
      '/v1/invoices:batch',
      batch([
        item('INV-B-1', {
          amount: '2000.00',
          dueDate: '2026-12-10',
          lines: [{ description: 'Consulting, November', quantity: '16', unitPrice: '125.00' }],
        }),
      ]),
    );
    assert.equal(frozen.body.results[0]?.status, 409);
    assert.deepEqual(paths(frozen.body.results[0]), ['amount', 'dueDate']);
    assert.equal((await server.api('GET', '/v1/invoices/INV-B-1')).body.amount, '1250.00');
  });

  test('no delivery was dead-lettered', async () => {
    await server.advance({ hours: 1 });
    assert.deepEqual(await server.deadLetters(), []);
  });
});
