import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The dashboard's report figures on the running local pipeline: computed after the first view's
 * response and stored; within a minute shown as stored; later shown at once while a refresh runs
 * after the response (the runtime counts it as activity, so waiting for idle waits for it), and
 * the next view has the new figures. The work lists beside them are always live.
 */
describe('console dashboard: stored report figures, refreshed after the response', () => {
  let server: LocalServer;
  let finance: ConsoleClient;

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-12-08T08:00:00Z' });
    const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-DASH-1', amount: '1250.00' }));
    assert.equal(created.status, 201);
    await server.advance({ hours: 1 });
    assert.equal((await server.local('POST', '/_local/exports/flush')).status, 200);
    finance = await ConsoleClient.signIn(server.url, 'finance');
  });
  afterAll(() => server.stop());

  /** The EUR collected this month, as the dashboard's tile shows it. */
  const collected = (html: string) => /Collected<\/p><p class="value">([^<]+)</.exec(html)?.[1];

  test('the first view does not wait for the lake; a payment shows after the figures age and one refresh ran', async () => {
    const first = await finance.get('/console');
    assert.equal(first.status, 200, first.html);
    assert.match(first.html, /being computed for the first time/);
    assert.equal(collected(first.html), undefined);
    await server.advance({ hours: 0 });
    const computed = await finance.get('/console');
    assert.equal(collected(computed.html), '€0.00');
    assert.doesNotMatch(computed.html, /Newer figures are being computed/);
    assert.match(computed.html, /as computed at 2026-12-08 09:00 UTC/);

    const paid = await server.api('POST', '/v1/invoices/INV-DASH-1/payments', {
      paymentId: 'PAY-DASH-1',
      amount: '1250.00',
      paidAt: '2026-12-08T09:00:00Z',
    });
    assert.equal(paid.status, 201);
    await server.advance({ hours: 0 });
    assert.equal((await server.local('POST', '/_local/exports/flush')).status, 200);

    // Within the minute: the stored figures, no refresh.
    const within = await finance.get('/console');
    assert.equal(collected(within.html), '€0.00');
    assert.doesNotMatch(within.html, /Newer figures are being computed/);

    // Two minutes on: the stored figures at once, saying a refresh runs; once it ran, the new ones.
    await server.advance({ to: '2026-12-08T09:02:00Z' });
    const stale = await finance.get('/console');
    assert.equal(collected(stale.html), '€0.00');
    assert.match(stale.html, /Newer figures are being computed/);
    await server.advance({ hours: 0 });
    const fresh = await finance.get('/console');
    assert.equal(collected(fresh.html), '€1,250.00');
    assert.match(fresh.html, /as computed at 2026-12-08 09:02 UTC/);
  });
});
