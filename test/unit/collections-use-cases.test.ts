import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { nextHoldId } from '#domain/holds.ts';
import { recordPayment } from '#domain/invoice.ts';
import { agreePaymentPlan } from '#use-cases/agree-payment-plan.ts';
import { claimedId, ingestBatch } from '#use-cases/ingest-batch.ts';
import type { IngestDeps } from '#use-cases/ingest-invoice.ts';
import { openInvoiceDispute } from '#use-cases/open-dispute.ts';
import { holdInvoice, pauseForUnmatchedCash } from '#use-cases/place-hold.ts';
import { promiseToPay } from '#use-cases/promise-to-pay.ts';
import { FakeCustomerDirectory, InMemoryInvoiceStore, RecordingEvents, RecordingLog, SettableClock } from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

/** The collections commands the API, the hosted page and the payment webhook share: ids, rules, one signal each. */
describe('collections use cases', () => {
  const setUp = () => {
    const store = new InMemoryInvoiceStore();
    const events = new RecordingEvents();
    store.seed(newInvoice());
    const deps = { store, clock: new SettableClock('2026-12-05T10:00:00Z'), events, log: new RecordingLog() };
    return { store, events, deps };
  };

  test('ids are numbered per kind from the invoice: DSP, PRM, PLN, and HLD shared by manual and unmatched-cash holds', async () => {
    const { deps, store } = setUp();
    const promised = await promiseToPay(deps, 'INV-2026-0001', '2026-12-10', undefined);
    assert.equal(promised.promiseId, 'PRM.INV-2026-0001.1');
    const again = await promiseToPay(deps, 'INV-2026-0001', '2026-12-12', undefined);
    assert.equal(again.promiseId, 'PRM.INV-2026-0001.2', 'a new promise replaces the first under the next id');
    const held = await holdInvoice(deps, 'INV-2026-0001', { until: null, note: 'Legal review' });
    assert.equal(held.holdId, 'HLD.INV-2026-0001.1');
    await pauseForUnmatchedCash(deps, 'INV-2026-0001', 'Stripe checkout cs_1', 'the invoice was paid already');
    const invoice = store.current('INV-2026-0001');
    assert.equal(nextHoldId(invoice, 'HLD'), 'HLD.INV-2026-0001.3', 'manual and unmatched-cash holds share the numbering');
    assert.equal(nextHoldId(invoice, 'DSP'), 'DSP.INV-2026-0001.1');
    assert.equal(nextHoldId(invoice, 'PLN'), 'PLN.INV-2026-0001.1');
  });

  test('a second dispute: a conflict for finance, nothing for a customer clicking again; one signal for the first', async () => {
    const { deps, events } = setUp();
    const first = await openInvoiceDispute(deps, 'INV-2026-0001', { reason: 'pricing' }, 'refuse');
    assert.equal(first.outcome.kind, 'ok');
    assert.equal(first.disputeId, 'DSP.INV-2026-0001.1');
    const refused = await openInvoiceDispute(deps, 'INV-2026-0001', { reason: 'other' }, 'refuse');
    assert.deepEqual(refused.outcome, { kind: 'conflict', reason: 'dispute DSP.INV-2026-0001.1 is already open' });
    const kept = await openInvoiceDispute(deps, 'INV-2026-0001', { reason: 'other' }, 'keep');
    assert.equal(kept.outcome.kind, 'ok');
    assert.equal(kept.disputeId, 'DSP.INV-2026-0001.1');
    assert.equal(events.published.length, 1, 'only the change that changed something signals');
  });

  test('unmatched cash pauses once per payment, however often its notice comes, and never a settled invoice', async () => {
    const { deps, store } = setUp();
    await pauseForUnmatchedCash(deps, 'INV-2026-0001', 'Stripe checkout cs_9', 'amount mismatch');
    await pauseForUnmatchedCash(deps, 'INV-2026-0001', 'Stripe checkout cs_9', 'amount mismatch');
    const holds = store.current('INV-2026-0001').holds ?? [];
    assert.equal(holds.length, 1);
    assert.equal(holds[0]?.reason, 'unmatched_cash');
    assert.equal(holds[0]?.until, '2026-12-19T10:00:00.000Z', '14 days for finance to apply it');
    assert.match(holds[0]?.note ?? '', /Stripe checkout cs_9.*amount mismatch/);

    const paid = recordPayment(
      newInvoice({ invoiceId: 'INV-PAID' }),
      { paymentId: 'P', amountMinor: 125_000, paidAt: '2026-12-01T00:00:00Z' },
      new Date(),
    );
    assert.equal(paid.kind, 'recorded');
    if (paid.kind === 'recorded') store.seed(paid.invoice);
    await pauseForUnmatchedCash(deps, 'INV-PAID', 'Stripe checkout cs_10', 'paid twice');
    assert.deepEqual(store.current('INV-PAID').holds ?? [], [], 'a settled invoice is not paused');
  });

  test('a payment plan takes the next PLN id and must add up to the balance', async () => {
    const { deps } = setUp();
    const wrong = await agreePaymentPlan(deps, 'INV-2026-0001', [{ dueDate: '2026-12-20', amountMinor: 1 }]);
    assert.equal(wrong.outcome.kind, 'invalid');
    const agreed = await agreePaymentPlan(deps, 'INV-2026-0001', [
      { dueDate: '2026-12-20', amountMinor: 62_500 },
      { dueDate: '2027-01-20', amountMinor: 62_500 },
    ]);
    assert.equal(agreed.outcome.kind, 'ok');
    assert.equal(agreed.planId, 'PLN.INV-2026-0001.1');
  });

  test('a batch: repeated ids processed once, at their first index; outcomes in request order; one risk read per customer', async () => {
    const store = new InMemoryInvoiceStore();
    const customers = new FakeCustomerDirectory();
    const deps = { store, customers } as unknown as IngestDeps;
    const seen: unknown[] = [];
    const items = [{ invoiceId: 'A' }, { invoiceId: 'B' }, { invoiceId: 'A' }, { nope: true }, 'text'];
    const outcomes = await ingestBatch(deps, items, async (item, batchDeps) => {
      seen.push(item);
      assert.notEqual(batchDeps.customers, customers, 'the batch reads tiers once per customer');
      return claimedId(item) ?? 'none';
    });
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.index, outcome.kind, outcome.kind === 'duplicate' ? outcome.firstIndex : outcome.result]),
      [
        [0, 'processed', 'A'],
        [1, 'processed', 'B'],
        [2, 'duplicate', 0],
        [3, 'processed', 'none'],
        [4, 'processed', 'none'],
      ],
    );
    assert.equal(seen.length, 4, 'the repeat is not processed');
  });
});
