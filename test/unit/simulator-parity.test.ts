import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { openReachability } from '#domain/customers.ts';
import { type Invoice, recordPayment, upsertInvoice } from '#domain/invoice.ts';
import { type PlannedAction, planNextAction } from '#domain/planner.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { closeInvoice } from '#use-cases/close-invoice.ts';
import { openCollectorTask } from '#use-cases/open-collector-task.ts';
import { sendReminder } from '#use-cases/send-reminder.ts';
import { closeInvoiceInMemory, openCollectorTaskInMemory, sendReminderInMemory } from '../../simulator/in-memory-lifecycle.ts';
import {
  InMemoryInvoiceStore,
  InMemoryTaskStore,
  RecordingCollectors,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
  StaticPayLinks,
} from '../support/fakes.ts';
import { berlinSchedule, invoiceInput, newInvoice } from '../support/invoices.ts';

/**
 * The simulator applies the same pure transitions (domain/steps.ts, tasks.ts) as the use cases,
 * in the same order, without their I/O. These tests run both on the same invoice at the same
 * instant and compare what they leave on it: the order of calls, pinned.
 */

/** What a step change leaves on the invoice, without the ids only the real I/O produces. */
function footprint(invoice: Invoice) {
  return {
    status: invoice.status,
    escalatedAt: invoice.escalatedAt,
    closedAt: invoice.closedAt,
    steps: Object.fromEntries(
      Object.entries(invoice.steps).map(([stepId, record]) => [
        stepId,
        { state: record.state, at: record.at, detail: record.detail?.startsWith('task-') ? 'task' : record.detail },
      ]),
    ),
    timeline: invoice.timeline.map(({ messageId: _m, to: _t, claimId: _c, taskId: _k, ...event }) => event),
  };
}

function realWorld(invoice: Invoice, now: string) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const clock = new SettableClock(now);
  const log = new RecordingLog();
  return {
    store,
    send: { store, clock, mailer: new RecordingMailer(), texter: new RecordingTexter(), links: new StaticPayLinks(), log },
    close: { store, clock, mailer: new RecordingMailer(), log },
    tasks: { store, clock, tasks: new InMemoryTaskStore(), collectors: new RecordingCollectors() },
  };
}

async function sendBoth(invoice: Invoice, now: string) {
  const action = planNextAction(invoice, defaultPolicy, new Date(now), [], openReachability);
  assert.ok(action.type === 'send_email' || action.type === 'send_sms', JSON.stringify(action));
  const real = realWorld(invoice, now);
  assert.equal(await sendReminder(real.send, invoice.invoiceId, action.stepId), 'sent');
  const simulated = sendReminderInMemory(invoice, action.stepId, new Date(now), openReachability);
  return { real: real.store.current(invoice.invoiceId), simulated: simulated.invoice };
}

describe('simulator: the in-memory lifecycle leaves what the pipeline leaves', () => {
  test('a reminder on time', async () => {
    const { real, simulated } = await sendBoth(newInvoice(), berlinSchedule['pre-3']);
    assert.deepEqual(footprint(simulated), footprint(real));
  });

  test('a late invoice: earlier steps superseded, the latest sent', async () => {
    const { real, simulated } = await sendBoth(newInvoice(), berlinSchedule['post-14']);
    assert.ok(Object.values(simulated.steps).some((record) => record.state === 'skipped'));
    assert.deepEqual(footprint(simulated), footprint(real));
  });

  test('a text of a tier-3 invoice', async () => {
    const invoice = { ...upsertInvoice(undefined, invoiceInput(), new Date('2026-11-01T10:00:00Z'), defaultPolicy, 3).invoice, version: 1 };
    const { real, simulated } = await sendBoth(invoice, '2026-11-30T08:00:00.000Z');
    assert.ok(simulated.timeline.some((event) => event.type === 'reminder.sent' && event.channel === 'sms'));
    assert.deepEqual(footprint(simulated), footprint(real));
  });

  test('a collector task, and an agency referral that escalates', async () => {
    for (const [tier, now] of [
      [2, '2027-01-08T08:00:00.000Z'],
      [4, '2027-03-17T08:00:00.000Z'],
    ] as const) {
      const invoice = {
        ...upsertInvoice(undefined, invoiceInput(), new Date('2026-11-01T10:00:00Z'), defaultPolicy, tier).invoice,
        version: 1,
      };
      const action = planNextAction(invoice, defaultPolicy, new Date(now), [], openReachability);
      assert.equal(action.type, 'open_task', JSON.stringify(action));
      const task = action as Extract<PlannedAction, { type: 'open_task' }>;
      const real = realWorld(invoice, now);
      assert.equal((await openCollectorTask(real.tasks, invoice.invoiceId, task.stepId, task.reason)).kind, 'opened');
      const simulated = openCollectorTaskInMemory(invoice, task, new Date(now)).invoice;
      assert.equal(simulated.status, tier === 4 ? 'escalated' : 'open');
      assert.deepEqual(footprint(simulated), footprint(real.store.current(invoice.invoiceId)));
    }
  });

  test('closing a paid invoice, thank-you included', async () => {
    const paid = recordPayment(
      newInvoice(),
      { paymentId: 'P-1', amountMinor: 125_000, paidAt: '2026-11-20T09:00:00.000Z' },
      new Date('2026-11-20T09:00:00Z'),
    );
    assert.equal(paid.kind, 'recorded');
    const now = '2026-11-20T09:00:01.000Z';
    const real = realWorld(paid.invoice, now);
    assert.equal(await closeInvoice(real.close, paid.invoice.invoiceId, 'paid'), 'closed');
    const simulated = closeInvoiceInMemory(paid.invoice, 'paid', new Date(now), openReachability);
    assert.equal(simulated.thankYou, 'email');
    assert.deepEqual(footprint(simulated.invoice), footprint(real.store.current(paid.invoice.invoiceId)));
  });
});
