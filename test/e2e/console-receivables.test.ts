import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The receivables list's filters on the running local pipeline: the aging bucket as due dates,
 * hold reasons from the listing, search, currency and tier over the whole list, the dashboard's
 * "unmatched cash" figure and link agreeing, and a clear 400 for a filter value that does not exist.
 */
describe('console receivables filters', () => {
  let server: LocalServer;
  let finance: ConsoleClient;
  // Today is 2026-12-08: due dates 100, 45, 10 and −5 days from it.
  const invoices = [
    { invoiceId: 'INV-AGE-91', dueDate: '2026-08-30', issueDate: '2026-08-01', currency: 'EUR' },
    { invoiceId: 'INV-AGE-45', dueDate: '2026-10-24', issueDate: '2026-10-01', currency: 'EUR' },
    { invoiceId: 'INV-AGE-10', dueDate: '2026-11-28', issueDate: '2026-11-01', currency: 'USD' },
    { invoiceId: 'INV-AGE-0', dueDate: '2026-12-13', issueDate: '2026-11-13', currency: 'EUR' },
  ];

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-12-08T08:00:00Z' });
    for (const invoice of invoices) {
      const created = await server.api('POST', '/v1/invoices', invoiceBody({ ...invoice, customer: customerOf(invoice.invoiceId) }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const cash = await server.api('POST', '/v1/invoices/INV-AGE-45/holds', {
      note: 'Transfer without reference',
      reason: 'unmatched_cash',
    });
    assert.equal(cash.status, 201);
    const manual = await server.api('POST', '/v1/invoices/INV-AGE-91/holds', { note: 'Legal review' });
    assert.equal(manual.status, 201);
    await server.advance({ hours: 1 });
    finance = await ConsoleClient.signIn(server.url, 'finance');
  });
  afterAll(() => server.stop());

  function customerOf(invoiceId: string) {
    return {
      customerId: `C-${invoiceId}`,
      name: invoiceId === 'INV-AGE-10' ? 'Zebra Freight Inc' : `Customer of ${invoiceId}`,
      email: 'ap@customer.example',
      timeZone: 'Europe/Berlin',
      locale: 'en-GB',
    };
  }

  const listed = async (query: string): Promise<string[]> => {
    const page = await finance.get(`/console/invoices?${query}`);
    assert.equal(page.status, 200, page.html);
    return [...page.html.matchAll(/href="\/console\/invoices\/(INV-[^"]+)"/g)].map((match) => match[1] ?? '').sort();
  };

  test('each aging bucket lists exactly the invoices of its days past due (91+ included)', async () => {
    assert.deepEqual(await listed('bucket=91%2B'), ['INV-AGE-91']);
    assert.deepEqual(await listed('bucket=31-60'), ['INV-AGE-45']);
    assert.deepEqual(await listed('bucket=1-30'), ['INV-AGE-10']);
    assert.deepEqual(await listed('bucket=current'), ['INV-AGE-0']);
    assert.deepEqual(await listed('bucket=61-90'), []);
    assert.deepEqual(await listed('bucket=current&overdue=true'), [], 'both filters at once');
  });

  test('hold reasons, currency and search filter the whole list', async () => {
    assert.deepEqual(await listed('hold=unmatched_cash'), ['INV-AGE-45']);
    assert.deepEqual(await listed('hold=manual'), ['INV-AGE-91']);
    assert.deepEqual(await listed('currency=usd'), ['INV-AGE-10']);
    assert.deepEqual(await listed('q=zebra'), ['INV-AGE-10'], 'by customer name, any case');
    assert.deepEqual(await listed('q=age-4'), ['INV-AGE-45'], 'by invoice number');
  });

  test("the dashboard's unmatched cash counts the listing's hold reasons, and its link lists those invoices", async () => {
    const dashboard = await finance.get('/console');
    assert.equal(dashboard.status, 200);
    const link = /<a href="([^"]*hold=unmatched_cash[^"]*)">([^<]*)<\/a>/.exec(dashboard.html);
    assert.ok(link, 'the dashboard links to the unmatched-cash list');
    assert.match(link[2] ?? '', /\b1\b/);
    assert.deepEqual(await listed(new URL(link[1] ?? '', server.url).search.slice(1)), ['INV-AGE-45']);
  });

  test('a filter value that does not exist is a 400 naming the filter, not a wider list', async () => {
    for (const [query, name] of [
      ['bucket=90%2B', 'bucket'],
      ['tier=7', 'tier'],
      ['hold=holiday', 'hold'],
      ['currency=EURO', 'currency'],
      ['sort=amount', 'sort'],
    ] as const) {
      const page = await finance.get(`/console/invoices?${query}`);
      assert.equal(page.status, 400, query);
      assert.match(page.html, new RegExp(`${name} must`), query);
    }
  });
});
