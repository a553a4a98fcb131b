import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { InvoiceLister, InvoiceListing, InvoiceListPosition, InvoiceListQuery } from '#ports/invoice-store.ts';
import { filteredListPage } from '#use-cases/filtered-list.ts';

/** 25 open invoices due one a day, listed by due date as the list index does, a page at a time. */
const listings: InvoiceListing[] = Array.from({ length: 25 }, (_, index) => ({
  invoiceId: `INV-${String(index).padStart(2, '0')}`,
  customerId: index % 5 === 0 ? 'C-RARE' : 'C-COMMON',
  customerName: 'Customer',
  currency: 'EUR',
  amountMinor: 100_00,
  balanceMinor: 100_00,
  dueDate: `2026-11-${String(index + 1).padStart(2, '0')}`,
  status: 'open',
}));

function lister(): InvoiceLister & { readonly calls: InvoiceListQuery[] } {
  const calls: InvoiceListQuery[] = [];
  return {
    calls,
    async list(query) {
      calls.push(query);
      const start = query.after ? listings.findIndex((listing) => listing.invoiceId === query.after?.invoiceId) + 1 : 0;
      const items = listings.slice(start, start + query.limit);
      const last = items.at(-1);
      const next: InvoiceListPosition | undefined =
        start + query.limit < listings.length && last ? { dueDate: last.dueDate, invoiceId: last.invoiceId } : undefined;
      return { items, ...(next ? { next } : {}) };
    },
  };
}

const rare = (listing: InvoiceListing) => listing.customerId === 'C-RARE';

describe('filteredListPage: a filter over the whole list, a bounded read per page', () => {
  test('reads on past the first index page until the page of matches is full; the next page starts after the last match', async () => {
    const list = lister();
    const page = await filteredListPage(list, { status: 'open', due: {} }, rare, { pageSize: 3, readBudget: 100 });
    assert.deepEqual(
      page.listings.map((listing) => listing.invoiceId),
      ['INV-00', 'INV-05', 'INV-10'],
    );
    assert.deepEqual(page.next, { dueDate: '2026-11-11', invoiceId: 'INV-10' });
    assert.equal(page.searched, undefined);
    assert.ok(list.calls.length > 1, 'the first index page held only one match');

    const second = await filteredListPage(list, { status: 'open', due: {}, after: page.next }, rare, { pageSize: 3, readBudget: 100 });
    assert.deepEqual(
      second.listings.map((listing) => listing.invoiceId),
      ['INV-15', 'INV-20'],
    );
    assert.equal(second.next, undefined, 'the list ended');
  });

  test('the read budget stops a page short: the next page resumes after the last listing read, and the page says how far it looked', async () => {
    const page = await filteredListPage(lister(), { status: 'open', due: {} }, rare, { pageSize: 3, readBudget: 6 });
    assert.deepEqual(
      page.listings.map((listing) => listing.invoiceId),
      ['INV-00', 'INV-05'],
    );
    assert.equal(page.searched, 6);
    assert.deepEqual(page.next, { dueDate: '2026-11-06', invoiceId: 'INV-05' });
  });

  test('a page filled by the very last listing has no next page', async () => {
    const everything = await filteredListPage(lister(), { status: 'open', due: {} }, () => true, { pageSize: 25, readBudget: 100 });
    assert.equal(everything.listings.length, 25);
    assert.equal(everything.next, undefined);
  });

  test('across every status, the position records the status the page stopped in', async () => {
    const page = await filteredListPage(lister(), { due: {} }, rare, { pageSize: 1, readBudget: 100 });
    assert.deepEqual(page.next, { status: 'open', dueDate: '2026-11-01', invoiceId: 'INV-00' });
  });
});
