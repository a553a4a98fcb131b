import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { taskCompletionSchema } from '#contracts/task-api.ts';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import { type CollectorTask, collectorMessage, type TaskCompletion, taskKindFor, taskOutcomes } from '#domain/tasks.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { TaskStore } from '#ports/task-store.ts';
import { completeCollectorTask, TaskNotFoundError } from '#use-cases/complete-collector-task.ts';
import { customerRisk } from '#use-cases/customers.ts';
import { listCollectorTasks } from '#use-cases/list-collector-tasks.ts';
import { openCollectorTask } from '#use-cases/open-collector-task.ts';
import {
  InMemoryCustomerStore,
  InMemoryInvoiceStore,
  InMemoryTaskStore,
  RecordingCollectors,
  RecordingEvents,
  RecordingLog,
  SettableClock,
} from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

const INVOICE = 'INV-2026-0001';
/** 19 days past the default due date (2026-12-01), 11:00 in Berlin. */
const NOW = '2026-12-20T10:00:00.000Z';

function world(invoice: Invoice = newInvoice(), now = NOW) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const tasks = new InMemoryTaskStore();
  const collectors = new RecordingCollectors();
  const events = new RecordingEvents();
  const clock = new SettableClock(now);
  const log = new RecordingLog();
  return {
    store,
    tasks,
    collectors,
    events,
    clock,
    open: { store, tasks, collectors, clock },
    complete: { store, tasks, clock, events, log },
  };
}

type World = ReturnType<typeof world>;

const eventsOf = (invoice: Invoice, type: string) => invoice.timeline.filter((event) => event.type === type);

function partlyPaid(invoice: Invoice, amountMinor: number): Invoice {
  const outcome = recordPayment(
    invoice,
    { paymentId: 'PAY-1', amountMinor, paidAt: '2026-12-10T09:00:00.000Z' },
    new Date('2026-12-10T09:00:00Z'),
  );
  assert.equal(outcome.kind, 'recorded');
  return outcome.invoice;
}

async function openTask(w: World, stepKey = 't2-call-38', reason = 'no_response', deadlineDays?: number): Promise<CollectorTask> {
  const outcome = await openCollectorTask(w.open, INVOICE, stepKey, reason, deadlineDays);
  assert.equal(outcome.kind, 'opened');
  return (outcome as { task: CollectorTask }).task;
}

async function complete(w: World, taskId: string, completion: TaskCompletion) {
  return completeCollectorTask(w.complete, taskId, completion);
}

// ---------------------------------------------------------------------------------------

describe('task kinds', () => {
  test('agency referrals and write-off proposals have their own kind; every other reason is a call', () => {
    assert.equal(taskKindFor('agency_referral'), 'agency_referral');
    assert.equal(taskKindFor('write_off_proposal'), 'write_off_proposal');
    for (const reason of ['call', 'broken_promise', 'no_response', 'final_notice', 'high_value', 'policy_step']) {
      assert.equal(taskKindFor(reason), 'call', reason);
    }
  });

  test("the API's outcome list is the domain's", () => {
    assert.deepEqual([...taskCompletionSchema.shape.outcome.options].sort(), [...taskOutcomes].sort());
  });
});

describe('openCollectorTask', () => {
  test('creates the task, tells the collectors, and records the step and task.opened on the invoice', async () => {
    const w = world();
    const task = await openTask(w, 't2-call-38', 'no_response', 5);
    assert.equal(task.taskId, 'TSK.INV-2026-0001.t2-call-38');
    assert.deepEqual(
      { ...task },
      {
        taskId: 'TSK.INV-2026-0001.t2-call-38',
        invoiceId: INVOICE,
        customerId: 'C-100',
        kind: 'call',
        reason: 'no_response',
        stepKey: 't2-call-38',
        status: 'open',
        openedAt: NOW,
        dueAt: '2026-12-25T10:00:00.000Z',
      },
    );
    assert.deepEqual(w.tasks.all(), [task]);

    assert.equal(w.collectors.published.length, 1);
    const [message] = w.collectors.published;
    assert.equal(message?.type, 'collector_task.opened');
    assert.equal(message?.task.taskId, task.taskId);
    assert.equal(message?.handoverIncluded, true);
    assert.deepEqual(message?.invoice, {
      invoiceId: INVOICE,
      customerId: 'C-100',
      customerName: 'Acme GmbH',
      status: 'open',
      currency: 'EUR',
      amount: '1250.00',
      paid: '0.00',
      balance: '1250.00',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      daysPastDue: 19,
      poNumber: 'PO-778',
    });

    const invoice = w.store.current(INVOICE);
    assert.deepEqual(invoice.steps['t2-call-38'], { state: 'sent', at: NOW, detail: task.taskId, messageId: 'sns-1' });
    assert.deepEqual(eventsOf(invoice, 'task.opened'), [
      {
        at: NOW,
        type: 'task.opened',
        taskId: task.taskId,
        stepId: 't2-call-38',
        reason: 'no_response',
        kind: 'call',
        dueAt: '2026-12-25T10:00:00.000Z',
      },
    ]);
  });

  test("records the customer's risk as of the customer's day, as the customer page assesses it (the worklist's priority)", async () => {
    const w = world();
    const customers = new InMemoryCustomerStore(w.store);
    await customers.linkInvoice('C-100', INVOICE);
    const outcome = await openCollectorTask({ ...w.open, customers }, INVOICE, 't2-call-38', 'no_response');
    assert.equal(outcome.kind, 'opened');
    const { task } = outcome as { task: CollectorTask };
    const expected = await customerRisk(customers, 'C-100', '2026-12-20');
    assert.ok(expected.score > 0, 'an invoice 19 days overdue is a risk');
    assert.deepEqual(task.risk, { score: expected.score, tier: expected.tier, assessedOn: '2026-12-20' });
    assert.deepEqual(w.tasks.all()[0]?.risk, task.risk, 'stored with the task');
    // Without the customers, no risk is made up.
    assert.equal((await openTask(world())).risk, undefined);
  });

  test("the deadline defaults to the step's taskDeadlineDays in the invoice's policy", async () => {
    const w = world();
    const task = await openTask(w, 't2-call-38', 'call');
    assert.equal(task.dueAt, '2026-12-25T10:00:00.000Z', '5 days in the default policy');
  });

  test('a task for no policy step (a broken promise) has no deadline; a call carries no hand-over package', async () => {
    const w = world();
    const task = await openTask(w, 'broken-PRM.INV-2026-0001.1', 'broken_promise');
    assert.equal(task.kind, 'call');
    assert.equal(task.dueAt, null);
    assert.equal(task.handover, undefined);
  });

  test('is idempotent: a second open of the same step does nothing', async () => {
    const w = world();
    await openTask(w);
    const versionAfterFirst = w.store.current(INVOICE).version;
    const again = await openCollectorTask(w.open, INVOICE, 't2-call-38', 'no_response');
    assert.deepEqual(again, { kind: 'already_done', taskId: 'TSK.INV-2026-0001.t2-call-38' });
    assert.equal(w.collectors.published.length, 1);
    assert.equal(w.tasks.all().length, 1);
    assert.equal(w.store.current(INVOICE).version, versionAfterFirst);
  });

  test('a different step of the same invoice is a different task', async () => {
    const w = world();
    await openTask(w, 't2-call-38');
    await openTask(w, 't3-call-70');
    assert.deepEqual(
      w.tasks
        .all()
        .map((task) => task.taskId)
        .sort(),
      ['TSK.INV-2026-0001.t2-call-38', 'TSK.INV-2026-0001.t3-call-70'],
    );
    assert.equal(eventsOf(w.store.current(INVOICE), 'task.opened').length, 2);
  });

  test('a crash before the publish: the retry finds the task, publishes, and records the step once', async () => {
    const w = world();
    w.collectors.failNext = new Error('SNS unreachable');
    await assert.rejects(openCollectorTask(w.open, INVOICE, 't2-call-38', 'no_response'), /SNS unreachable/);
    assert.equal(w.tasks.all().length, 1, 'the task was created');
    assert.equal(w.store.current(INVOICE).steps['t2-call-38'], undefined);

    w.clock.advance(60_000);
    const retried = await openTask(w);
    assert.equal(retried.openedAt, NOW, 'the task of the first attempt, not a new one');
    assert.equal(w.collectors.published.length, 1);
    assert.equal(eventsOf(w.store.current(INVOICE), 'task.opened').length, 1);
  });

  test('a crash after the publish: the retry publishes again (at least once, same taskId) and records once', async () => {
    const w = world();
    const crashingStore: InvoiceStore = {
      get: (id) => w.store.get(id),
      create: (invoice) => w.store.create(invoice),
      save: async () => {
        throw new Error('process died');
      },
    };
    await assert.rejects(openCollectorTask({ ...w.open, store: crashingStore }, INVOICE, 't2-call-38', 'no_response'), /process died/);
    await openTask(w);
    assert.deepEqual(
      w.collectors.published.map((message) => message.task.taskId),
      ['TSK.INV-2026-0001.t2-call-38', 'TSK.INV-2026-0001.t2-call-38'],
    );
    assert.equal(eventsOf(w.store.current(INVOICE), 'task.opened').length, 1);
  });

  test('a retry does not publish a task that was already completed', async () => {
    const w = world();
    const task = await openTask(w);
    // As if the invoice write of the open had been lost, and the collector acted meanwhile.
    w.store.seed({ ...w.store.current(INVOICE), steps: {}, timeline: w.store.current(INVOICE).timeline.slice(0, 1) });
    await complete(w, task.taskId, { outcome: 'other' });
    const published = w.collectors.published.length;
    await openCollectorTask(w.open, INVOICE, 't2-call-38', 'no_response');
    assert.equal(w.collectors.published.length, published);
    assert.equal(w.store.current(INVOICE).steps['t2-call-38']?.state, 'sent');
  });

  test('a step whose earlier attempt failed (the workflow catch path) is opened', async () => {
    const invoice = { ...newInvoice(), steps: { 't2-call-38': { state: 'failed' as const, at: NOW, failures: 1, detail: 'x' } } };
    const w = world(invoice);
    await openTask(w);
    assert.equal(w.store.current(INVOICE).steps['t2-call-38']?.state, 'sent');
  });

  test('nothing is opened for an invoice that is paid or void', async () => {
    const w = world(partlyPaid(newInvoice(), 125_000));
    const outcome = await openCollectorTask(w.open, INVOICE, 't2-call-38', 'no_response');
    assert.equal(outcome.kind, 'not_due');
    assert.deepEqual(w.tasks.all(), []);
    assert.deepEqual(w.collectors.published, []);
    assert.equal(w.store.current(INVOICE).steps['t2-call-38'], undefined);

    const voided = world({ ...newInvoice(), status: 'void' });
    assert.equal((await openCollectorTask(voided.open, INVOICE, 't2-call-38', 'no_response')).kind, 'not_due');
  });

  test('an unknown invoice is an error', async () => {
    const w = world();
    await assert.rejects(openCollectorTask(w.open, 'INV-NOPE', 's', 'call'), { name: 'InvoiceNotFoundError' });
  });
});

describe('the hand-over package of an agency referral', () => {
  test('carries the invoice with money as decimal strings, the contacts and the full timeline', async () => {
    const w = world(partlyPaid(newInvoice(), 25_000));
    const task = await openTask(w, 't4-agency-105', 'agency_referral', 10);
    assert.equal(task.kind, 'agency_referral');
    const handover = task.handover;
    assert.ok(handover);
    assert.equal(handover.preparedAt, NOW);
    assert.deepEqual(
      {
        amount: handover.invoice.amount,
        paid: handover.invoice.paid,
        balance: handover.invoice.balance,
        currency: handover.invoice.currency,
        dueDate: handover.invoice.dueDate,
        daysPastDue: handover.invoice.daysPastDue,
      },
      { amount: '1250.00', paid: '250.00', balance: '1000.00', currency: 'EUR', dueDate: '2026-12-01', daysPastDue: 19 },
    );
    assert.deepEqual(handover.invoice.lines, [{ description: 'Consulting, November', quantity: '10', unitPrice: '125.00' }]);
    assert.deepEqual(handover.invoice.payments, [{ paymentId: 'PAY-1', amount: '250.00', paidAt: '2026-12-10T09:00:00.000Z' }]);
    assert.deepEqual(handover.contacts, {
      customerId: 'C-100',
      name: 'Acme GmbH',
      email: 'ap@acme.example',
      phone: '+4915123456789',
      timeZone: 'Europe/Berlin',
      locale: 'en-US',
      segment: 'enterprise',
    });
    // Every event up to the referral, oldest first, amounts as decimal strings.
    assert.deepEqual(
      handover.timeline.map((event) => event.type),
      ['invoice.received', 'payment.received'],
    );
    const payment = handover.timeline[1] ?? {};
    assert.equal(payment.amount, '250.00');
    assert.equal(payment.balance, '1000.00');
    assert.equal('amountMinor' in payment, false);

    const [message] = w.collectors.published;
    assert.equal(message?.handoverIncluded, true);
    assert.deepEqual(message?.task.handover, handover);
  });

  test('a package too large for one topic message is left out of the message, not out of the task', async () => {
    const w = world();
    const task = await openTask(w, 't4-agency-105', 'agency_referral');
    const message = collectorMessage(task, w.store.current(INVOICE), new Date(NOW), 200);
    assert.equal(message.handoverIncluded, false);
    assert.equal(message.task.handover, undefined);
    assert.ok((await w.tasks.get(task.taskId))?.handover);
  });
});

describe('completeCollectorTask', () => {
  test('promise_obtained: a promise hold on the invoice, task.completed, the task completed, the execution signalled', async () => {
    const w = world();
    const task = await openTask(w);
    w.clock.advance(3600_000);
    const outcome = await complete(w, task.taskId, {
      outcome: 'promise_obtained',
      promisedDate: '2026-12-28',
      note: 'Pays after the holidays',
    });
    assert.equal(outcome.kind, 'completed');
    const invoice = w.store.current(INVOICE);
    assert.equal(invoice.status, 'on_hold');
    const [hold] = invoice.holds ?? [];
    assert.equal(hold?.holdId, 'PRM.INV-2026-0001.1');
    assert.equal(hold?.reason, 'promise');
    assert.equal(hold?.promise?.promisedDate, '2026-12-28');
    assert.equal(hold?.promise?.amountMinor, 125_000, 'the whole balance');
    const completedAt = '2026-12-20T11:00:00.000Z';
    assert.deepEqual(invoice.timeline.slice(-2), [
      { at: completedAt, type: 'promise.made', promiseId: 'PRM.INV-2026-0001.1', promisedDate: '2026-12-28', amountMinor: 125_000 },
      {
        at: completedAt,
        type: 'task.completed',
        taskId: task.taskId,
        outcome: 'promise_obtained',
        note: 'Pays after the holidays',
        promiseId: 'PRM.INV-2026-0001.1',
      },
    ]);
    const stored = await w.tasks.get(task.taskId);
    assert.deepEqual(
      {
        status: stored?.status,
        completedAt: stored?.completedAt,
        outcome: stored?.outcome,
        note: stored?.note,
        promiseId: stored?.promiseId,
      },
      { status: 'completed', completedAt, outcome: 'promise_obtained', note: 'Pays after the holidays', promiseId: 'PRM.INV-2026-0001.1' },
    );
    assert.deepEqual(w.events.published, [{ detailType: 'invoice.changed', detail: { invoiceId: INVOICE, version: invoice.version } }]);
  });

  test('promise_obtained with an amount: in the invoice currency', async () => {
    const w = world();
    const task = await openTask(w);
    await complete(w, task.taskId, { outcome: 'promise_obtained', promisedDate: '2026-12-28', amount: '500.00' });
    assert.equal(w.store.current(INVOICE).holds?.[0]?.promise?.amountMinor, 50_000);
  });

  test('promise_obtained needs a promised date, within the rules; nothing is written otherwise', async () => {
    const w = world();
    const task = await openTask(w);
    const version = w.store.current(INVOICE).version;
    assert.deepEqual(await complete(w, task.taskId, { outcome: 'promise_obtained' }), {
      kind: 'invalid',
      errors: [{ path: 'promisedDate', message: 'is required for promise_obtained' }],
    });
    assert.deepEqual(await complete(w, task.taskId, { outcome: 'promise_obtained', promisedDate: '2026-12-01' }), {
      kind: 'invalid',
      errors: [{ path: 'promisedDate', message: 'must not be in the past' }],
    });
    const badAmount = await complete(w, task.taskId, { outcome: 'promise_obtained', promisedDate: '2026-12-28', amount: '1.234' });
    assert.equal(badAmount.kind, 'invalid');
    assert.equal(badAmount.kind === 'invalid' && badAmount.errors[0]?.path, 'amount');
    assert.equal(w.store.current(INVOICE).version, version);
    assert.equal((await w.tasks.get(task.taskId))?.status, 'open');
    assert.deepEqual(w.events.published, []);
  });

  test('dispute_found: opens a dispute with its reason (the note goes with it)', async () => {
    const w = world();
    const task = await openTask(w);
    const outcome = await complete(w, task.taskId, {
      outcome: 'dispute_found',
      disputeReason: 'short_delivery',
      note: 'Only 8 of 10 days',
    });
    assert.equal(outcome.kind, 'completed');
    const invoice = w.store.current(INVOICE);
    assert.equal(invoice.status, 'on_hold');
    assert.deepEqual(
      (invoice.holds ?? []).map((hold) => [hold.holdId, hold.reason, hold.dispute?.reasonCode, hold.note]),
      [['DSP.INV-2026-0001.1', 'dispute', 'short_delivery', 'Only 8 of 10 days']],
    );
    assert.equal(eventsOf(invoice, 'dispute.opened').length, 1);
    assert.equal(eventsOf(invoice, 'task.completed')[0]?.disputeId, 'DSP.INV-2026-0001.1');
    assert.equal((await w.tasks.get(task.taskId))?.disputeId, 'DSP.INV-2026-0001.1');
  });

  test('dispute_found on an invoice already in dispute points at that dispute instead of opening another', async () => {
    const w = world();
    const first = await openTask(w, 'step-a');
    await complete(w, first.taskId, { outcome: 'dispute_found', disputeReason: 'pricing' });
    // A task opened in the race with the dispute, then worked.
    const second = await openTask(w, 'step-b');
    await complete(w, second.taskId, { outcome: 'dispute_found', disputeReason: 'other' });
    const invoice = w.store.current(INVOICE);
    assert.equal((invoice.holds ?? []).length, 1);
    assert.equal(eventsOf(invoice, 'task.completed')[1]?.disputeId, 'DSP.INV-2026-0001.1');
  });

  test('dispute_found needs a known reason code', async () => {
    const w = world();
    const task = await openTask(w);
    const missing = await complete(w, task.taskId, { outcome: 'dispute_found' });
    assert.equal(missing.kind === 'invalid' && missing.errors[0]?.path, 'disputeReason');
    const unknown = await complete(w, task.taskId, { outcome: 'dispute_found', disputeReason: 'too_expensive' });
    assert.equal(unknown.kind === 'invalid' && unknown.errors[0]?.path, 'disputeReason');
  });

  test('no_answer: recorded, and later messages are one step firmer', async () => {
    const w = world();
    const task = await openTask(w);
    await complete(w, task.taskId, { outcome: 'no_answer', note: 'Voicemail twice' });
    const invoice = w.store.current(INVOICE);
    assert.equal(invoice.escalation, 1);
    assert.equal(invoice.status, 'open');
    assert.deepEqual(
      eventsOf(invoice, 'task.completed').map(({ at: _at, ...event }) => event),
      [{ type: 'task.completed', taskId: task.taskId, outcome: 'no_answer', note: 'Voicemail twice' }],
    );
    const second = await openTask(w, 'step-2');
    await complete(w, second.taskId, { outcome: 'no_answer' });
    assert.equal(w.store.current(INVOICE).escalation, 2);
  });

  for (const outcome of ['paid', 'other'] as const) {
    test(`${outcome}: only recorded (money arrives through the payments API)`, async () => {
      const w = world();
      const task = await openTask(w);
      const before = w.store.current(INVOICE);
      await complete(w, task.taskId, { outcome });
      const after = w.store.current(INVOICE);
      assert.deepEqual(
        after.timeline.slice(before.timeline.length).map((event) => event.type),
        ['task.completed'],
      );
      assert.equal(after.status, before.status);
      assert.equal(after.paidMinor, before.paidMinor);
      assert.equal(after.escalation, undefined);
      assert.equal(w.events.published.length, 1, 'the execution still re-plans');
    });
  }

  test('fields that do not apply to the outcome, or an outcome that does not apply to the task, are named', async () => {
    const w = world();
    const task = await openTask(w);
    const outcome = await complete(w, task.taskId, {
      outcome: 'no_answer',
      promisedDate: '2026-12-28',
      amount: '10.00',
      disputeReason: 'pricing',
    });
    assert.deepEqual(outcome.kind === 'invalid' && outcome.errors.map((error) => error.path), ['promisedDate', 'amount', 'disputeReason']);
    const approved = await complete(w, task.taskId, { outcome: 'approved' });
    assert.deepEqual(approved, {
      kind: 'invalid',
      errors: [{ path: 'outcome', message: 'must be one of promise_obtained, dispute_found, no_answer, paid, other for a call task' }],
    });
  });

  test('completing twice with the same outcome is a no-op; with another, a conflict', async () => {
    const w = world();
    const task = await openTask(w);
    await complete(w, task.taskId, { outcome: 'no_answer' });
    const version = w.store.current(INVOICE).version;
    const again = await complete(w, task.taskId, { outcome: 'no_answer' });
    assert.equal(again.kind, 'unchanged');
    assert.deepEqual(await complete(w, task.taskId, { outcome: 'paid' }), {
      kind: 'conflict',
      reason: `task ${task.taskId} was already completed as no_answer`,
    });
    assert.equal(w.store.current(INVOICE).version, version);
    assert.equal(w.store.current(INVOICE).escalation, 1);
  });

  test('two collectors completing at once with different outcomes: one wins, the other gets a conflict', async () => {
    const w = world();
    const task = await openTask(w);
    const results = await Promise.all([
      complete(w, task.taskId, { outcome: 'no_answer' }),
      complete(w, task.taskId, { outcome: 'promise_obtained', promisedDate: '2026-12-28' }),
    ]);
    assert.deepEqual(results.map((result) => result.kind).sort(), ['completed', 'conflict']);
    const invoice = w.store.current(INVOICE);
    assert.equal(eventsOf(invoice, 'task.completed').length, 1);
    const winner = eventsOf(invoice, 'task.completed')[0]?.outcome;
    assert.equal((await w.tasks.get(task.taskId))?.outcome, winner);
  });

  test('a crash between the invoice write and the task record: the retry completes the task and changes nothing else', async () => {
    const w = world();
    const task = await openTask(w);
    const crashingTasks: TaskStore = {
      get: (id) => w.tasks.get(id),
      create: (t) => w.tasks.create(t),
      list: (query) => w.tasks.list(query),
      count: (query) => w.tasks.count(query),
      complete: async () => {
        throw new Error('process died');
      },
    };
    await assert.rejects(
      completeCollectorTask({ ...w.complete, tasks: crashingTasks }, task.taskId, {
        outcome: 'promise_obtained',
        promisedDate: '2026-12-28',
      }),
      /process died/,
    );
    const afterCrash = w.store.current(INVOICE);
    assert.equal((await w.tasks.get(task.taskId))?.status, 'open');

    w.clock.advance(60_000);
    assert.equal(
      (await complete(w, task.taskId, { outcome: 'no_answer' })).kind,
      'conflict',
      'a different outcome cannot slip in after the commit',
    );
    const retried = await complete(w, task.taskId, { outcome: 'promise_obtained', promisedDate: '2026-12-28' });
    assert.equal(retried.kind, 'completed');
    assert.equal(w.store.current(INVOICE).version, afterCrash.version, 'the invoice was not written again');
    const stored = await w.tasks.get(task.taskId);
    assert.equal(stored?.status, 'completed');
    assert.equal(stored?.completedAt, NOW, 'the instant of the commit');
    assert.equal(stored?.promiseId, 'PRM.INV-2026-0001.1');
  });

  test('an unknown task is TaskNotFoundError', async () => {
    const w = world();
    await assert.rejects(complete(w, 'TSK.INV-2026-0001.nope', { outcome: 'other' }), TaskNotFoundError);
  });
});

describe('write-off proposals', () => {
  test('approved: the invoice is written off (the workflow then closes it), its holds end', async () => {
    const w = world(partlyPaid(newInvoice(), 25_000));
    const task = await openTask(w, 't4-write-off-180', 'write_off_proposal', 30);
    assert.equal(task.kind, 'write_off_proposal');
    const outcome = await complete(w, task.taskId, { outcome: 'approved', note: 'Approved by finance lead' });
    assert.equal(outcome.kind, 'completed');
    const invoice = w.store.current(INVOICE);
    assert.equal(invoice.status, 'written_off');
    assert.deepEqual(
      invoice.timeline.slice(-2).map(({ at: _at, ...event }) => event),
      [
        { type: 'invoice.written_off', taskId: task.taskId, balanceMinor: 100_000 },
        { type: 'task.completed', taskId: task.taskId, outcome: 'approved', note: 'Approved by finance lead' },
      ],
    );
    assert.equal(w.events.published.length, 1);
  });

  test('rejected: recorded, dunning continues', async () => {
    const w = world();
    const task = await openTask(w, 't4-write-off-180', 'write_off_proposal');
    await complete(w, task.taskId, { outcome: 'rejected' });
    const invoice = w.store.current(INVOICE);
    assert.equal(invoice.status, 'open');
    assert.equal(eventsOf(invoice, 'task.completed')[0]?.outcome, 'rejected');
  });

  test('call outcomes do not apply to a write-off proposal', async () => {
    const w = world();
    const task = await openTask(w, 't4-write-off-180', 'write_off_proposal');
    const outcome = await complete(w, task.taskId, { outcome: 'no_answer' });
    assert.deepEqual(outcome.kind === 'invalid' && outcome.errors, [
      { path: 'outcome', message: 'must be one of approved, rejected for a write_off_proposal task' },
    ]);
  });

  test('an invoice paid in the meantime cannot be written off', async () => {
    const w = world();
    const task = await openTask(w, 't4-write-off-180', 'write_off_proposal');
    w.store.seed(partlyPaid(w.store.current(INVOICE), 125_000));
    const outcome = await complete(w, task.taskId, { outcome: 'approved' });
    assert.deepEqual(outcome, { kind: 'conflict', reason: 'the invoice is paid' });
    assert.equal((await w.tasks.get(task.taskId))?.status, 'open');
  });
});

describe('listCollectorTasks', () => {
  test('open tasks oldest first, each with its invoice as it is now; filtered by invoice; completed ones apart', async () => {
    const w = world();
    w.store.seed(newInvoice({ invoiceId: 'INV-2026-0002' }));
    const first = await openTask(w, 'step-a');
    w.clock.advance(60_000);
    const other = await openCollectorTask(w.open, 'INV-2026-0002', 'step-a', 'high_value');
    w.clock.advance(60_000);
    const third = await openTask(w, 'step-b');
    await complete(w, third.taskId, { outcome: 'other' });

    const open = await listCollectorTasks(w, { status: 'open', limit: 50 });
    assert.deepEqual(
      open.items.map((item) => item.task.taskId),
      [first.taskId, other.kind === 'opened' ? other.task.taskId : ''],
    );
    assert.equal(open.items[0]?.invoice?.invoiceId, INVOICE);
    assert.equal(eventsOf(open.items[0]?.invoice as Invoice, 'task.completed').length, 1, 'the invoice as it is now, whole timeline');

    const mine = await listCollectorTasks(w, { status: 'open', invoiceId: 'INV-2026-0002', limit: 50 });
    assert.deepEqual(
      mine.items.map((item) => item.task.invoiceId),
      ['INV-2026-0002'],
    );
    const completed = await listCollectorTasks(w, { status: 'completed', limit: 50 });
    assert.deepEqual(
      completed.items.map((item) => item.task.taskId),
      [third.taskId],
    );
  });

  test('pages with a cursor', async () => {
    const w = world();
    for (const step of ['a', 'b', 'c']) {
      await openTask(w, step);
      w.clock.advance(1000);
    }
    const first = await listCollectorTasks(w, { status: 'open', limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.next);
    const second = await listCollectorTasks(w, { status: 'open', limit: 2, after: first.next });
    assert.deepEqual(
      second.items.map((item) => item.task.stepKey),
      ['c'],
    );
    assert.equal(second.next, undefined);
  });
});
