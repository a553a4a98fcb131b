import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { upsertInvoice } from '#domain/invoice.ts';
import { planNextAction } from '#domain/planner.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';
import { simulatePolicy } from '../../simulator/engine.ts';
import { generatePortfolio, type SimulatedInvoice } from '../../simulator/portfolio.ts';
import { defaultHoldModel, type HoldModel } from '../../simulator/response-model.ts';
import { reportJson, runSimulation, SIMULATION_START } from '../../simulator/simulation.ts';

const quiet: HoldModel = { ...defaultHoldModel, disputePerDay: 0, promisePerDay: 0 };
const options = (days: number, holds: HoldModel = defaultHoldModel) => ({ seed: 7, start: SIMULATION_START, days, holds });
const portfolio = (invoices: number, seed = 7) =>
  generatePortfolio({ seed, invoices, start: SIMULATION_START, issueWindowDays: 30, currency: 'EUR' });

function wallClock(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

describe('simulator: determinism', () => {
  const request = { policies: [{ label: 'default', policy: defaultPolicy }], invoices: 300, days: 90 };

  test('the same seed gives byte-identical JSON', () => {
    assert.equal(reportJson(runSimulation({ ...request, seed: 3 })), reportJson(runSimulation({ ...request, seed: 3 })));
  });

  test('another seed gives other invoices and other figures', () => {
    assert.notEqual(reportJson(runSimulation({ ...request, seed: 3 })), reportJson(runSimulation({ ...request, seed: 4 })));
    assert.notDeepEqual(portfolio(20, 3), portfolio(20, 4));
  });

  test('the JSON has exactly the documented shape', () => {
    const json = JSON.parse(reportJson(runSimulation({ ...request, seed: 1 })));
    assert.deepEqual(Object.keys(json), ['seed', 'invoices', 'days', 'policies']);
    assert.deepEqual(Object.keys(json.policies[0]), ['policy', 'kpis']);
    assert.deepEqual(Object.keys(json.policies[0].kpis), ['dso', 'cei', 'collectedShare', 'messages', 'tasks', 'sendCostUsd']);
    assert.deepEqual(Object.keys(json.policies[0].kpis.collectedShare), ['30', '60', '90']);
    assert.deepEqual(Object.keys(json.policies[0].kpis.messages), ['email', 'sms']);
  });
});

describe('simulator: the planner drives it', () => {
  test('a policy with no steps sends nothing: the planner parks each invoice until a signal', () => {
    // With no step scheduled the planner answers "sleep until a signal" at arrival, before the due
    // date, so its silence follow-ups only start once something (a payment, a hold) wakes the invoice.
    const empty: Policy = { ...defaultPolicy, policyId: 'empty', version: 0, tiers: [{ tier: 1, steps: [] }] };
    const run = simulatePolicy(portfolio(200), empty, options(90, quiet));
    assert.equal(run.counts.email + run.counts.sms + run.counts.tasks, 0);
    assert.ok(run.invoices.every((invoice) => !invoice.timeline.some((event) => event.type === 'reminder.sent')));
    assert.ok(run.invoices.some((invoice) => invoice.status === 'open'));
  });

  test("the default policy's first reminder goes when the planner says, 09:00 on a business day in the customer's zone", () => {
    const invoices = portfolio(300);
    const run = simulatePolicy(invoices, defaultPolicy, options(90, quiet));
    // Customers with one invoice only: with several, the frequency cap may move a reminder.
    const perCustomer = new Map<string, number>();
    for (const sim of invoices) perCustomer.set(sim.input.customer.customerId, (perCustomer.get(sim.input.customer.customerId) ?? 0) + 1);
    let checked = 0;
    run.invoices.forEach((invoice, index) => {
      const first = invoice.timeline.find((event) => event.type === 'reminder.sent');
      const sim = invoices[index] as SimulatedInvoice;
      const paidBefore = invoice.timeline.some((event) => event.type === 'invoice.paid' && (!first || event.at < first.at));
      if (!first || paidBefore || perCustomer.get(sim.input.customer.customerId) !== 1) return;
      // What the pipeline's first Plan answers for the invoice as it arrives.
      const arrived = new Date(`${sim.input.issueDate}T00:00:00Z`);
      const fresh = upsertInvoice(undefined, sim.input, arrived, defaultPolicy, sim.startingTier).invoice;
      const action = planNextAction(fresh, defaultPolicy, arrived, [], sim.reachability);
      const plannedAt =
        action.type === 'sleep' ? action.until : action.type === 'send_email' || action.type === 'send_sms' ? arrived.toISOString() : null;
      assert.equal(action.type === 'sleep' ? action.nextStepId : first.stepId, first.stepId, invoice.invoiceId);
      assert.equal(first.at, plannedAt, invoice.invoiceId);
      if (action.type === 'sleep') assert.equal(wallClock(first.at, invoice.customer.timeZone), '09:00', invoice.invoiceId);
      const weekday = new Intl.DateTimeFormat('en-US', { timeZone: invoice.customer.timeZone, weekday: 'short' }).format(
        new Date(first.at),
      );
      assert.ok(!['Sat', 'Sun'].includes(weekday), `${invoice.invoiceId} on ${weekday}`);
      checked++;
    });
    assert.ok(checked > 100, `checked ${checked}`);
  });

  test('a paid invoice gets no further reminder, and is closed', () => {
    const run = simulatePolicy(portfolio(400), defaultPolicy, options(120));
    let paid = 0;
    for (const invoice of run.invoices) {
      const paidAt = invoice.timeline.find((event) => event.type === 'invoice.paid')?.at;
      if (!paidAt) continue;
      paid++;
      assert.ok(invoice.closedAt, invoice.invoiceId);
      const later = invoice.timeline.filter(
        (event) => (event.type === 'reminder.sent' || event.type === 'task.opened') && event.at > paidAt,
      );
      assert.deepEqual(later, [], invoice.invoiceId);
    }
    assert.ok(paid > 200, `paid ${paid}`);
  });

  test('a disputed invoice gets nothing until the dispute is resolved', () => {
    const disputes: HoldModel = { ...defaultHoldModel, disputePerDay: 0.05 };
    const run = simulatePolicy(portfolio(300), defaultPolicy, options(120, disputes));
    let disputed = 0;
    for (const invoice of run.invoices) {
      const opened = invoice.timeline.find((event) => event.type === 'dispute.opened')?.at;
      if (!opened) continue;
      disputed++;
      const resolved = invoice.timeline.find((event) => event.type === 'dispute.resolved')?.at ?? '9999';
      const during = invoice.timeline.filter(
        (event) =>
          (event.type === 'reminder.sent' || event.type === 'task.opened' || event.type === 'payment.received') &&
          event.at > opened &&
          event.at < resolved,
      );
      assert.deepEqual(during, [], invoice.invoiceId);
    }
    assert.ok(disputed > 20, `disputed ${disputed}`);
  });

  test('a broken promise escalates and hands the invoice to a collector, as the planner does', () => {
    const promises: HoldModel = { ...defaultHoldModel, promisePerDay: 0.05, promiseKept: { smb: 0, enterprise: 0, 'low-responder': 0 } };
    const run = simulatePolicy(portfolio(300), defaultPolicy, options(120, promises));
    const broken = run.invoices.filter((invoice) => invoice.timeline.some((event) => event.type === 'promise.broken'));
    assert.ok(broken.length > 10, `broken ${broken.length}`);
    for (const invoice of broken) {
      if (invoice.status === 'paid') continue;
      assert.ok((invoice.escalation ?? 0) >= 1, invoice.invoiceId);
      assert.ok(
        invoice.timeline.some((event) => event.type === 'task.opened' && event.reason === 'broken_promise'),
        invoice.invoiceId,
      );
    }
  });
});
