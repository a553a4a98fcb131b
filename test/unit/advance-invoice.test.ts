import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import { MAX_STEP_FAILURES, RETRY_DELAYS_MS, retryAt } from '#domain/planner.ts';
import { MailRejectedError } from '#ports/mailer.ts';
import { advanceInvoice } from '#use-cases/advance-invoice.ts';
import {
  FakeTimers,
  FakeWorkflow,
  InMemoryInvoiceStore,
  InMemoryTaskStore,
  RecordingCollectors,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
  StaticPayLinks,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

/**
 * One wake-up of an execution in one invocation (issue 10): plan, act, plan again until the plan
 * is to wait, then park on the task token with a timer — or resume at once when it closed.
 */
const INVOICE = 'INV-2026-0001';
const TOKEN = 'token-1';

function world(invoice: Invoice = newInvoice(), now: string = berlinSchedule['pre-3']) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const deps = {
    store,
    clock: new SettableClock(now),
    mailer: new RecordingMailer(),
    texter: new RecordingTexter(),
    links: new StaticPayLinks(),
    tasks: new InMemoryTaskStore(),
    collectors: new RecordingCollectors(),
    timers: new FakeTimers(),
    workflow: new FakeWorkflow(),
    log: new RecordingLog(),
  };
  return deps;
}

describe('advanceInvoice', () => {
  test('a due reminder is sent, then the execution parks on its token until the next step', async () => {
    const w = world();
    const result = await advanceInvoice(w, INVOICE, TOKEN);
    assert.deepEqual(result, { outcome: 'parked', actions: ['send_email pre-3'] });
    assert.deepEqual(
      w.mailer.sent.map((email) => email.step),
      ['pre-3'],
    );
    const stored = w.store.current(INVOICE);
    assert.equal(stored.wait?.taskToken, TOKEN);
    assert.equal(stored.wait?.until, berlinSchedule['post-3']);
    assert.deepEqual(
      [...w.timers.armed.values()].map((timer) => timer.at.toISOString()),
      [berlinSchedule['post-3']],
    );
    assert.deepEqual(w.workflow.resumed, [], 'parked: nobody resumes it but the timer or a signal');
  });

  test('a paid invoice is thanked and closed, and the execution finished', async () => {
    const paid = recordPayment(
      newInvoice(),
      { paymentId: 'PAY-1', amountMinor: 125_000, paidAt: '2026-11-20T09:00:00.000Z' },
      new Date('2026-11-20T09:00:00Z'),
    );
    assert.equal(paid.kind, 'recorded');
    if (paid.kind !== 'recorded') return;
    const w = world(paid.invoice, '2026-11-20T10:00:00Z');
    const result = await advanceInvoice(w, INVOICE, TOKEN);
    assert.deepEqual(result, { outcome: 'closed', actions: ['close paid'] });
    assert.deepEqual(w.workflow.finished, [TOKEN]);
    assert.deepEqual(w.workflow.resumed, []);
    assert.equal(w.mailer.sent[0]?.step, 'thank-you');
    assert.ok(w.store.current(INVOICE).closedAt);
  });

  test('a broken promise: the collector task and the firmer reminder in one wake-up', async () => {
    // A promise broken at the end of 7 December: a task, then tier 2's latest due step at once.
    const invoice: Invoice = {
      ...newInvoice(),
      steps: { 'pre-3': { state: 'sent', at: berlinSchedule['pre-3'] } },
      holds: [
        {
          holdId: 'P-1',
          reason: 'promise',
          status: 'active',
          openedAt: '2026-12-02T10:00:00.000Z',
          until: '2026-12-07T23:00:00.000Z',
          promise: { promisedDate: '2026-12-05', amountMinor: 125_000, paidMinorAtPromise: 0 },
        },
      ],
      status: 'on_hold',
    };
    const w = world(invoice, '2026-12-08T08:00:00Z');
    const result = await advanceInvoice(w, INVOICE, TOKEN);
    assert.deepEqual(result.actions, ['open_task broken-P-1', 'send_email t2-post-1']);
    assert.equal(result.outcome, 'parked');
    assert.deepEqual(
      w.collectors.published.map((message) => message.task.reason),
      ['broken_promise'],
    );
  });

  test('a send that fails is recorded, retried after a delay, and given up after three attempts', async () => {
    const w = world();
    w.mailer.failNext(new MailRejectedError('throttled'));
    assert.deepEqual(await advanceInvoice(w, INVOICE, TOKEN), { outcome: 'parked', actions: ['send_email pre-3'] });
    const failed = w.store.current(INVOICE).steps['pre-3'];
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.failures, 1);
    // Parked until the retry, five minutes later: a provider outage costs a delay, not the reminder.
    const retry = new Date(Date.parse(berlinSchedule['pre-3']) + (RETRY_DELAYS_MS[0] ?? 0)).toISOString();
    assert.equal(w.store.current(INVOICE).wait?.until, retry);
    assert.equal(retryAt(w.store.current(INVOICE), 'pre-3'), Date.parse(retry));

    w.clock.set(retry);
    w.mailer.failNext(new MailRejectedError('throttled'));
    await advanceInvoice(w, INVOICE, TOKEN);
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.failures, 2);
    const second = w.store.current(INVOICE).wait?.until ?? '';
    assert.equal(Date.parse(second) - Date.parse(retry), RETRY_DELAYS_MS[1]);

    w.clock.set(second);
    w.mailer.failNext(new MailRejectedError('throttled'));
    await advanceInvoice(w, INVOICE, TOKEN);
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.failures, MAX_STEP_FAILURES);
    // Given up: the execution sleeps until the next step instead.
    assert.equal(w.store.current(INVOICE).wait?.until, berlinSchedule['post-3']);
    assert.equal(w.mailer.sent.length, 0);
  });

  test('a send that may have reached the provider is recorded unconfirmed, never sent again, and said so in the log', async () => {
    const w = world();
    w.mailer.failNext(new Error('socket hang up'));
    await advanceInvoice(w, INVOICE, TOKEN);
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.state, 'unconfirmed');
    assert.ok(w.log.entries.some((entry) => entry.level === 'error' && entry.message.startsWith('reminder outcome unknown')));
    await advanceInvoice(w, INVOICE, TOKEN);
    assert.equal(w.mailer.sent.length, 0);
  });

  test('an invoice that changed while it was planning is resumed at once to plan again', async () => {
    const w = world(newInvoice(), berlinSchedule['pre-3']);
    // Sent already: the plan is to sleep; a payment in full lands between the plan and the arming.
    w.store.seed({ ...newInvoice(), steps: { 'pre-3': { state: 'sent', at: berlinSchedule['pre-3'] } } });
    w.store.interfereBeforeNextSave((stored) => {
      const paid = recordPayment(stored, { paymentId: 'PAY-2', amountMinor: 125_000, paidAt: berlinSchedule['pre-3'] }, new Date());
      return paid.kind === 'recorded' ? paid.invoice : stored;
    });
    const result = await advanceInvoice(w, INVOICE, TOKEN);
    assert.equal(result.outcome, 'resumed');
    assert.deepEqual(
      w.workflow.resumed.map((entry) => entry.taskToken),
      [TOKEN],
    );
  });

  test('a wake-up that sends reads the invoice from the table once; a change meanwhile still wins', async () => {
    const w = world();
    const reads = { count: 0 };
    const counting = Object.assign(Object.create(w.store) as InMemoryInvoiceStore, {
      get: async (invoiceId: string) => {
        reads.count += 1;
        return w.store.get(invoiceId);
      },
    });
    const result = await advanceInvoice({ ...w, store: counting }, INVOICE, TOKEN);
    assert.deepEqual(result.actions, ['send_email pre-3']);
    assert.equal(reads.count, 1, 'planned, checked reachability and the cap, claimed, recorded and armed on one read');

    // A payment in full lands right before the claim: the stale write is refused, the store
    // forgets what it knew, the command re-reads and re-plans — and nothing is sent.
    const paidMeanwhile = world();
    paidMeanwhile.store.interfereBeforeNextSave((stored) => {
      const paid = recordPayment(stored, { paymentId: 'PAY-3', amountMinor: 125_000, paidAt: berlinSchedule['pre-3'] }, new Date());
      return paid.kind === 'recorded' ? paid.invoice : stored;
    });
    const raced = await advanceInvoice(paidMeanwhile, INVOICE, TOKEN);
    assert.equal(paidMeanwhile.mailer.sent.filter((email) => email.step === 'pre-3').length, 0);
    assert.equal(raced.outcome, 'closed');
  });
});
