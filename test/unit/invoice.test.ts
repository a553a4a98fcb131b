import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { balanceMinor, dunningStarted, type Invoice, recordPayment, type StepRecord, upsertInvoice } from '#domain/invoice.ts';
import { MAX_AMOUNT_MINOR } from '#domain/money.ts';
import { invoiceInput, newInvoice } from '../support/invoices.ts';

const now = new Date('2026-11-20T12:00:00Z');

function withStep(invoice: Invoice, stepId: string, record: StepRecord): Invoice {
  return { ...invoice, steps: { ...invoice.steps, [stepId]: record } };
}

function paid(invoice: Invoice, amountMinor: number, paymentId = 'PAY-1'): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt: '2026-11-19T09:00:00.000Z' }, now);
  assert.equal(outcome.kind, 'recorded');
  return outcome.invoice;
}

describe('upsertInvoice', () => {
  test('creates an open invoice with nothing paid and a received event', () => {
    const outcome = upsertInvoice(undefined, invoiceInput(), now);
    assert.equal(outcome.kind, 'created');
    const { invoice } = outcome;
    assert.equal(invoice.status, 'open');
    assert.equal(invoice.paidMinor, 0);
    assert.equal(invoice.amountMinor, 125_000);
    assert.deepEqual(invoice.policy, { policyId: 'default', version: 1 });
    assert.equal(invoice.startingTier, 1);
    assert.deepEqual(invoice.steps, {});
    assert.deepEqual(invoice.payments, {});
    // What a replay needs (the simulator's --history), without the customer's name or addresses.
    assert.deepEqual(invoice.timeline, [
      {
        at: now.toISOString(),
        type: 'invoice.received',
        policyId: 'default',
        policyVersion: 1,
        startingTier: 1,
        customer: {
          customerId: 'C-100',
          timeZone: 'Europe/Berlin',
          locale: 'en-US',
          segment: 'enterprise',
          hasEmail: true,
          hasPhone: true,
        },
      },
    ]);
    assert.equal(invoice.createdAt, now.toISOString());
    assert.equal(balanceMinor(invoice), 125_000);
  });

  test('stores no undefined fields (DynamoDB would drop them anyway)', () => {
    const outcome = upsertInvoice(undefined, invoiceInput({ poNumber: undefined, customer: { email: undefined } }), now);
    assert.equal('poNumber' in outcome.invoice, false);
    assert.equal('email' in outcome.invoice.customer, false);
  });

  test('an identical re-send is unchanged and returns the stored invoice as it is', () => {
    const existing = newInvoice();
    const outcome = upsertInvoice(existing, invoiceInput(), now);
    assert.equal(outcome.kind, 'unchanged');
    assert.equal(outcome.invoice, existing);
  });

  // DynamoDB does not promise to return map attributes in the order they were written, so the
  // stored lines may come back with their keys reordered: that is still the same invoice.
  test('an identical re-send is unchanged whatever order the stored line fields come back in', () => {
    const existing = newInvoice();
    const reordered = {
      ...existing,
      lines: existing.lines.map(({ description, quantity, unitPriceMinor }) => ({ unitPriceMinor, quantity, description })),
    };
    assert.equal(upsertInvoice(reordered, invoiceInput(), now).kind, 'unchanged');
  });

  test('before dunning starts, billing terms may change (fields named as in the API)', () => {
    const outcome = upsertInvoice(newInvoice(), invoiceInput({ amountMinor: 130_000, dueDate: '2026-12-10' }), now);
    assert.equal(outcome.kind, 'updated');
    assert.deepEqual(outcome.changed, ['amount', 'dueDate']);
    assert.equal(outcome.invoice.amountMinor, 130_000);
    assert.equal(outcome.invoice.dueDate, '2026-12-10');
    assert.deepEqual(outcome.invoice.timeline.at(-1), {
      at: now.toISOString(),
      type: 'invoice.updated',
      fields: ['amount', 'dueDate'],
    });
  });

  test('an update of the customer records their new terms on the timeline (no name, no addresses)', () => {
    const outcome = upsertInvoice(newInvoice(), invoiceInput({ customer: { timeZone: 'Europe/Vienna', email: 'new@acme.example' } }), now);
    assert.equal(outcome.kind, 'updated');
    const event = outcome.invoice.timeline.at(-1);
    assert.deepEqual(event?.fields, ['customer.email', 'customer.timeZone']);
    assert.equal((event?.customer as { timeZone: string } | undefined)?.timeZone, 'Europe/Vienna');
    assert.equal(JSON.stringify(event).includes('new@acme.example'), false, 'no address in the event');
  });

  test('a skipped or failed step does not count as dunning started', () => {
    const existing = withStep(withStep(newInvoice(), 'pre-3', { state: 'skipped', at: '2026-11-28T08:00:00.000Z' }), 'post-3', {
      state: 'failed',
      at: '2026-12-04T08:00:00.000Z',
      failures: 1,
    });
    assert.equal(dunningStarted(existing), false);
    assert.equal(upsertInvoice(existing, invoiceInput({ amountMinor: 1 }), now).kind, 'updated');
  });

  for (const state of ['sent', 'claimed', 'unconfirmed'] as const) {
    test(`once a reminder is ${state}, billing terms are frozen`, () => {
      const existing = withStep(newInvoice(), 'pre-3', { state, at: '2026-11-28T08:00:00.000Z' });
      assert.equal(dunningStarted(existing), true);
      for (const [change, field] of [
        [{ amountMinor: 1 }, 'amount'],
        [{ currency: 'USD' }, 'currency'],
        [{ dueDate: '2027-01-01' }, 'dueDate'],
        [{ issueDate: '2026-10-01' }, 'issueDate'],
        [{ customer: { customerId: 'C-200' } }, 'customer.customerId'],
      ] as const) {
        const outcome = upsertInvoice(existing, invoiceInput(change), now);
        assert.equal(outcome.kind, 'conflict', field);
        assert.ok(outcome.kind === 'conflict');
        assert.deepEqual(outcome.fields, [field]);
        assert.equal(outcome.reason, 'dunning has started');
        assert.equal(outcome.invoice, existing);
      }
    });
  }

  test('once money has moved, billing terms are frozen', () => {
    const existing = paid(newInvoice(), 10_000);
    const outcome = upsertInvoice(existing, invoiceInput({ amountMinor: 200_000 }), now);
    assert.equal(outcome.kind, 'conflict');
    assert.ok(outcome.kind === 'conflict');
    assert.deepEqual(outcome.fields, ['amount']);
    assert.equal(outcome.reason, 'payments have been recorded');
  });

  test('contact details may change after dunning started', () => {
    const existing = withStep(paid(newInvoice(), 10_000), 'pre-3', { state: 'sent', at: '2026-11-28T08:00:00.000Z' });
    const outcome = upsertInvoice(
      existing,
      invoiceInput({
        customer: { email: 'billing@acme.example', phone: '+4915199999999', timeZone: 'America/New_York', name: 'Acme Inc.' },
      }),
      now,
    );
    assert.equal(outcome.kind, 'updated');
    assert.ok(outcome.kind === 'updated');
    assert.deepEqual(outcome.changed, ['customer.name', 'customer.email', 'customer.phone', 'customer.timeZone']);
    assert.equal(outcome.invoice.customer.email, 'billing@acme.example');
    assert.equal(outcome.invoice.customer.timeZone, 'America/New_York');
    // Everything else is kept: steps, payments, money.
    assert.deepEqual(outcome.invoice.steps, existing.steps);
    assert.equal(outcome.invoice.paidMinor, 10_000);
  });

  test('the holiday place of the customer is a contact detail: it may change after dunning started', () => {
    const existing = withStep(newInvoice(), 'pre-3', { state: 'sent', at: '2026-11-28T08:00:00.000Z' });
    const placed = upsertInvoice(existing, invoiceInput({ customer: { country: 'DE', subdivision: 'BY' } }), now);
    assert.ok(placed.kind === 'updated');
    assert.deepEqual(placed.changed, ['customer.country', 'customer.subdivision']);
    assert.deepEqual([placed.invoice.customer.country, placed.invoice.customer.subdivision], ['DE', 'BY']);
    const moved = upsertInvoice(placed.invoice, invoiceInput({ customer: { country: 'DE' } }), now);
    assert.ok(moved.kind === 'updated');
    assert.deepEqual(moved.changed, ['customer.subdivision']);
    assert.equal('subdivision' in moved.invoice.customer, false);
  });

  test('a change mixing contact details and billing terms after dunning started is refused whole, naming the frozen fields', () => {
    const existing = withStep(newInvoice(), 'pre-3', { state: 'sent', at: '2026-11-28T08:00:00.000Z' });
    const outcome = upsertInvoice(existing, invoiceInput({ amountMinor: 1, customer: { email: 'new@acme.example' } }), now);
    assert.equal(outcome.kind, 'conflict');
    assert.ok(outcome.kind === 'conflict');
    assert.deepEqual(outcome.fields, ['amount']);
    assert.equal(outcome.invoice.customer.email, 'ap@acme.example');
  });

  test('a settled invoice accepts no change at all', () => {
    for (const status of ['paid', 'void', 'written_off'] as const) {
      const outcome = upsertInvoice({ ...newInvoice(), status }, invoiceInput({ customer: { email: 'new@acme.example' } }), now);
      assert.equal(outcome.kind, 'conflict', status);
      assert.ok(outcome.kind === 'conflict');
      assert.equal(outcome.reason, `the invoice is ${status}`);
    }
  });

  test('a line change is an update', () => {
    const outcome = upsertInvoice(newInvoice(), invoiceInput({ lines: [] }), now);
    assert.equal(outcome.kind, 'updated');
    assert.ok(outcome.kind === 'updated');
    assert.deepEqual(outcome.changed, ['lines']);
    assert.deepEqual(outcome.invoice.lines, []);
  });

  test('a removed optional field is removed from the invoice, so the next identical re-send is unchanged', () => {
    const existing = { ...newInvoice(), version: 3 };
    const outcome = upsertInvoice(existing, invoiceInput({ poNumber: undefined }), now);
    assert.equal(outcome.kind, 'updated');
    assert.equal(outcome.invoice.poNumber, undefined, 'the update reports poNumber changed but keeps the old value');
    assert.equal(upsertInvoice(outcome.invoice, invoiceInput({ poNumber: undefined }), now).kind, 'unchanged');
  });
});

describe('recordPayment', () => {
  const input = { paymentId: 'PAY-1', amountMinor: 50_000, paidAt: '2026-11-19T09:00:00.000Z', method: 'bank_transfer' };

  test('a partial payment lowers the balance and keeps the invoice open', () => {
    const outcome = recordPayment(newInvoice(), input, now);
    assert.equal(outcome.kind, 'recorded');
    assert.ok(outcome.kind === 'recorded');
    assert.equal(outcome.invoice.paidMinor, 50_000);
    assert.equal(balanceMinor(outcome.invoice), 75_000);
    assert.equal(outcome.invoice.status, 'open');
    assert.deepEqual(outcome.payment, { ...input, recordedAt: now.toISOString() });
    assert.deepEqual(outcome.invoice.payments['PAY-1'], outcome.payment);
    assert.deepEqual(outcome.invoice.timeline.at(-1), {
      at: now.toISOString(),
      type: 'payment.received',
      paymentId: 'PAY-1',
      amountMinor: 50_000,
      paidAt: input.paidAt,
      balanceMinor: 75_000,
    });
    assert.equal(
      outcome.invoice.timeline.some((event) => event.type === 'invoice.paid'),
      false,
    );
  });

  test('the payment that settles the balance marks the invoice paid, once', () => {
    const partly = paid(newInvoice(), 100_000, 'PAY-0');
    const outcome = recordPayment(partly, { ...input, amountMinor: 25_000 }, now);
    assert.ok(outcome.kind === 'recorded');
    assert.equal(outcome.invoice.status, 'paid');
    assert.equal(balanceMinor(outcome.invoice), 0);
    assert.deepEqual(
      outcome.invoice.timeline.slice(-2).map((event) => event.type),
      ['payment.received', 'invoice.paid'],
    );
    // A later payment on a paid invoice is recorded (money arrived) but does not pay it again.
    const again = recordPayment(outcome.invoice, { ...input, paymentId: 'PAY-2', amountMinor: 1 }, now);
    assert.ok(again.kind === 'recorded');
    assert.equal(again.invoice.timeline.filter((event) => event.type === 'invoice.paid').length, 1);
  });

  test('an overpayment is recorded with the amount overpaid', () => {
    const outcome = recordPayment(newInvoice(), { ...input, amountMinor: 130_000 }, now);
    assert.ok(outcome.kind === 'recorded');
    assert.equal(outcome.invoice.status, 'paid');
    assert.equal(outcome.invoice.paidMinor, 130_000);
    const event = outcome.invoice.timeline.find((candidate) => candidate.type === 'payment.received');
    assert.equal(event?.balanceMinor, -5_000);
    assert.equal(event?.overpaidMinor, 5_000);
  });

  test('the same payment id with the same amount and date is a duplicate and changes nothing', () => {
    const once = paid(newInvoice(), 50_000, 'PAY-1');
    const outcome = recordPayment(
      once,
      { paymentId: 'PAY-1', amountMinor: 50_000, paidAt: '2026-11-19T09:00:00.000Z' },
      new Date('2026-11-21T00:00:00Z'),
    );
    assert.equal(outcome.kind, 'duplicate');
    assert.equal(outcome.invoice, once);
    assert.equal(outcome.invoice.paidMinor, 50_000);
  });

  test('the same payment id with another amount or date is a conflict', () => {
    const once = paid(newInvoice(), 50_000, 'PAY-1');
    const otherAmount = recordPayment(once, { paymentId: 'PAY-1', amountMinor: 60_000, paidAt: '2026-11-19T09:00:00.000Z' }, now);
    assert.equal(otherAmount.kind, 'conflict');
    assert.ok(otherAmount.kind === 'conflict');
    assert.match(otherAmount.reason, /PAY-1/);
    const otherDate = recordPayment(once, { paymentId: 'PAY-1', amountMinor: 50_000, paidAt: '2026-11-18T09:00:00.000Z' }, now);
    assert.equal(otherDate.kind, 'conflict');
    assert.equal(otherDate.invoice.paidMinor, 50_000);
  });

  describe('payments and credit notes stay within MAX_AMOUNT_MINOR, so every balance is exact', () => {
    const big = () => newInvoice({ amountMinor: MAX_AMOUNT_MINOR, lines: [] });
    const credited = (invoice: Invoice, amountMinor: number): Invoice => ({
      ...invoice,
      creditNotes: { 'CN-1': { creditNoteId: 'CN-1', amountMinor, reason: 'goodwill', appliedAt: now.toISOString() } },
    });

    test('an overpayment up to the bound is recorded; one minor unit more is refused, naming the amount', () => {
      const full = paid(big(), MAX_AMOUNT_MINOR - 1, 'PAY-0');
      const last = recordPayment(full, { ...input, paymentId: 'PAY-1', amountMinor: 1 }, now);
      assert.ok(last.kind === 'recorded');
      assert.equal(last.invoice.paidMinor, MAX_AMOUNT_MINOR);
      assert.equal(balanceMinor(last.invoice), 0);

      const over = recordPayment(last.invoice, { ...input, paymentId: 'PAY-2', amountMinor: 1 }, now);
      assert.equal(over.kind, 'invalid');
      assert.ok(over.kind === 'invalid');
      assert.equal(over.path, 'amount');
      assert.equal(
        over.message,
        '0.01 EUR would bring payments and credit notes on this invoice above 90071992547409.91 EUR: at most 0.00 EUR more can be recorded',
      );
      assert.equal(over.invoice, last.invoice, 'nothing is recorded');
    });

    test('a payment that would make paid + credited pass 2^53 − 1 is refused, with the room left named', () => {
      // Paid 10.00 and credited 5.00 of a small invoice: MAX − 15.00 may still arrive, MAX − 14.99 may not.
      const start = credited(paid(newInvoice(), 1000, 'PAY-0'), 500);
      const tooMuch = recordPayment(start, { ...input, amountMinor: MAX_AMOUNT_MINOR - 1499 }, now);
      assert.ok(tooMuch.kind === 'invalid');
      assert.equal(tooMuch.path, 'amount');
      assert.match(tooMuch.message, /^90071992547394\.92 EUR would bring .* at most 90071992547394\.91 EUR more can be recorded$/);
      assert.equal(tooMuch.invoice.paidMinor, 1000);

      const fits = recordPayment(start, { ...input, amountMinor: MAX_AMOUNT_MINOR - 1500 }, now);
      assert.ok(fits.kind === 'recorded');
      assert.equal(fits.invoice.paidMinor + 500, MAX_AMOUNT_MINOR);
      assert.equal(balanceMinor(fits.invoice), 125_000 - MAX_AMOUNT_MINOR);
      assert.ok(Number.isSafeInteger(balanceMinor(fits.invoice)));
    });

    test('a payment of MAX on an invoice already paid in full is refused (number arithmetic would round it)', () => {
      const settled = paid(big(), MAX_AMOUNT_MINOR, 'PAY-0');
      const outcome = recordPayment(settled, { ...input, amountMinor: MAX_AMOUNT_MINOR }, now);
      assert.ok(outcome.kind === 'invalid');
      assert.equal(outcome.path, 'amount');
      assert.equal(outcome.invoice.paidMinor, MAX_AMOUNT_MINOR);
    });

    test('a repeat of a recorded payment is still a duplicate, however full the invoice is', () => {
      const settled = paid(big(), MAX_AMOUNT_MINOR, 'PAY-0');
      const again = recordPayment(settled, { ...input, paymentId: 'PAY-0', amountMinor: MAX_AMOUNT_MINOR }, now);
      assert.equal(again.kind, 'duplicate');
    });
  });

  test('a void or written-off invoice takes no payment', () => {
    for (const status of ['void', 'written_off'] as const) {
      const outcome = recordPayment({ ...newInvoice(), status }, input, now);
      assert.equal(outcome.kind, 'conflict', status);
      assert.ok(outcome.kind === 'conflict');
      assert.equal(outcome.reason, `the invoice is ${status}`);
      assert.equal(outcome.invoice.paidMinor, 0);
    }
  });
});
