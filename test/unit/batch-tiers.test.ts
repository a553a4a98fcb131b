import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { tiersOncePerCustomer } from '#use-cases/customers.ts';
import { FakeCustomerDirectory } from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

describe('a batch of new invoices', () => {
  test("assesses each customer's starting tier once, and passes everything else through", async () => {
    const directory = new FakeCustomerDirectory();
    directory.tiers.set('C-1', 3);
    const batch = tiersOncePerCustomer(directory);
    const tiers = await Promise.all([
      batch.startingTier('C-1', '2026-11-23'),
      batch.startingTier('C-1', '2026-11-23'),
      batch.startingTier('C-2', '2026-11-23'),
      batch.startingTier('C-1', '2026-11-23'),
    ]);
    assert.deepEqual(tiers, [3, 3, 1, 3]);
    assert.deepEqual(
      directory.tierQueries.map((query) => query.customerId),
      ['C-1', 'C-2'],
    );
    await batch.invoiceCreated(newInvoice());
    assert.equal(directory.created.length, 1);
  });

  test('a failed assessment is asked again by the next invoice', async () => {
    const directory = new FakeCustomerDirectory();
    const batch = tiersOncePerCustomer(directory);
    directory.failNext = new Error('throttled');
    await assert.rejects(batch.startingTier('C-1', '2026-11-23'), /throttled/);
    assert.equal(await batch.startingTier('C-1', '2026-11-23'), 1);
  });
});
