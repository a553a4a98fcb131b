import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { encodeParquet } from '#adapters/lake-parquet.ts';
import { eventId, invoiceEventColumns } from '#contracts/lake.ts';
import { customerTerms, type TimelineEvent } from '#domain/invoice.ts';
import { UsageError } from '../../simulator/arguments.ts';
import { historyFromRows, readHistory } from '../../simulator/history.ts';
import { customer } from '../support/invoices.ts';

/** Lake rows of one invoice, as the projector writes them: terms on every row, the event as JSON. */
function rows(invoiceId: string, events: readonly TimelineEvent[], terms = { amount: 125_000, due: '2026-12-01' }) {
  return events.map((event, seq) => ({
    event_id: eventId(invoiceId, seq),
    invoice_id: invoiceId,
    seq,
    type: event.type,
    at: event.at,
    customer_id: customer.customerId,
    currency: 'EUR',
    invoice_amount_minor: terms.amount,
    issue_date: '2026-11-01',
    due_date: terms.due,
    amount_minor: null,
    balance_minor: null,
    paid_at: null,
    step_id: typeof event.stepId === 'string' ? event.stepId : null,
    channel: null,
    tone: null,
    message_id: null,
    reason: null,
    outcome: null,
    detail: JSON.stringify(event),
  }));
}

const received = (at: string): TimelineEvent => ({
  at,
  type: 'invoice.received',
  policyId: 'default',
  policyVersion: 1,
  startingTier: 2,
  customer: customerTerms(customer),
});

describe('simulator: an exports folder as a portfolio (--history)', () => {
  test('an invoice as it arrived: its terms, tier and customer (no addresses in the lake: placeholders where there were some)', () => {
    const history = historyFromRows(
      rows('INV-H-1', [
        received('2026-11-02T07:00:00.000Z'),
        { at: '2026-11-02T07:00:00.000Z', type: 'dunning.started' },
        { at: '2026-11-30T08:00:00.000Z', type: 'reminder.sent', stepId: 'pre-3' },
        { at: '2026-12-03T12:00:00.000Z', type: 'payment.received', paymentId: 'P-1', amountMinor: 50_000, paidAt: '2026-12-02T16:00:00Z' },
      ]),
    );
    assert.deepEqual(history.warnings, []);
    const [invoice] = history.invoices;
    assert.equal(invoice?.input.amountMinor, 125_000);
    assert.equal(invoice?.input.dueDate, '2026-12-01');
    assert.equal(invoice?.input.customer.timeZone, 'Europe/Berlin');
    assert.equal(invoice?.input.customer.email, 'C-100@history.invalid');
    assert.ok(invoice?.input.customer.phone);
    assert.equal(invoice?.startingTier, 2);
    assert.equal(invoice?.ranPolicy, 'default@1');
    assert.deepEqual(
      invoice?.events.map((event) => event.event.type),
      ['payment.received'],
      'what the pipeline did itself (the reminder) is decided again, not replayed',
    );
    assert.equal(history.from, '2026-11-02');
    assert.equal(history.days, 32, 'from the first arrival to the last event of the lake');
    assert.equal(history.currency, 'EUR');
  });

  test('events made by another replayed event are not replayed twice: a dispute credit, a collector promise', () => {
    const at = '2026-12-10T10:00:00.000Z';
    const history = historyFromRows(
      rows('INV-H-2', [
        received('2026-11-02T07:00:00.000Z'),
        { at: '2026-12-05T10:00:00.000Z', type: 'dispute.opened', disputeId: 'DSP.INV-H-2.1', reason: 'pricing' },
        { at, type: 'credit_note.applied', creditNoteId: 'credit-DSP.INV-H-2.1', amountMinor: 100, reason: 'dispute DSP.INV-H-2.1' },
        { at, type: 'dispute.resolved', disputeId: 'DSP.INV-H-2.1', outcome: 'credited', creditMinor: 100 },
        {
          at: '2026-12-20T10:00:00.000Z',
          type: 'promise.made',
          promiseId: 'PRM.INV-H-2.1',
          promisedDate: '2026-12-28',
          amountMinor: 124_900,
        },
        {
          at: '2026-12-20T10:00:00.000Z',
          type: 'task.completed',
          taskId: 'TSK.1',
          outcome: 'promise_obtained',
          promiseId: 'PRM.INV-H-2.1',
        },
      ]),
    );
    const [invoice] = history.invoices;
    assert.deepEqual(
      invoice?.events.map((event) => event.event.type),
      ['dispute.opened', 'dispute.resolved', 'task.completed'],
    );
    assert.deepEqual(invoice?.events.at(-1)?.completion, { outcome: 'promise_obtained', promisedDate: '2026-12-28', amount: '1249.00' });
  });

  test('what cannot be replayed is said, never dropped silently', () => {
    const history = historyFromRows([
      ...rows('INV-H-3', [
        received('2026-11-02T07:00:00.000Z'),
        { at: '2026-12-01T09:00:00.000Z', type: 'email.bounced', stepId: 'pre-3' },
        { at: '2026-12-02T09:00:00.000Z', type: 'payment_plan.agreed', planId: 'PLN.1', installments: 2 },
      ]),
      // Recorded before invoice.received carried the customer's terms.
      ...rows('INV-H-OLD', [{ at: '2026-11-01T07:00:00.000Z', type: 'invoice.received' }]),
      // Its arrival is not in the lake (a partial export).
      ...rows('INV-H-PART', [{ at: '2026-12-01T07:00:00.000Z', type: 'payment.received' }]),
    ]);
    assert.deepEqual(
      history.invoices.map((invoice) => invoice.input.invoiceId),
      ['INV-H-3'],
    );
    assert.deepEqual(history.warnings, [
      "invoice INV-H-OLD: recorded before the lake kept the customer's terms (invoice.received without customer); skipped",
      'invoice INV-H-PART: its invoice.received event is not in the lake; skipped',
      '1 × email.bounced: not replayed',
      '1 × payment_plan.agreed recorded without its schedule: not replayed',
    ]);
  });

  test('reads the Parquet files of a lake folder, once per event id; a folder without the table is a usage error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const partition = join(dir, 'invoice_events', 'dt=2026-11-02');
    mkdirSync(partition, { recursive: true });
    const lake = rows('INV-H-4', [received('2026-11-02T07:00:00.000Z'), { at: '2026-11-02T09:00:00.000Z', type: 'invoice.voided' }]);
    writeFileSync(join(partition, 'a.parquet'), encodeParquet(invoiceEventColumns, lake));
    // The same rows again under another name (a retried batch): still one invoice, one void.
    writeFileSync(join(partition, 'b.parquet'), encodeParquet(invoiceEventColumns, lake));
    const history = await readHistory(dir);
    assert.equal(history.invoices.length, 1);
    assert.deepEqual(
      history.invoices[0]?.events.map((event) => event.event.type),
      ['invoice.voided'],
    );
    await assert.rejects(readHistory(join(dir, 'nope')), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /--history=.*nope: no invoice_events table there/);
      return true;
    });
  });
});
