import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/** `GET /v1/invoices` and `GET /v1/customers` over HTTP on the running local pipeline. */
describe('lists', () => {
  let server: LocalServer;
  beforeAll(async () => {
    // Sunday 1 November 2026, 00:00 UTC.
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const statusOrder = ['open', 'on_hold', 'escalated', 'paid', 'written_off', 'void'];
  const paths = (body: { errors: { path: string }[] }) => body.errors.map((error) => error.path);

  const invoiceFor = (invoiceId: string, customerId: string, dueDate: string, extra: Record<string, unknown> = {}) =>
    invoiceBody({
      invoiceId,
      dueDate,
      customer: { customerId, name: `Customer ${customerId}`, email: `ap@${customerId.toLowerCase()}.example`, timeZone: 'Europe/Berlin' },
      ...extra,
    });

  async function post(invoices: Record<string, unknown>[]) {
    const response = await server.api('POST', '/v1/invoices:batch', { invoices });
    assert.equal(response.status, 207);
    for (const result of response.body.results) assert.equal(result.status, 201, JSON.stringify(result));
  }

  /** Every page of a list, following `next` until it is absent; the query is repeated with each cursor. */
  async function allPages(path: string, query: Record<string, string>) {
    const pages: any[][] = [];
    let cursor: string | undefined;
    do {
      const search = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
      const page = await server.api('GET', `${path}?${search}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      pages.push(page.body.items);
      cursor = page.body.next;
      assert.ok(pages.length < 100, 'the cursor moves on');
    } while (cursor);
    return pages;
  }

  const ids = (items: { invoiceId: string }[]) => items.map((item) => item.invoiceId);
  const byDueThenId = (a: { dueDate: string; invoiceId: string }, b: { dueDate: string; invoiceId: string }) =>
    a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId);

  test('paging through more than a page returns every invoice exactly once, in due-date order, across statuses', async () => {
    // 23 invoices of one customer, due dates repeating so the invoice id breaks ties.
    const invoices = Array.from({ length: 23 }, (_, index) =>
      invoiceFor(`PG-${String(index + 1).padStart(3, '0')}`, 'C-PAGE', `2026-12-0${1 + ((index * 5) % 7)}`),
    );
    await post(invoices);
    const paid = await server.api('POST', '/v1/invoices/PG-002/payments', {
      paymentId: 'PAY-PG-002',
      amount: '1250.00',
      paidAt: '2026-11-01T00:00:00Z',
    });
    assert.equal(paid.status, 201);
    assert.equal((await server.api('POST', '/v1/invoices/PG-005/void', {})).status, 200);
    assert.equal((await server.api('POST', '/v1/invoices/PG-007/holds', { note: 'checking the delivery' })).status, 201);

    const expected = invoices.map((invoice) => ({ invoiceId: invoice.invoiceId, dueDate: invoice.dueDate })).sort(byDueThenId);

    // One customer, every status, 5 a page: 5 pages, the last one short and without `next`.
    const pages = await allPages('/v1/invoices', { customerId: 'C-PAGE', limit: '5' });
    assert.deepEqual(
      pages.map((page) => page.length),
      [5, 5, 5, 5, 3],
    );
    assert.deepEqual(ids(pages.flat()), ids(expected));

    // No filter: every status partition in turn, 4 a page, each invoice once, grouped by status in list order.
    const everything = (await allPages('/v1/invoices', { limit: '4' })).flat();
    assert.equal(new Set(ids(everything)).size, everything.length, 'no invoice twice');
    assert.deepEqual(ids(everything.filter((item) => item.customerId === 'C-PAGE')).sort(), ids(expected).sort());
    const statusIndexes = everything.map((item) => statusOrder.indexOf(item.status));
    assert.deepEqual(
      statusIndexes,
      [...statusIndexes].sort((a, b) => a - b),
      'status by status',
    );
    for (const status of statusOrder) {
      const group = everything.filter((item) => item.status === status);
      assert.deepEqual(ids(group), ids([...group].sort(byDueThenId)), `${status} by due date`);
    }
    assert.deepEqual(
      ['PG-002', 'PG-005', 'PG-007'].map((id) => everything.find((item) => item.invoiceId === id)?.status),
      ['paid', 'void', 'on_hold'],
    );
  });

  test('an item: money as decimal strings, days past due and tier from the clock, the next action as the invoice shows it', async () => {
    await post([
      invoiceFor('ITEM-1', 'C-ITEM', '2026-12-01'),
      invoiceFor('ITEM-JPY', 'C-ITEM', '2026-12-02', { currency: 'JPY', amount: '5000', lines: [] }),
    ]);
    const list = await server.api('GET', '/v1/invoices?customerId=C-ITEM');
    assert.equal(list.status, 200);
    assert.equal(list.body.next, undefined);
    const [eur, jpy] = list.body.items;
    const invoice = await server.api('GET', '/v1/invoices/ITEM-1');
    assert.deepEqual(eur, {
      invoiceId: 'ITEM-1',
      customerId: 'C-ITEM',
      customerName: 'Customer C-ITEM',
      currency: 'EUR',
      amount: '1250.00',
      balance: '1250.00',
      dueDate: '2026-12-01',
      status: 'open',
      daysPastDue: -30,
      tier: 1,
      nextAction: invoice.body.nextAction,
    });
    assert.equal(eur.nextAction.type, 'email');
    assert.deepEqual([jpy.amount, jpy.balance, jpy.daysPastDue], ['5000', '5000', -31]);

    // A partial payment lowers the balance in the list at once.
    await server.api('POST', '/v1/invoices/ITEM-1/payments', { paymentId: 'PAY-ITEM-1', amount: '250.00', paidAt: '2026-11-01T00:00:00Z' });
    const after = await server.api('GET', '/v1/invoices?customerId=C-ITEM&status=open');
    assert.deepEqual(
      after.body.items.map((item: { invoiceId: string; balance: string }) => [item.invoiceId, item.balance]),
      [
        ['ITEM-1', '1000.00'],
        ['ITEM-JPY', '5000'],
      ],
    );
  });

  test('status, customer and due-date filters combine; overdue follows the clock', async () => {
    await post([
      invoiceFor('DUE-A', 'C-DUE', '2026-11-10'),
      invoiceFor('DUE-B', 'C-DUE', '2026-11-20'),
      invoiceFor('DUE-C', 'C-DUE', '2026-12-01'),
      invoiceFor('DUE-OTHER', 'C-DUE-2', '2026-11-10'),
    ]);
    const list = async (query: string) => {
      const response = await server.api('GET', `/v1/invoices?${query}`);
      assert.equal(response.status, 200, `${query}: ${JSON.stringify(response.body)}`);
      return ids(response.body.items);
    };
    const now = (await server.local<{ now: string }>('GET', '/_local/health')).body.now;
    assert.ok(now.startsWith('2026-11-01'), now);
    assert.deepEqual(await list('customerId=C-DUE&overdue=true'), []);
    assert.deepEqual(await list('customerId=C-DUE&overdue=false'), ['DUE-A', 'DUE-B', 'DUE-C']);
    assert.deepEqual(await list('customerId=C-DUE&dueBefore=2026-11-20'), ['DUE-A']);
    assert.deepEqual(await list('customerId=C-DUE&status=open&dueBefore=2026-12-02'), ['DUE-A', 'DUE-B', 'DUE-C']);
    assert.deepEqual(await list('customerId=C-DUE&status=paid'), []);
    const openDueBefore = await list('status=open&dueBefore=2026-11-11');
    assert.deepEqual(
      openDueBefore.filter((id) => id.startsWith('DUE-')),
      ['DUE-A', 'DUE-OTHER'],
    );

    await server.advance({ to: '2026-11-15T12:00:00Z' });
    assert.deepEqual(await list('customerId=C-DUE&overdue=true'), ['DUE-A']);
    assert.deepEqual(await list('customerId=C-DUE&overdue=false'), ['DUE-B', 'DUE-C']);
    assert.deepEqual(await list('customerId=C-DUE&overdue=false&dueBefore=2026-12-01'), ['DUE-B']);
    // Both bounds: the stricter one wins.
    assert.deepEqual(await list('customerId=C-DUE&overdue=true&dueBefore=2026-11-05'), []);
    assert.deepEqual(await list('customerId=C-DUE&overdue=true&dueBefore=2026-12-31'), ['DUE-A']);
    const overdueOpen = await list('status=open&overdue=true');
    assert.deepEqual(
      overdueOpen.filter((id) => id.startsWith('DUE-')),
      ['DUE-A', 'DUE-OTHER'],
    );
    const overdue = await server.api('GET', '/v1/invoices?customerId=C-DUE&overdue=true');
    assert.deepEqual([overdue.body.items[0].daysPastDue, overdue.body.items[0].tier], [5, 1]);
  });

  test('a paid invoice moves from the open list to the paid list', async () => {
    await post([invoiceFor('PAYME-1', 'C-PAYME', '2026-12-10')]);
    const inList = async (status: string) => ids((await server.api('GET', `/v1/invoices?status=${status}&customerId=C-PAYME`)).body.items);
    assert.deepEqual([await inList('open'), await inList('paid')], [['PAYME-1'], []]);
    const paid = await server.api('POST', '/v1/invoices/PAYME-1/payments', {
      paymentId: 'PAY-PAYME-1',
      amount: '1250.00',
      paidAt: '2026-11-15T12:00:00Z',
    });
    assert.equal(paid.status, 201);
    assert.deepEqual([await inList('open'), await inList('paid')], [[], ['PAYME-1']]);
    // The status list sees it too, without a customer filter.
    const paidPages = (await allPages('/v1/invoices', { status: 'paid', limit: '2' })).flat();
    assert.ok(ids(paidPages).includes('PAYME-1'));
    assert.ok(paidPages.every((item) => item.status === 'paid'));
    // Once the lifecycle has closed (thank-you sent), there is no next action.
    await server.advance({ hours: 1 });
    const [closed] = (await server.api('GET', '/v1/invoices?status=paid&customerId=C-PAYME')).body.items;
    assert.deepEqual([closed.balance, closed.nextAction], ['0.00', null]);
  });

  test('bad filters, limits and cursors are 400s naming the parameter; no token is a 401, another scope a 403', async () => {
    const bad = async (query: string) => {
      const response = await server.api('GET', `/v1/invoices?${query}`);
      assert.equal(response.status, 400, query);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      return paths(response.body);
    };
    assert.deepEqual(await bad('status=overdue'), ['status']);
    assert.deepEqual(await bad('limit=0'), ['limit']);
    assert.deepEqual(await bad('limit=501'), ['limit']);
    assert.deepEqual(await bad('limit=ten'), ['limit']);
    assert.deepEqual(await bad('limit=2.5'), ['limit']);
    assert.deepEqual(await bad('overdue=yes'), ['overdue']);
    assert.deepEqual(await bad('dueBefore=2026-02-30'), ['dueBefore']);
    assert.deepEqual(await bad('customerId=has%20space'), ['customerId']);
    assert.deepEqual(await bad('sort=dueDate'), ['sort']);
    assert.deepEqual(await bad('status=lost&limit=0&page=2'), ['status', 'limit', 'page']);
    assert.deepEqual(await bad('cursor=not*base64'), ['cursor']);
    assert.deepEqual(await bad('cursor=bm90IGpzb24'), ['cursor']);

    // A cursor is only good for the filters it was handed out with, and only as it was.
    const first = await server.api('GET', '/v1/invoices?status=open&limit=1');
    const cursor: string = first.body.next;
    assert.ok(cursor);
    assert.equal((await server.api('GET', `/v1/invoices?status=open&limit=3&cursor=${cursor}`)).status, 200, 'limit may change');
    assert.deepEqual(await bad(`status=paid&limit=1&cursor=${cursor}`), ['cursor']);
    assert.deepEqual(await bad(`limit=1&cursor=${cursor}`), ['cursor']);
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const moved = Buffer.from(JSON.stringify({ ...decoded, p: { ...decoded.p, i: 'ZZZ-999' } })).toString('base64url');
    assert.deepEqual(await bad(`status=open&limit=1&cursor=${moved}`), ['cursor']);

    const badCustomers = await server.api('GET', '/v1/customers?segment=&limit=600&status=open');
    assert.equal(badCustomers.status, 400);
    assert.deepEqual(paths(badCustomers.body), ['segment', 'limit', 'status']);
    const invoiceCursor = await server.api('GET', `/v1/customers?cursor=${cursor}`);
    assert.deepEqual([invoiceCursor.status, paths(invoiceCursor.body)], [400, ['cursor']]);

    for (const path of ['/v1/invoices', '/v1/customers']) {
      const anonymous = await fetch(`${server.url}${path}`);
      assert.equal(anonymous.status, 401, path);
      const writeOnly = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${await server.token('dunwell/invoices.write')}` },
      });
      assert.equal(writeOnly.status, 403, path);
      const readOnly = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${await server.token('dunwell/invoices.read')}` },
      });
      assert.equal(readOnly.status, 200, path);
    }
  });

  test('customers: every profile by customerId, paged; a segment filter; a segment change moves the customer', async () => {
    const put = async (customerId: string, fields: Record<string, unknown>) => {
      const response = await server.api('PUT', `/v1/customers/${customerId}`, {
        name: `Customer ${customerId}`,
        timeZone: 'Europe/Berlin',
        locale: 'de-DE',
        ...fields,
      });
      assert.ok(response.status === 200 || response.status === 201, JSON.stringify(response.body));
    };
    for (let index = 1; index <= 7; index++) {
      await put(`SEG-${index}`, { segment: index % 2 === 0 ? 'enterprise' : 'smb', email: `ap@seg${index}.example` });
    }
    await put('SEG-8', { phone: '+4915123456789', consent: { email: true, sms: false } });

    const everyone = (await allPages('/v1/customers', { limit: '3' })).flat();
    const customerIds = everyone.map((item) => item.customerId);
    assert.deepEqual(customerIds, [...customerIds].sort(), 'by customerId');
    assert.equal(new Set(customerIds).size, customerIds.length, 'each once');
    // Customers known from invoices have profiles too.
    for (const id of ['C-PAGE', 'C-ITEM', 'SEG-1', 'SEG-8']) assert.ok(customerIds.includes(id), id);

    const smb = (await allPages('/v1/customers', { segment: 'smb', limit: '2' })).flat();
    assert.deepEqual(
      smb.map((item) => item.customerId),
      ['SEG-1', 'SEG-3', 'SEG-5', 'SEG-7'],
    );
    assert.deepEqual(smb[0], {
      customerId: 'SEG-1',
      name: 'Customer SEG-1',
      email: 'ap@seg1.example',
      timeZone: 'Europe/Berlin',
      locale: 'de-DE',
      segment: 'smb',
      consent: { email: true, sms: true },
      reachable: { email: true, sms: false },
      updatedAt: smb[0].updatedAt,
    });
    const noEmail = everyone.find((item) => item.customerId === 'SEG-8');
    assert.deepEqual([noEmail.segment, noEmail.reachable], [undefined, { email: false, sms: false }]);

    await put('SEG-3', { segment: 'enterprise' });
    await put('SEG-5', {});
    const segment = async (name: string) =>
      (await server.api('GET', `/v1/customers?segment=${name}`)).body.items.map((item: { customerId: string }) => item.customerId);
    assert.deepEqual(await segment('smb'), ['SEG-1', 'SEG-7']);
    assert.deepEqual(await segment('enterprise'), ['SEG-2', 'SEG-3', 'SEG-4', 'SEG-6']);
    assert.deepEqual(await segment('nobody'), []);
  });
});
