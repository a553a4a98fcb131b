import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import { executionKey, executionKeyOfName, executionName, timerName } from '#domain/executions.ts';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import { parseKeyring, verifyPayLink } from '#domain/pay-link.ts';
import { MAX_STEP_FAILURES } from '#domain/planner.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { MailRejectedError } from '#ports/mailer.ts';
import { armTimer } from '#use-cases/arm-timer.ts';
import { closeInvoice } from '#use-cases/close-invoice.ts';
import { planInvoice } from '#use-cases/plan-invoice.ts';
import { recordSendFailure } from '#use-cases/record-send-failure.ts';
import { sendReminder } from '#use-cases/send-reminder.ts';
import { signalInvoice } from '#use-cases/signal-invoice.ts';
import { startDunning } from '#use-cases/start-dunning.ts';
import { wake } from '#use-cases/wake.ts';
import {
  FakeCustomerDirectory,
  FakeSecrets,
  FakeTimers,
  FakeWorkflow,
  InMemoryInvoiceStore,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
  StaticPayLinks,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

const INVOICE = 'INV-2026-0001';
const linkSecret = JSON.stringify({ current: 'k1', k1: 'test-link-key-0123456789abcdef' });

function paidBy(invoice: Invoice, amountMinor: number, paymentId = 'PAY-1'): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt: '2026-11-20T09:00:00.000Z' }, new Date('2026-11-20T09:00:00Z'));
  assert.equal(outcome.kind, 'recorded');
  return outcome.invoice;
}

function world(invoice: Invoice = newInvoice(), now: string = berlinSchedule['pre-3']) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const clock = new SettableClock(now);
  const mailer = new RecordingMailer();
  const texter = new RecordingTexter();
  const log = new RecordingLog();
  const links = new SignedPayLinks(new FakeSecrets({ 'link-secret': linkSecret }), 'link-secret', 'https://pay.dunwell.example/');
  const workflow = new FakeWorkflow();
  const timers = new FakeTimers();
  return {
    store,
    clock,
    mailer,
    log,
    workflow,
    timers,
    send: { store, clock, mailer, texter, links, log },
    close: { store, clock, mailer, log },
    timer: { store, clock, timers, workflow },
    start: { store, clock, workflow },
  };
}

const eventTypes = (invoice: Invoice) => invoice.timeline.map((event) => event.type);

/** The sleep id carried by the invoice's armed timer. */
function armedSleepId(timers: FakeTimers): string {
  const payload = [...timers.armed.values()].at(-1)?.payload as { sleepId?: string } | undefined;
  assert.ok(payload?.sleepId, 'a timer is armed');
  return payload.sleepId;
}

// ---------------------------------------------------------------------------------------

describe('sendReminder', () => {
  test('sends a due step once and records it as sent', async () => {
    const w = world();
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.mailer.sent.length, 1);
    const [email] = w.mailer.sent;
    assert.equal(email?.to, 'ap@acme.example');
    assert.deepEqual(email?.invoiceIds, [INVOICE]);
    assert.equal(email?.step, 'pre-3');
    assert.equal(email?.subject, `Friendly reminder: invoice ${INVOICE}`);
    const stored = w.store.current(INVOICE);
    assert.equal(stored.steps['pre-3']?.state, 'sent');
    assert.equal(stored.steps['pre-3']?.messageId, 'msg-1');
    assert.deepEqual(stored.timeline.at(-1), {
      at: berlinSchedule['pre-3'],
      type: 'reminder.sent',
      stepId: 'pre-3',
      channel: 'email',
      tone: 'friendly',
      to: 'ap@acme.example',
      messageId: 'msg-1',
      balanceMinor: 125_000,
    });
  });

  test('a second call for the same step sends nothing', async () => {
    const w = world();
    await sendReminder(w.send, INVOICE, 'pre-3');
    const versionAfterFirst = w.store.current(INVOICE).version;
    w.clock.advance(60_000);
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'already_done');
    assert.equal(w.mailer.attempts, 1);
    assert.equal(w.store.current(INVOICE).version, versionAfterFirst, 'nothing is written');
  });

  test('the email names the invoice, the balance, the due date and a working pay link', async () => {
    const w = world(newInvoice({ poNumber: 'PO-<778>' }));
    await sendReminder(w.send, INVOICE, 'pre-3');
    const [email] = w.mailer.sent;
    assert.ok(email);
    for (const part of [email.text, email.html]) {
      assert.match(part, /INV-2026-0001/);
      assert.match(part, /€1,250\.00/);
      assert.match(part, /December 1, 2026/);
    }
    assert.match(email.html, /PO-&lt;778&gt;/, 'interpolated values are escaped in HTML');
    const url = /Pay online: (\S+)/.exec(email.text)?.[1];
    assert.ok(url, 'the text has a pay link');
    assert.ok(url.startsWith('https://pay.dunwell.example/pay/'), url);
    assert.ok(email.html.includes(`href="${url}"`));
    const token = url.slice('https://pay.dunwell.example/pay/'.length);
    const check = verifyPayLink(parseKeyring(linkSecret), token, w.clock.now());
    assert.ok(check.ok);
    assert.equal(check.invoiceId, INVOICE);
    assert.ok(check.expiresAt.getTime() > Date.parse('2027-03-01T00:00:00Z'), 'the link outlives the cadence');
  });

  test('after a partial payment the reminder shows the new balance', async () => {
    const w = world(paidBy(newInvoice(), 50_000), berlinSchedule['post-3']);
    assert.equal(await sendReminder(w.send, INVOICE, 'post-3'), 'sent');
    const [email] = w.mailer.sent;
    assert.match(email?.text ?? '', /Amount due: €750\.00/);
    assert.doesNotMatch(email?.text ?? '', /1,250\.00/);
    assert.equal(w.store.current(INVOICE).timeline.at(-1)?.balanceMinor, 75_000);
  });

  test('a paid invoice gets no reminder', async () => {
    const w = world(paidBy(newInvoice(), 125_000));
    const version = w.store.current(INVOICE).version;
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'not_due');
    assert.equal(w.mailer.attempts, 0);
    assert.equal(w.store.current(INVOICE).version, version);
  });

  test('a step that is not due yet, or not the one the plan wants, is not sent', async () => {
    const w = world(newInvoice(), '2026-11-27T08:00:00Z');
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'not_due');
    w.clock.set(berlinSchedule['post-3']);
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'not_due', 'pre-3 is superseded by post-3 now');
    assert.equal(await sendReminder(w.send, INVOICE, 'no-such-step'), 'not_due');
    assert.equal(w.mailer.attempts, 0);
  });

  test('a send that supersedes older steps records them as skipped', async () => {
    const w = world(newInvoice(), '2026-12-21T10:00:00Z');
    assert.equal(await sendReminder(w.send, INVOICE, 'post-14'), 'sent');
    assert.equal(w.mailer.sent.length, 1);
    const stored = w.store.current(INVOICE);
    assert.equal(stored.steps['pre-3']?.state, 'skipped');
    assert.equal(stored.steps['post-3']?.state, 'skipped');
    assert.equal(stored.steps['post-14']?.state, 'sent');
    assert.deepEqual(
      stored.timeline.filter((event) => event.type === 'reminder.skipped').map((event) => [event.stepId, event.reason]),
      [
        ['pre-3', 'superseded'],
        ['post-3', 'superseded'],
      ],
    );
  });

  test('a customer without an email address has the step skipped, not failed', async () => {
    const w = world(newInvoice({ customer: { email: undefined } }));
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'no_address');
    assert.equal(w.mailer.attempts, 0);
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.state, 'skipped');
  });

  test('an unknown mailer failure keeps the claim: the retry records unconfirmed and sends nothing', async () => {
    const w = world();
    w.mailer.failNext(new Error('socket hang up'));
    await assert.rejects(sendReminder(w.send, INVOICE, 'pre-3'), /socket hang up/);
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.state, 'claimed');

    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'unconfirmed');
    assert.equal(w.mailer.attempts, 1, 'the retry does not call the mailer');
    assert.equal(w.mailer.sent.length, 0);
    const stored = w.store.current(INVOICE);
    assert.equal(stored.steps['pre-3']?.state, 'unconfirmed');
    assert.ok(eventTypes(stored).includes('reminder.unconfirmed'));
    assert.ok(w.log.entries.some((entry) => entry.level === 'error' && entry.detail?.stepId === 'pre-3'));

    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'already_done');
    assert.equal(w.mailer.attempts, 1);
  });

  test('a definite refusal (MailRejectedError) releases the claim, so a retry sends', async () => {
    const w = world();
    w.mailer.failNext(new MailRejectedError('throttled'));
    await assert.rejects(sendReminder(w.send, INVOICE, 'pre-3'), MailRejectedError);
    assert.equal(w.store.current(INVOICE).steps['pre-3'], undefined);
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.mailer.sent.length, 1);
  });

  test('a refusal of a step that failed before keeps its failure count', async () => {
    // Failed twice, the last time an hour ago: its retry (30 minutes after) is due.
    const failedAt = '2026-11-30T07:00:00.000Z';
    const invoice = { ...newInvoice(), steps: { 'pre-3': { state: 'failed' as const, at: failedAt, failures: 2 } } };
    const w = world(invoice);
    w.mailer.failNext(new MailRejectedError('throttled'));
    await assert.rejects(sendReminder(w.send, INVOICE, 'pre-3'), MailRejectedError);
    // The claim is released back to a failure, as of this attempt; recordSendFailure then counts it.
    assert.deepEqual(w.store.current(INVOICE).steps['pre-3'], { state: 'failed', at: berlinSchedule['pre-3'], failures: 2 });
  });

  test('a failure before the provider is called (pay link) releases the claim', async () => {
    const w = world();
    const links = new StaticPayLinks();
    links.failNext = new Error('secret unavailable');
    await assert.rejects(sendReminder({ ...w.send, links }, INVOICE, 'pre-3'), /secret unavailable/);
    assert.equal(w.store.current(INVOICE).steps['pre-3'], undefined);
    assert.equal(await sendReminder({ ...w.send, links }, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.mailer.sent.length, 1);
  });

  test('a write that lands between the check and the claim makes the check run again (partial payment)', async () => {
    const w = world();
    w.store.interfereBeforeNextSave((stored) => paidBy(stored, 50_000));
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.store.staleWrites, 1, 'the first claim was refused');
    assert.match(w.mailer.sent[0]?.text ?? '', /Amount due: €750\.00/, 'the email was built from the re-read invoice');
  });

  test('a payment that lands between the check and the claim stops the send', async () => {
    const w = world();
    w.store.interfereBeforeNextSave((stored) => paidBy(stored, 125_000));
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'not_due');
    assert.equal(w.store.staleWrites, 1);
    assert.equal(w.mailer.attempts, 0);
    assert.equal(w.store.current(INVOICE).steps['pre-3'], undefined);
  });
});

describe('planInvoice', () => {
  test('returns the planned action with the version it was planned at, writing nothing', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    const version = w.store.current(INVOICE).version;
    assert.deepEqual(await planInvoice(w.send, INVOICE), {
      type: 'sleep',
      until: berlinSchedule['pre-3'],
      nextStepId: 'pre-3',
      version,
    });
    assert.equal(w.store.current(INVOICE).version, version);
  });

  test('a claim left open by an attempt that died mid-send becomes unconfirmed, and is not sent again', async () => {
    const w = world();
    w.mailer.failNext(new Error('process killed'));
    await assert.rejects(sendReminder(w.send, INVOICE, 'pre-3'));
    w.clock.advance(60_000);
    const action = await planInvoice(w.send, INVOICE);
    const stored = w.store.current(INVOICE);
    assert.equal(stored.steps['pre-3']?.state, 'unconfirmed');
    assert.deepEqual(stored.timeline.at(-1), { at: '2026-11-30T08:01:00.000Z', type: 'reminder.unconfirmed', stepId: 'pre-3' });
    assert.deepEqual(action, { type: 'sleep', until: berlinSchedule['post-3'], nextStepId: 'post-3', version: stored.version });
  });

  test('an unknown invoice is an error', async () => {
    const w = world();
    await assert.rejects(planInvoice(w.send, 'INV-UNKNOWN'), { name: 'InvoiceNotFoundError' });
  });
});

describe('recordSendFailure', () => {
  test('counts failures of a step, and marks the last one final', async () => {
    const w = world();
    for (let attempt = 1; attempt <= MAX_STEP_FAILURES; attempt++) {
      await recordSendFailure(w.send, INVOICE, 'pre-3', 'MailRejectedError', 'throttled');
      assert.equal(w.store.current(INVOICE).steps['pre-3']?.failures, attempt);
    }
    const failures = w.store.current(INVOICE).timeline.filter((event) => event.type === 'reminder.failed');
    assert.deepEqual(
      failures.map((event) => [event.attempt, event.final]),
      [
        [1, false],
        [2, false],
        [3, true],
      ],
    );
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.detail, 'MailRejectedError: throttled');
  });

  test('a step left claimed becomes unconfirmed; a sent step is left alone', async () => {
    const w = world();
    w.mailer.failNext(new Error('timeout'));
    await assert.rejects(sendReminder(w.send, INVOICE, 'pre-3'));
    await recordSendFailure(w.send, INVOICE, 'pre-3', 'Error', 'timeout');
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.state, 'unconfirmed');

    const sent = world();
    await sendReminder(sent.send, INVOICE, 'pre-3');
    await recordSendFailure(sent.send, INVOICE, 'pre-3', 'Error', 'late');
    assert.equal(sent.store.current(INVOICE).steps['pre-3']?.state, 'sent');
  });
});

// ---------------------------------------------------------------------------------------

describe('closeInvoice', () => {
  test('a paid invoice gets one thank-you and is closed', async () => {
    const w = world(paidBy(newInvoice(), 125_000), '2026-11-20T10:00:00Z');
    assert.equal(await closeInvoice(w.close, INVOICE, 'paid'), 'closed');
    assert.equal(w.mailer.sent.length, 1);
    const [email] = w.mailer.sent;
    assert.equal(email?.to, 'ap@acme.example');
    assert.equal(email?.step, 'thank-you');
    assert.match(email?.subject ?? '', /Thank you.*INV-2026-0001/);
    assert.match(email?.text ?? '', /€1,250\.00/);
    const stored = w.store.current(INVOICE);
    assert.equal(stored.closedAt, '2026-11-20T10:00:00.000Z');
    assert.deepEqual(eventTypes(stored).slice(-2), ['thank_you.sent', 'invoice.closed']);
    assert.equal(stored.timeline.at(-1)?.reason, 'paid');
  });

  test('closing again is a no-op: no second thank-you', async () => {
    const w = world(paidBy(newInvoice(), 125_000));
    await closeInvoice(w.close, INVOICE, 'paid');
    const version = w.store.current(INVOICE).version;
    assert.equal(await closeInvoice(w.close, INVOICE, 'paid'), 'already_closed');
    assert.equal(w.mailer.attempts, 1);
    assert.equal(w.store.current(INVOICE).version, version);
  });

  test('a void invoice is closed without any message', async () => {
    const w = world({ ...newInvoice(), status: 'void' });
    assert.equal(await closeInvoice(w.close, INVOICE, 'void'), 'closed');
    assert.equal(w.mailer.attempts, 0);
    const stored = w.store.current(INVOICE);
    assert.ok(stored.closedAt);
    assert.deepEqual(stored.timeline.at(-1), { at: berlinSchedule['pre-3'], type: 'invoice.closed', reason: 'void' });
  });

  test('closing clears the parked wait, so no signal resumes a finished execution', async () => {
    const w = world(paidBy(newInvoice(), 125_000));
    await armTimer(w.timer, { invoiceId: INVOICE, until: null, taskToken: 'token-1' });
    await closeInvoice(w.close, INVOICE, 'paid');
    assert.equal(w.store.current(INVOICE).wait, undefined);
    assert.equal(await signalInvoice(w.timer, INVOICE, 'payment.received'), 'not_waiting');
  });

  test('an unknown failure of the thank-you is never followed by a second one', async () => {
    const w = world(paidBy(newInvoice(), 125_000));
    w.mailer.failNext(new Error('connection reset'));
    await assert.rejects(closeInvoice(w.close, INVOICE, 'paid'), /connection reset/);
    assert.equal(await closeInvoice(w.close, INVOICE, 'paid'), 'closed');
    assert.equal(w.mailer.attempts, 1);
    assert.equal(w.mailer.sent.length, 0);
  });
});

// ---------------------------------------------------------------------------------------

describe('armTimer, wake and signalInvoice', () => {
  test('arms the invoice timer at the planned instant, carrying the sleep id', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    const planVersion = w.store.current(INVOICE).version;
    const outcome = await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1', planVersion });
    assert.equal(outcome, 'armed');
    const wait = w.store.current(INVOICE).wait;
    assert.ok(wait);
    assert.equal(wait.taskToken, 'token-1');
    assert.equal(wait.until, berlinSchedule['pre-3']);
    assert.equal(wait.scheduleName, timerName(INVOICE, wait.sleepId));
    assert.deepEqual(w.timers.armed.get(timerName(INVOICE, wait.sleepId)), {
      at: new Date(berlinSchedule['pre-3']),
      payload: { invoiceId: INVOICE, sleepId: wait.sleepId },
    });
    assert.equal(w.workflow.resumed.length, 0);
  });

  test("a sleep with no end arms no timer, and a new sleep cancels the previous sleep's timer", async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-0' });
    const previous = w.store.current(INVOICE).wait?.scheduleName;
    assert.ok(previous);
    assert.equal(await armTimer(w.timer, { invoiceId: INVOICE, until: null, taskToken: 'token-1' }), 'armed');
    assert.equal(w.timers.armed.size, 0);
    assert.deepEqual(w.timers.cancelled, [previous]);
    assert.equal(w.store.current(INVOICE).wait?.scheduleName, null);
  });

  test('an instant already past is armed for now', async () => {
    const w = world(newInvoice(), '2026-12-01T00:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1' });
    assert.deepEqual(
      [...w.timers.armed.values()].map((timer) => timer.at),
      [new Date('2026-12-01T00:00:00Z')],
    );
  });

  test('when the invoice was paid after the plan was made, the execution resumes at once to re-plan', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    const planVersion = w.store.current(INVOICE).version;
    // The payment lands after Plan read the invoice and before the timer is armed.
    w.store.seed({ ...paidBy(w.store.current(INVOICE), 125_000), version: planVersion + 1 });
    const outcome = await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1', planVersion });
    assert.equal(outcome, 'replan');
    assert.deepEqual(w.workflow.resumed, [{ taskToken: 'token-1', output: { reason: 'changed_while_planning' } }]);
    assert.equal(w.timers.armed.size, 0);
  });

  test('a change that does not alter the plan still arms the timer', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    const planVersion = w.store.current(INVOICE).version;
    const current = w.store.current(INVOICE);
    w.store.seed({ ...current, customer: { ...current.customer, name: 'Acme AG' }, version: planVersion + 1 });
    const outcome = await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1', planVersion });
    assert.equal(outcome, 'armed');
    assert.equal(w.workflow.resumed.length, 0);
    assert.equal(w.timers.armed.size, 1);
  });

  test("the re-check plans with the customer's channels, as Plan did: a text-preferring customer's sleep stays armed", async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    const customers = new FakeCustomerDirectory();
    customers.preferences.set('C-100', 'sms');
    const policy = { ...defaultPolicy, tiers: [defaultPolicy.tiers[0]!] };
    const early = { ...policy, sendRules: { ...policy.sendRules, businessHours: { ...policy.sendRules.businessHours, start: '07:00' } } };
    w.store.seed({ ...w.store.current(INVOICE), policySnapshot: early });
    // As a text, pre-3 waits for 08:00 Berlin (07:00Z), not the 07:00 business start.
    const until = '2026-11-30T07:00:00.000Z';
    const planVersion = w.store.current(INVOICE).version;
    const current = w.store.current(INVOICE);
    w.store.seed({ ...current, customer: { ...current.customer, name: 'Acme AG' }, version: planVersion + 1 });
    const request = { invoiceId: INVOICE, until, taskToken: 'token-1', planVersion };
    assert.equal(await armTimer({ ...w.timer, customers }, request), 'armed');
    assert.equal(w.workflow.resumed.length, 0);
  });

  test('the timer firing resumes the parked execution', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1' });
    const sleepId = armedSleepId(w.timers);
    assert.equal(await wake(w.timer, INVOICE, sleepId), 'resumed');
    assert.deepEqual(w.workflow.resumed, [{ taskToken: 'token-1', output: { reason: 'timer' } }]);
  });

  test('a timer left over from an earlier sleep is ignored', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1' });
    const first = armedSleepId(w.timers);
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['post-3'], taskToken: 'token-2' });
    assert.equal(await wake(w.timer, INVOICE, first), 'stale');
    assert.equal(w.workflow.resumed.length, 0);
    assert.equal(await wake(w.timer, 'INV-UNKNOWN', first), 'stale');
  });

  test('a timer whose task is gone reports gone', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1' });
    w.workflow.goneTokens.add('token-1');
    const sleepId = armedSleepId(w.timers);
    assert.equal(await wake(w.timer, INVOICE, sleepId), 'gone');
  });

  test('a signal cancels the pending timer and resumes the execution with its reason', async () => {
    const w = world(newInvoice(), '2026-11-01T10:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-1' });
    const armed = w.store.current(INVOICE).wait?.scheduleName;
    assert.equal(await signalInvoice(w.timer, INVOICE, 'payment.received'), 'resumed');
    assert.deepEqual(w.timers.cancelled, [armed]);
    assert.equal(w.timers.armed.size, 0);
    assert.deepEqual(w.workflow.resumed, [{ taskToken: 'token-1', output: { reason: 'payment.received' } }]);
  });

  // The window: a signal reads the wait of sleep A; the execution meanwhile wakes (timer A),
  // re-plans and parks as sleep B, arming the invoice's one timer name again; then the signal
  // cancels that name (now B's timer) and resumes A's token, which is gone. B is parked with
  // no timer and no signal coming: it stays asleep until the Sleep state's 20-day timeout.
  test('a signal racing a new sleep never leaves the new sleep without a timer', async () => {
    const w = world(paidBy(newInvoice(), 10_000), '2026-11-01T10:00:00Z');
    await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-A' });
    w.timers.beforeNextCancel = async () => {
      w.workflow.goneTokens.add('token-A');
      await armTimer(w.timer, { invoiceId: INVOICE, until: berlinSchedule['pre-3'], taskToken: 'token-B' });
    };
    await signalInvoice(w.timer, INVOICE, 'payment.received');
    const sleepB = w.store.current(INVOICE).wait?.sleepId;
    const timerForB = [...w.timers.armed.values()].some((timer) => (timer.payload as { sleepId: string }).sleepId === sleepB);
    const resumedB = w.workflow.resumed.some((resume) => resume.taskToken === 'token-B');
    assert.ok(timerForB || resumedB, 'sleep B has neither a timer nor a resume');
  });

  test('a signal for an invoice that is not waiting does nothing', async () => {
    const w = world();
    assert.equal(await signalInvoice(w.timer, INVOICE, 'invoice.updated'), 'not_waiting');
    assert.equal(await signalInvoice(w.timer, 'INV-UNKNOWN', 'invoice.updated'), 'not_waiting');
    assert.equal(w.workflow.resumed.length, 0);
  });

  test('timer names are valid Scheduler names, one per invoice and sleep', () => {
    const sleep = '3f2b9c1e-8d7a-4b6c-9e5f-0a1b2c3d4e5f';
    const name = timerName(`INV-${'9'.repeat(96)}`, sleep);
    assert.match(name, /^[A-Za-z0-9_.-]{1,64}$/);
    assert.notEqual(timerName('INV.1', sleep), timerName('INV_1', sleep));
    assert.notEqual(timerName('INV-1', sleep), timerName('INV-1', '9c1e3f2b-8d7a-4b6c-9e5f-0a1b2c3d4e5f'));
  });
});

// ---------------------------------------------------------------------------------------

describe('startDunning', () => {
  test('with no execution yet, records generation 1 and starts it', async () => {
    const w = world();
    assert.equal(await startDunning(w.start, INVOICE), 'started');
    const stored = w.store.current(INVOICE);
    assert.equal(stored.execution?.generation, 1);
    assert.equal(stored.execution?.name, executionName(INVOICE, 1));
    assert.deepEqual(w.workflow.started, [{ name: executionName(INVOICE, 1), input: { invoiceId: INVOICE } }]);
    assert.deepEqual(stored.timeline.at(-1), { at: berlinSchedule['pre-3'], type: 'dunning.started', generation: 1 });
  });

  test('with a running execution, its start by name is a no-op: nothing new starts, no new generation', async () => {
    const w = world();
    await startDunning(w.start, INVOICE);
    assert.equal(await startDunning(w.start, INVOICE), 'started');
    assert.equal(w.workflow.started.length, 1);
    assert.deepEqual(w.workflow.startCalls, [executionName(INVOICE, 1), executionName(INVOICE, 1)]);
    assert.equal(w.store.current(INVOICE).execution?.generation, 1);
  });

  test('with an execution recorded but never started, starts that same name', async () => {
    const w = world();
    await startDunning(w.start, INVOICE);
    w.workflow.states.delete(executionName(INVOICE, 1));
    assert.equal(await startDunning(w.start, INVOICE), 'started');
    assert.deepEqual(
      w.workflow.started.map((start) => start.name),
      [executionName(INVOICE, 1), executionName(INVOICE, 1)],
    );
    assert.equal(w.store.current(INVOICE).execution?.generation, 1);
  });

  test('with the execution ended but the invoice open, starts generation 2 (two start calls, no describe)', async () => {
    const w = world();
    await startDunning(w.start, INVOICE);
    w.workflow.states.set(executionName(INVOICE, 1), 'ended');
    assert.equal(await startDunning(w.start, INVOICE), 'started');
    assert.equal(w.store.current(INVOICE).execution?.generation, 2);
    assert.deepEqual(w.workflow.started.at(-1), { name: executionName(INVOICE, 2), input: { invoiceId: INVOICE } });
    assert.deepEqual(w.workflow.startCalls.slice(1), [executionName(INVOICE, 1), executionName(INVOICE, 2)]);
  });

  test('a generation another starter recorded and whose execution already ended fails the start, for a retry to take the next', async () => {
    const w = world();
    await startDunning(w.start, INVOICE);
    // The recorded generation 1 ended, and so did a generation 2 someone started but this read missed.
    w.workflow.states.set(executionName(INVOICE, 1), 'ended');
    w.workflow.states.set(executionName(INVOICE, 2), 'ended');
    await assert.rejects(startDunning(w.start, INVOICE), /ended before this start/);
    assert.equal(await startDunning(w.start, INVOICE), 'started');
    assert.equal(w.store.current(INVOICE).execution?.generation, 3);
  });

  test("an execution's key is its name less the generation, and the same for every generation", () => {
    for (const id of ['INV-2026-0001', 'INV.1', `I${'x'.repeat(99)}`, 'INV-g12']) {
      assert.equal(executionKeyOfName(executionName(id, 1)), executionKey(id));
      assert.equal(executionKeyOfName(executionName(id, 37)), executionKey(id));
    }
    assert.notEqual(executionKey('INV.1'), executionKey('INV_1'));
  });

  test('a closed invoice is not started', async () => {
    const w = world({ ...newInvoice(), closedAt: '2026-11-20T00:00:00.000Z' });
    assert.equal(await startDunning(w.start, INVOICE), 'closed');
    assert.equal(w.workflow.started.length, 0);
  });

  test('execution names are valid Step Functions names and keep distinct ids distinct', () => {
    for (const id of ['INV-2026-0001', 'INV.1', `I${'x'.repeat(99)}`]) {
      assert.match(executionName(id, 12), /^[A-Za-z0-9_-]{1,80}$/);
    }
    assert.notEqual(executionName('INV.1', 1), executionName('INV_1', 1));
    assert.notEqual(executionName(INVOICE, 1), executionName(INVOICE, 2));
    assert.equal(executionName(INVOICE, 1), executionName(INVOICE, 1));
  });
});
