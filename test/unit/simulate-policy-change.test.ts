import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { invoiceListing } from '#contracts/listing.ts';
import { openReachability } from '#domain/customers.ts';
import type { Invoice } from '#domain/invoice.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';
import type { InvoiceListQuery } from '#ports/invoice-store.ts';
import { customerBase, evenSample, GENERATED_INVOICES, reissuedPortfolio, simulatePolicyChange } from '../../simulator/policy-change.ts';
import { portfolioInvoice } from '../support/invoices.ts';

const now = new Date('2026-12-01T00:00:00Z');
const invoices: Invoice[] = Array.from({ length: 12 }, (_, index) =>
  portfolioInvoice(
    `INV-S-${String(index).padStart(2, '0')}`,
    50_000 + index * 10_000,
    `2026-10-${String(10 + index).padStart(2, '0')}`,
    '2026-11-30',
  ),
);
const usd = { ...portfolioInvoice('INV-S-USD', 70_000, '2026-10-01', '2026-10-31'), currency: 'USD' };

/** The open invoices behind the list index and the store, as the console reads them. */
function fakes(all: readonly Invoice[]) {
  const byId = new Map(all.map((invoice) => [invoice.invoiceId, invoice]));
  let gets = 0;
  return {
    gets: () => gets,
    deps: {
      store: {
        list: async (query: InvoiceListQuery) => {
          const matching = all.filter((invoice) => invoice.status === query.status).map((invoice) => invoiceListing(invoice, now));
          const from = query.after ? matching.findIndex((item) => item.invoiceId === query.after?.invoiceId) + 1 : 0;
          const items = matching.slice(from, from + query.limit);
          const last = items.at(-1);
          return {
            items,
            next: from + query.limit < matching.length && last ? { dueDate: last.dueDate, invoiceId: last.invoiceId } : undefined,
          };
        },
        get: async (invoiceId: string) => {
          gets++;
          return byId.get(invoiceId);
        },
      },
      customers: { reachability: async () => openReachability },
    },
  };
}

const withEarlyReminder: Policy = {
  ...defaultPolicy,
  version: 2,
  tiers: defaultPolicy.tiers.map((tier) =>
    tier.tier === 1 ? { ...tier, steps: [...tier.steps, { stepId: 'pre-20', offsetDays: -20, channel: 'email', tone: 'friendly' }] } : tier,
  ),
};

describe('simulating a policy change on the customer base', () => {
  test('open invoices are issued again from the first simulated day, in order, with their terms and balance', () => {
    const portfolio = reissuedPortfolio([...invoices].reverse(), new Map(), 'EUR');
    assert.deepEqual(
      portfolio.map((sim) => sim.input.invoiceId),
      invoices.map((invoice) => invoice.invoiceId),
    );
    const first = portfolio[0];
    assert.equal(first?.input.issueDate, '2027-03-01');
    assert.equal(first?.input.dueDate, '2027-04-21', '51 days of terms kept');
    assert.equal(first?.input.amountMinor, 50_000);
    assert.equal(portfolio.at(-1)?.input.issueDate, '2027-03-28', 'spread over the issue window');
    assert.equal(reissuedPortfolio([usd], new Map(), 'EUR').length, 0, 'another currency is left out');
  });

  test('an even sample keeps the order and spans the whole list', () => {
    assert.deepEqual(evenSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4), [1, 3, 6, 8]);
    assert.deepEqual(evenSample([1, 2], 4), [1, 2]);
  });

  test('the base is the listed open invoices, sampled, in their main currency; none open means generated invoices', async () => {
    const { deps, gets } = fakes([...invoices, usd]);
    const base = await customerBase(deps, { listed: 10, simulated: 5 });
    assert.equal(base.source, 'customer-base');
    assert.equal(base.listed, 10);
    assert.equal(base.capped, true);
    assert.equal(gets(), 5, 'only the sample is read whole');
    assert.equal(base.portfolio.length, 5);
    assert.equal(base.currency, 'EUR');

    const none = await customerBase(fakes([]).deps);
    assert.equal(none.source, 'generated');
    assert.equal(none.portfolio.length, GENERATED_INVOICES);
  });

  test('both versions run on the same invoices: an extra reminder sends more emails, and the same draft gives the same figures', async () => {
    const base = await customerBase(fakes(invoices).deps);
    const compared = simulatePolicyChange(defaultPolicy, withEarlyReminder, base);
    assert.ok(compared.draft.messages.email > compared.current.messages.email, JSON.stringify(compared));
    assert.deepEqual(simulatePolicyChange(defaultPolicy, withEarlyReminder, base), compared);
    assert.deepEqual(simulatePolicyChange(defaultPolicy, defaultPolicy, base).draft, compared.current);
  });
});
