import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { recordPayment } from '#domain/invoice.ts';
import {
  agreeInvoicePaymentPlan,
  applyInvoiceCreditNote,
  placeHold,
  recordPromise,
  resolveInvoiceDispute,
  voidInvoiceAction,
} from '#use-cases/invoice-actions.ts';
import { InMemoryInvoiceStore, RecordingEvents, RecordingLog, SettableClock } from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

/** The invoice actions the API and the console share, as results their callers word (problem+json, a page). */
describe('invoice actions', () => {
  const setUp = () => {
    const store = new InMemoryInvoiceStore();
    const events = new RecordingEvents();
    store.seed(newInvoice());
    const starts = { request: async () => {} };
    const deps = { store, clock: new SettableClock('2026-12-05T10:00:00Z'), events, log: new RecordingLog(), starts };
    return { store, events, deps };
  };

  test('a hold on a missing invoice is not found, and nothing is written', async () => {
    const { deps, store, events } = setUp();
    const result = await placeHold(deps, 'INV-MISSING', { note: 'Legal review' });
    assert.deepEqual(result, { kind: 'not_found', detail: 'Invoice INV-MISSING does not exist' });
    assert.equal(store.saveCount, 0);
    assert.equal(events.published.length, 0);
  });

  test('a hold is placed under the next HLD id, with its until as an instant, and created', async () => {
    const { deps, store } = setUp();
    const result = await placeHold(deps, 'INV-2026-0001', { note: 'Legal review', until: '2026-12-20T10:00:00+01:00' });
    assert.equal(result.kind, 'done');
    if (result.kind !== 'done') return;
    assert.equal(result.holdId, 'HLD.INV-2026-0001.1');
    assert.equal(result.created, true);
    assert.equal(store.current('INV-2026-0001').holds?.[0]?.until, '2026-12-20T09:00:00.000Z');
  });

  test('a promise with an amount in more decimals than its currency has is invalid at `amount`', async () => {
    const { deps, store } = setUp();
    const result = await recordPromise(deps, 'INV-2026-0001', { promisedDate: '2026-12-10', amount: '100.001' });
    assert.equal(result.kind, 'invalid');
    if (result.kind !== 'invalid') return;
    assert.deepEqual(
      result.errors.map((error) => error.path),
      ['amount'],
    );
    assert.equal(store.saveCount, 0);
  });

  test('a credit note applied again is done, not created, and credits once', async () => {
    const { deps, store } = setUp();
    const request = { creditNoteId: 'CN-1', amount: '100.00', reason: 'Goodwill' };
    const first = await applyInvoiceCreditNote(deps, 'INV-2026-0001', request);
    assert.equal(first.kind, 'done');
    assert.equal(first.kind === 'done' && first.created, true);
    const again = await applyInvoiceCreditNote(deps, 'INV-2026-0001', request);
    assert.equal(again.kind, 'done');
    if (again.kind !== 'done') return;
    assert.equal(again.created, false);
    assert.equal(again.creditNoteId, 'CN-1');
    assert.deepEqual(Object.keys(store.current('INV-2026-0001').creditNotes ?? {}), ['CN-1']);
  });

  test('a void of a paid invoice is a conflict naming the invoice', async () => {
    const { deps, store } = setUp();
    const paid = recordPayment(
      newInvoice({ invoiceId: 'INV-PAID' }),
      { paymentId: 'P', amountMinor: 125_000, paidAt: '2026-12-01T00:00:00Z' },
      new Date('2026-12-01T00:00:00Z'),
    );
    assert.equal(paid.kind, 'recorded');
    if (paid.kind === 'recorded') store.seed(paid.invoice);
    const result = await voidInvoiceAction(deps, 'INV-PAID', { reason: 'Issued in error' });
    assert.deepEqual(result, { kind: 'conflict', detail: 'Invoice INV-PAID: the invoice is paid' });
  });

  test('a payment plan names each bad installment amount at `installments.N.amount`', async () => {
    const { deps, store } = setUp();
    const result = await agreeInvoicePaymentPlan(deps, 'INV-2026-0001', {
      installments: [
        { dueDate: '2026-12-20', amount: '625.00' },
        { dueDate: '2027-01-20', amount: '625.005' },
        { dueDate: '2027-02-20', amount: '0' },
      ],
    });
    assert.equal(result.kind, 'invalid');
    if (result.kind !== 'invalid') return;
    assert.deepEqual(
      result.errors.map((error) => error.path),
      ['installments.1.amount', 'installments.2.amount'],
    );
    assert.equal(store.saveCount, 0);
  });

  test('resolving a dispute that is not on its invoice is not found', async () => {
    const { deps } = setUp();
    const result = await resolveInvoiceDispute(deps, 'DSP.INV-2026-0001.1', { outcome: 'rejected' });
    assert.deepEqual(result, { kind: 'not_found', detail: 'Dispute DSP.INV-2026-0001.1 does not exist' });
  });
});
