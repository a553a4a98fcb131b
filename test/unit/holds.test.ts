import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import {
  applyCreditNote,
  type HoldOutcome,
  installmentsCovered,
  makePromise,
  openDispute,
  placeManualHold,
  releaseHold,
  resolveDispute,
  reviewHolds,
  startPaymentPlan,
  voidInvoice,
} from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { balanceMinor, recordPayment } from '#domain/invoice.ts';
import { MAX_AMOUNT_MINOR } from '#domain/money.ts';
import { defaultHoldRules } from '#domain/policy.ts';
import { newInvoice } from '../support/invoices.ts';

const at = (instant: string) => new Date(instant);
function ok(outcome: HoldOutcome): Invoice {
  assert.equal(outcome.kind, 'ok', JSON.stringify(outcome));
  return (outcome as { invoice: Invoice }).invoice;
}
function pay(invoice: Invoice, paymentId: string, amountMinor: number, instant: string): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt: instant }, at(instant));
  assert.equal(outcome.kind, 'recorded');
  return (outcome as { invoice: Invoice }).invoice;
}

describe('holds', () => {
  test('status follows the holds: on_hold while any is active; escalated survives a released hold', () => {
    const escalated: Invoice = { ...newInvoice(), status: 'escalated', escalatedAt: '2026-12-01T00:00:00.000Z' };
    const held = ok(placeManualHold(escalated, 'HLD.1', null, 'legal review', at('2026-12-02T00:00:00Z')));
    assert.equal(held.status, 'on_hold');
    assert.equal(ok(releaseHold(held, 'HLD.1', at('2026-12-03T00:00:00Z'))).status, 'escalated');
    const plain = ok(placeManualHold(newInvoice(), 'HLD.2', null, 'x', at('2026-12-02T00:00:00Z')));
    assert.equal(ok(releaseHold(plain, 'HLD.2', at('2026-12-03T00:00:00Z'))).status, 'open');
  });

  test('a dispute ends only through its resolution; resolving twice the same way is a no-op, another way a conflict', () => {
    const disputed = ok(openDispute(newInvoice(), 'DSP.1', 'pricing', undefined, at('2026-12-02T00:00:00Z')));
    assert.equal(releaseHold(disputed, 'DSP.1', at('2026-12-03T00:00:00Z')).kind, 'conflict');
    const rejected = ok(resolveDispute(disputed, 'DSP.1', 'rejected', undefined, at('2026-12-03T00:00:00Z'), defaultHoldRules));
    assert.equal(rejected.pausedUntil, '2026-12-06T00:00:00.000Z');
    assert.equal(ok(resolveDispute(rejected, 'DSP.1', 'rejected', undefined, at('2026-12-04T00:00:00Z'), defaultHoldRules)), rejected);
    assert.equal(resolveDispute(rejected, 'DSP.1', 'upheld', undefined, at('2026-12-04T00:00:00Z'), defaultHoldRules).kind, 'conflict');
  });

  test('a promise counts only money that arrives after it was made, and breaks at the end of its grace period', () => {
    const partly = pay(newInvoice(), 'P-0', 25_000, '2026-12-01T00:00:00Z');
    const promised = ok(makePromise(partly, 'PRM.1', '2026-12-05', 50_000, at('2026-12-02T10:00:00Z'), defaultHoldRules));
    // Grace of 2 days: checked at midnight Berlin on 8 Dec (23:00Z on the 7th).
    assert.equal(promised.holds?.[0]?.until, '2026-12-07T23:00:00.000Z');
    assert.equal(reviewHolds(promised, at('2026-12-07T22:59:00Z'), defaultHoldRules), null);
    const broken = reviewHolds(promised, at('2026-12-07T23:00:00Z'), defaultHoldRules);
    assert.equal(broken?.holds?.[0]?.outcome, 'broken');
    assert.equal(broken?.escalation, 1);
    const paidEnough = pay(promised, 'P-1', 50_000, '2026-12-04T00:00:00Z');
    assert.equal(reviewHolds(paidEnough, at('2026-12-04T00:00:00Z'), defaultHoldRules)?.holds?.[0]?.outcome, 'kept');
  });

  test('a payment plan covers installments in order and moves its check to the next one', () => {
    const plan = [
      { dueDate: '2026-12-10', amountMinor: 50_000 },
      { dueDate: '2026-12-24', amountMinor: 75_000 },
    ];
    const started = ok(startPaymentPlan(newInvoice(), 'PLN.1', plan, at('2026-12-02T10:00:00Z'), defaultHoldRules));
    const hold = () => started.holds?.[0];
    assert.equal(hold()?.until, '2026-12-12T23:00:00.000Z');
    const paidFirst = pay(started, 'P-1', 50_000, '2026-12-09T00:00:00Z');
    assert.equal(installmentsCovered(paidFirst, hold()!), 1);
    const moved = reviewHolds(paidFirst, at('2026-12-09T00:00:00Z'), defaultHoldRules);
    assert.equal(moved?.holds?.[0]?.until, '2026-12-26T23:00:00.000Z');
    assert.equal(moved?.holds?.[0]?.status, 'active');
    const missed = reviewHolds(started, at('2026-12-12T23:00:00Z'), defaultHoldRules);
    assert.equal(missed?.holds?.[0]?.outcome, 'broken');
    assert.equal(missed?.status, 'open');
  });

  test('payment plans, credit notes and void refuse what does not add up', () => {
    const now = at('2026-12-02T10:00:00Z');
    assert.deepEqual(startPaymentPlan(newInvoice(), 'P', [{ dueDate: '2026-12-10', amountMinor: 1 }], now, defaultHoldRules), {
      kind: 'invalid',
      path: 'installments',
      message: 'must add up to the balance',
    });
    assert.equal(applyCreditNote(newInvoice(), 'CN', 999_999, 'x', now).kind, 'invalid');
    const voided = ok(voidInvoice(newInvoice(), 'error', now));
    assert.equal(voided.status, 'void');
    assert.equal(applyCreditNote(voided, 'CN', 1, 'x', now).kind, 'conflict');
    assert.equal(makePromise(voided, 'PRM', '2026-12-05', undefined, now, defaultHoldRules).kind, 'conflict');
  });

  test('installments near MAX_AMOUNT_MINOR are added exactly: one minor unit too many is refused', () => {
    const now = at('2026-12-02T10:00:00Z');
    const big = newInvoice({ amountMinor: MAX_AMOUNT_MINOR, lines: [] });
    const plan = (...amounts: number[]) => amounts.map((amountMinor, index) => ({ dueDate: `2026-12-${10 + index}`, amountMinor }));
    // MAX + 1 is 2^53: in doubles, MAX + 1 + 1 is 2^53 too. The comparison must not round.
    for (const amounts of [
      [MAX_AMOUNT_MINOR, 1],
      [MAX_AMOUNT_MINOR, 1, 1],
      [MAX_AMOUNT_MINOR, MAX_AMOUNT_MINOR],
    ]) {
      assert.deepEqual(
        startPaymentPlan(big, 'P', plan(...amounts), now, defaultHoldRules),
        { kind: 'invalid', path: 'installments', message: 'must add up to the balance' },
        String(amounts),
      );
    }
    const agreed = ok(startPaymentPlan(big, 'P', plan(MAX_AMOUNT_MINOR - 1, 1), now, defaultHoldRules));
    assert.equal(agreed.timeline.at(-1)?.totalMinor, MAX_AMOUNT_MINOR);
    assert.equal(installmentsCovered(pay(agreed, 'P-1', MAX_AMOUNT_MINOR - 1, '2026-12-09T00:00:00Z'), agreed.holds![0]!), 1);
  });

  test('a credit note never takes payments plus credit notes past MAX_AMOUNT_MINOR: it is bounded by the balance', () => {
    const now = at('2026-12-02T10:00:00Z');
    const nearlyPaid = pay(newInvoice({ amountMinor: MAX_AMOUNT_MINOR, lines: [] }), 'P-1', MAX_AMOUNT_MINOR - 1, '2026-12-01T00:00:00Z');
    assert.deepEqual(applyCreditNote(nearlyPaid, 'CN', 2, 'x', now), {
      kind: 'invalid',
      path: 'amount',
      message: 'must not exceed the balance',
    });
    const credited = ok(applyCreditNote(nearlyPaid, 'CN', 1, 'x', now));
    assert.equal(balanceMinor(credited), 0);
    const overpaid = pay(newInvoice(), 'P-1', MAX_AMOUNT_MINOR, '2026-12-01T00:00:00Z');
    assert.equal(applyCreditNote(overpaid, 'CN', 1, 'x', now).kind, 'invalid');
  });
});
