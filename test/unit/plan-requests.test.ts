import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { makePromise, releaseHold, reviewHolds, startPaymentPlan } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { pendingPlanRequest, requestPaymentPlan } from '#domain/plan-requests.ts';
import { planNextAction, planRequestTaskKey } from '#domain/planner.ts';
import { defaultHoldRules, defaultPolicy } from '#domain/policy.ts';
import { newInvoice } from '../support/invoices.ts';

const now = new Date('2026-12-05T10:00:00Z');

function requested(invoice: Invoice = newInvoice(), request = { installments: 6, note: 'Cash flow <b>tight</b>' }): Invoice {
  const outcome = requestPaymentPlan(invoice, request, now);
  assert.equal(outcome.kind, 'ok');
  return outcome.kind === 'ok' ? outcome.invoice : invoice;
}

describe('asking for a payment plan (the customer cannot impose one)', () => {
  test('pauses dunning with a manual hold for a 7-day review and records plan.requested', () => {
    const invoice = requested();
    assert.equal(invoice.status, 'on_hold');
    const hold = pendingPlanRequest(invoice);
    assert.ok(hold);
    assert.equal(hold.reason, 'manual');
    assert.equal(hold.holdId, 'HLD.INV-2026-0001.1');
    assert.equal(hold.until, '2026-12-12T10:00:00.000Z');
    assert.match(hold.note ?? '', /^Payment plan requested by the customer: 6 installments\. Customer: Cash flow <b>tight<\/b>$/);
    const event = invoice.timeline.at(-1);
    assert.deepEqual(event, {
      at: now.toISOString(),
      type: 'plan.requested',
      holdId: 'HLD.INV-2026-0001.1',
      installments: 6,
      note: 'Cash flow <b>tight</b>',
    });
  });

  test('the planner hands the request to a collector once, then sleeps until the review deadline', () => {
    const invoice = requested();
    const action = planNextAction(invoice, defaultPolicy, now);
    assert.deepEqual(action, {
      type: 'open_task',
      stepId: planRequestTaskKey('HLD.INV-2026-0001.1'),
      reason: 'payment_plan_request',
      dueAt: now.toISOString(),
    });
    const opened: Invoice = {
      ...invoice,
      steps: { ...invoice.steps, [planRequestTaskKey('HLD.INV-2026-0001.1')]: { state: 'sent', at: now.toISOString() } },
    };
    assert.deepEqual(planNextAction(opened, defaultPolicy, now), {
      type: 'sleep',
      until: '2026-12-12T10:00:00.000Z',
      nextStepId: null,
      pausedBy: 'hold',
    });
    // The review window ends: the hold expires and dunning resumes; no second task.
    const expired = reviewHolds(opened, new Date('2026-12-12T10:00:00Z'), defaultHoldRules);
    assert.ok(expired);
    assert.equal(pendingPlanRequest(expired), undefined);
    assert.notEqual(planNextAction(expired, defaultPolicy, new Date('2026-12-12T10:00:00Z')).type, 'open_task');
  });

  test('an ordinary manual hold opens no task', () => {
    const invoice = newInvoice();
    const held: Invoice = {
      ...invoice,
      status: 'on_hold',
      holds: [{ holdId: 'HLD.INV-2026-0001.1', reason: 'manual', status: 'active', openedAt: now.toISOString(), until: null }],
    };
    assert.equal(planNextAction(held, defaultPolicy, now).type, 'sleep');
  });

  test('a second request while one is pending changes nothing (no second hold, no second task)', () => {
    const first = requested();
    const again = requestPaymentPlan(first, { installments: 3 }, new Date('2026-12-06T10:00:00Z'));
    assert.equal(again.kind, 'ok');
    assert.equal(again.kind === 'ok' && again.invoice, first, 'the very same invoice: nothing to write');
  });

  test('after finance releases a request, a new request is a new hold and a new task', () => {
    const first = requested();
    const released = releaseHold(first, 'HLD.INV-2026-0001.1', new Date('2026-12-06T10:00:00Z'));
    assert.equal(released.kind, 'ok');
    const second = requested(released.kind === 'ok' ? released.invoice : first, { installments: 4, note: '' });
    assert.equal(pendingPlanRequest(second)?.holdId, 'HLD.INV-2026-0001.2');
    const action = planNextAction(second, defaultPolicy, now);
    assert.equal(action.type === 'open_task' && action.stepId, planRequestTaskKey('HLD.INV-2026-0001.2'));
    assert.equal(second.timeline.at(-1)?.note, undefined, 'an empty note is left out');
  });

  test('installments must be a whole number from 2 to 12; the note at most 500 characters', () => {
    for (const installments of [1, 13, 0, -2, 2.5, Number.NaN]) {
      assert.deepEqual(requestPaymentPlan(newInvoice(), { installments }, now), {
        kind: 'invalid',
        path: 'installments',
        message: 'must be a whole number from 2 to 12',
      });
    }
    assert.equal(requestPaymentPlan(newInvoice(), { installments: 2 }, now).kind, 'ok');
    assert.equal(requestPaymentPlan(newInvoice(), { installments: 12, note: 'x'.repeat(500) }, now).kind, 'ok');
    assert.equal(requestPaymentPlan(newInvoice(), { installments: 12, note: 'x'.repeat(501) }, now).kind, 'invalid');
  });

  test('a customer cannot keep dunning paused by asking again and again: two requests, then no more', () => {
    let invoice = requested();
    // The first review window passes unanswered; the customer asks again.
    const later = new Date(now.getTime() + 8 * 86_400_000);
    invoice = reviewHolds(invoice, later, defaultHoldRules) ?? invoice;
    assert.equal(pendingPlanRequest(invoice), undefined);
    const second = requestPaymentPlan(invoice, { installments: 4 }, later);
    assert.equal(second.kind, 'ok');
    if (second.kind !== 'ok') return;
    const muchLater = new Date(later.getTime() + 8 * 86_400_000);
    const expired = reviewHolds(second.invoice, muchLater, defaultHoldRules) ?? second.invoice;
    const third = requestPaymentPlan(expired, { installments: 3 }, muchLater);
    assert.equal(third.kind, 'conflict');
  });

  test('agreeing a plan answers the request: its review pause ends and the installments lead at once', () => {
    const invoice = requested();
    const agreed = startPaymentPlan(
      invoice,
      'PLN.INV-2026-0001.1',
      [
        { dueDate: '2026-12-10', amountMinor: 62_500 },
        { dueDate: '2027-01-10', amountMinor: 62_500 },
      ],
      now,
      defaultHoldRules,
    );
    assert.equal(agreed.kind, 'ok');
    if (agreed.kind !== 'ok') return;
    assert.equal(pendingPlanRequest(agreed.invoice), undefined);
    assert.deepEqual(
      (agreed.invoice.holds ?? []).filter((hold) => hold.status === 'active').map((hold) => hold.reason),
      ['payment_plan'],
    );
    assert.deepEqual(agreed.invoice.timeline.at(-1), {
      at: now.toISOString(),
      type: 'hold.released',
      holdId: 'HLD.INV-2026-0001.1',
      reason: 'manual',
      outcome: 'released',
      answeredBy: 'PLN.INV-2026-0001.1',
    });
  });

  test('nothing to ask for on a settled invoice or while a plan is agreed; a promise does not block it', () => {
    assert.equal(requestPaymentPlan({ ...newInvoice(), status: 'paid' }, { installments: 3 }, now).kind, 'conflict');
    const plan = startPaymentPlan(
      newInvoice(),
      'PLN.INV-2026-0001.1',
      [
        { dueDate: '2026-12-10', amountMinor: 62_500 },
        { dueDate: '2027-01-10', amountMinor: 62_500 },
      ],
      now,
      defaultHoldRules,
    );
    assert.equal(plan.kind, 'ok');
    if (plan.kind === 'ok') assert.equal(requestPaymentPlan(plan.invoice, { installments: 3 }, now).kind, 'conflict');
    const promised = makePromise(newInvoice(), 'PRM.INV-2026-0001.1', '2026-12-20', undefined, now, defaultHoldRules);
    assert.equal(promised.kind, 'ok');
    if (promised.kind === 'ok') assert.equal(requestPaymentPlan(promised.invoice, { installments: 3 }, now).kind, 'ok');
  });
});
