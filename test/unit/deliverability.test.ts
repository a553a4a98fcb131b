import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import { applyFeedback, type EmailFeedback } from '#domain/deliverability.ts';
import { startPaymentPlan } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { recordPayment } from '#domain/invoice.ts';
import { stepSettled } from '#domain/planner.ts';
import { defaultHoldRules } from '#domain/policy.ts';
import { closeInvoice } from '#use-cases/close-invoice.ts';
import { FeedbackTooEarlyError, recordEmailFeedback } from '#use-cases/record-email-feedback.ts';
import { sendReminder } from '#use-cases/send-reminder.ts';
import {
  FakeCustomerDirectory,
  FakeSecrets,
  InMemoryInvoiceStore,
  RecordingEvents,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

const INVOICE = 'INV-2026-0001';
const linkSecret = JSON.stringify({ current: 'k1', k1: 'test-link-key-0123456789abcdef' });

function world(invoice: Invoice = newInvoice(), now: string = berlinSchedule['pre-3']) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const clock = new SettableClock(now);
  const mailer = new RecordingMailer();
  const texter = new RecordingTexter();
  const customers = new FakeCustomerDirectory();
  const events = new RecordingEvents();
  const log = new RecordingLog();
  const links = new SignedPayLinks(new FakeSecrets({ 'link-secret': linkSecret }), 'link-secret', 'https://pay.dunwell.example/');
  const released: [string, string][] = [];
  const ledger = {
    release: async (customerId: string, entryId: string) => {
      released.push([customerId, entryId]);
    },
  };
  return {
    released,
    store,
    clock,
    mailer,
    texter,
    customers,
    events,
    send: { store, clock, mailer, texter, links, log, customers },
    feedback: { store, clock, customers, events, log, ledger },
  };
}

const feedback = (overrides: Partial<EmailFeedback>): EmailFeedback => ({
  kind: 'bounced',
  bounceType: 'permanent',
  messageId: 'msg-1',
  occurredAt: '2026-11-30T08:01:00.000Z',
  recipients: ['ap@acme.example'],
  invoiceIds: [INVOICE],
  stepId: 'pre-3',
  ...overrides,
});

describe('email feedback', () => {
  test('a hard bounce of the latest reminder suppresses the address, reopens the step and wakes the execution', async () => {
    const w = world();
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    const messageId = (await w.store.get(INVOICE))?.steps['pre-3']?.messageId;
    const sentClaim = (await w.store.get(INVOICE))?.steps['pre-3']?.claimId;
    assert.ok(messageId && sentClaim);

    assert.equal(await recordEmailFeedback(w.feedback, feedback({ messageId })), 'recorded');
    const invoice = await w.store.get(INVOICE);
    assert.ok(invoice);
    assert.equal(invoice.steps['pre-3']?.state, 'failed');
    assert.equal(stepSettled(invoice, 'pre-3'), false, 'the planner offers it again');
    assert.deepEqual(
      invoice.timeline.slice(-2).map((event) => event.type),
      ['email.bounced', 'reminder.undelivered'],
    );
    assert.deepEqual(
      w.customers.suppressions.map(({ channel, address, reason }) => [channel, address, reason]),
      [['email', 'ap@acme.example', 'bounce']],
    );
    assert.deepEqual(
      w.events.published.map((event) => event.detailType),
      ['invoice.changed'],
    );
    assert.deepEqual(w.released, [['C-100', sentClaim]], 'the bounced send gives its place under the cap back');

    // The step goes again, by SMS now: the address is suppressed.
    w.clock.set('2026-12-01T08:00:00Z');
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.mailer.sent.length, 1);
    assert.deepEqual(
      w.texter.sent.map((text) => text.step),
      ['pre-3'],
    );
  });

  test('the same event twice is recorded once; a transient bounce and a delivery suppress nothing', async () => {
    const w = world();
    await sendReminder(w.send, INVOICE, 'pre-3');
    const messageId = (await w.store.get(INVOICE))?.steps['pre-3']?.messageId ?? '';
    await recordEmailFeedback(w.feedback, feedback({ messageId, kind: 'delivered', bounceType: undefined }));
    await recordEmailFeedback(w.feedback, feedback({ messageId, kind: 'delivered', bounceType: undefined }));
    await recordEmailFeedback(w.feedback, feedback({ messageId, bounceType: 'transient' }));
    const invoice = await w.store.get(INVOICE);
    assert.deepEqual(
      invoice?.timeline.filter((event) => event.type.startsWith('email.')).map((event) => [event.type, event.bounceType]),
      [
        ['email.delivered', undefined],
        ['email.bounced', 'transient'],
      ],
    );
    assert.equal(invoice?.steps['pre-3']?.state, 'sent');
    assert.deepEqual(w.customers.suppressions, []);
    assert.deepEqual(w.events.published, []);
  });

  test('a complaint suppresses the address but does not re-send what was delivered', async () => {
    const w = world();
    await sendReminder(w.send, INVOICE, 'pre-3');
    const messageId = (await w.store.get(INVOICE))?.steps['pre-3']?.messageId ?? '';
    await recordEmailFeedback(w.feedback, feedback({ messageId, kind: 'complained', bounceType: undefined }));
    assert.equal((await w.store.get(INVOICE))?.steps['pre-3']?.state, 'sent');
    assert.deepEqual(
      w.customers.suppressions.map((entry) => entry.reason),
      ['complaint'],
    );
  });

  test('a bounce of an older message, once a later reminder went out, is recorded without re-sending', () => {
    const base = newInvoice();
    const invoice: Invoice = {
      ...base,
      steps: {
        'pre-3': { state: 'sent', at: '2026-11-30T08:00:00.000Z', messageId: 'old' },
        'post-3': { state: 'sent', at: '2026-12-04T08:00:00.000Z', messageId: 'new' },
      },
    };
    const change = applyFeedback(invoice, feedback({ messageId: 'old' }), new Date('2026-12-04T09:00:00Z'));
    assert.equal(change?.resend, false);
    assert.equal(change?.invoice.steps['pre-3']?.state, 'sent');
    assert.equal(change?.invoice.timeline.at(-1)?.type, 'email.bounced');
  });

  test("a combined message's bounce reopens each invoice's own step, found by the message id", () => {
    const companion: Invoice = {
      ...newInvoice({ invoiceId: 'INV-2' }),
      steps: { 'post-3': { state: 'sent', at: '2026-11-30T08:00:00.000Z', messageId: 'combined' } },
    };
    const change = applyFeedback(companion, feedback({ messageId: 'combined', stepId: 'pre-3' }), new Date('2026-11-30T09:00:00Z'));
    assert.equal(change?.resend, true);
    assert.equal(change?.invoice.steps['post-3']?.state, 'failed');
    assert.equal(change?.invoice.timeline.find((event) => event.type === 'email.bounced')?.stepId, 'post-3');
  });

  test('a delivery event for a step whose outcome was unknown confirms it was sent', () => {
    const invoice: Invoice = {
      ...newInvoice(),
      steps: { 'pre-3': { state: 'unconfirmed', at: '2026-11-30T08:00:00.000Z', claimId: 'c-1' } },
    };
    const change = applyFeedback(
      invoice,
      feedback({ kind: 'delivered', bounceType: undefined, messageId: 'lost-response' }),
      new Date('2026-11-30T08:00:05Z'),
    );
    assert.deepEqual(change?.invoice.steps['pre-3'], {
      state: 'sent',
      at: '2026-11-30T08:00:00.000Z',
      claimId: 'c-1',
      messageId: 'lost-response',
    });
    assert.deepEqual(
      change?.invoice.timeline.slice(-2).map((event) => event.type),
      ['email.delivered', 'reminder.confirmed'],
    );
    assert.equal(change?.resend, false);
  });

  test('the delivery event that confirmed an unconfirmed step, delivered again (at least once), changes nothing', () => {
    const invoice: Invoice = {
      ...newInvoice(),
      steps: { 'pre-3': { state: 'unconfirmed', at: '2026-11-30T08:00:00.000Z', claimId: 'c-1' } },
    };
    const delivered = feedback({ kind: 'delivered', bounceType: undefined, messageId: 'crashed-send' });
    const confirmed = applyFeedback(invoice, delivered, new Date('2026-11-30T08:00:05Z'));
    assert.ok(confirmed);
    assert.equal(applyFeedback(confirmed.invoice, delivered, new Date('2026-12-01T09:00:00Z')), null);
  });

  test('an event that arrives before its send was recorded is retried, and then acted on', async () => {
    const w = world();
    const claimed: Invoice = { ...newInvoice(), steps: { 'pre-3': { state: 'claimed', at: '2026-11-30T08:00:00.000Z', claimId: 'c-1' } } };
    w.store.seed(claimed);
    await assert.rejects(recordEmailFeedback(w.feedback, feedback({ messageId: 'ses-early' })), FeedbackTooEarlyError);
    assert.deepEqual(
      (await w.store.get(INVOICE))?.timeline.filter((event) => event.type.startsWith('email.')),
      [],
      'nothing recorded that a retry would then skip',
    );
    // The send is recorded; EventBridge's retry now reopens the step.
    const current = await w.store.get(INVOICE);
    assert.ok(current);
    w.store.seed({
      ...current,
      steps: { 'pre-3': { state: 'sent', at: '2026-11-30T08:00:00.000Z', claimId: 'c-1', messageId: 'ses-early' } },
    });
    await recordEmailFeedback(w.feedback, feedback({ messageId: 'ses-early' }));
    assert.equal((await w.store.get(INVOICE))?.steps['pre-3']?.state, 'failed');
    assert.deepEqual(w.released, [['C-100', 'c-1']]);
  });

  test('a retry after a failed follow-up (the ledger, the bus) does the follow-up again', async () => {
    const w = world();
    w.store.seed({
      ...newInvoice(),
      steps: { 'pre-3': { state: 'sent', at: '2026-11-30T08:00:00.000Z', claimId: 'c-1', messageId: 'm-1' } },
    });
    const failing = { ...w.feedback, ledger: { release: async () => Promise.reject(new Error('throttled')) } };
    await assert.rejects(recordEmailFeedback(failing, feedback({ messageId: 'm-1' })), /throttled/);
    assert.equal(w.events.published.length, 0);
    await recordEmailFeedback(w.feedback, feedback({ messageId: 'm-1' }));
    assert.deepEqual(w.released, [['C-100', 'c-1']]);
    assert.deepEqual(
      w.events.published.map((event) => event.detailType),
      ['invoice.changed'],
    );
    assert.equal((await w.store.get(INVOICE))?.timeline.filter((event) => event.type === 'email.bounced').length, 1);
  });

  test('feedback for invoices that do not exist is ignored, not retried forever', async () => {
    const w = world();
    assert.equal(await recordEmailFeedback(w.feedback, feedback({ invoiceIds: ['INV-NOPE'] })), 'unknown_invoice');
    assert.deepEqual(w.customers.suppressions, []);
  });
});

describe('send-time channel choice', () => {
  test('a suppressed email address moves the reminder to SMS; the carrier opt-out list is asked only for SMS', async () => {
    const w = world();
    await w.customers.suppress(newInvoice(), {
      channel: 'email',
      address: 'AP@acme.example',
      reason: 'bounce',
      at: '2026-11-01T00:00:00Z',
    });
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.deepEqual(w.mailer.sent, []);
    assert.equal(w.texter.sent.length, 1);
    assert.deepEqual(w.texter.optOutChecks, ['+4915123456789']);
  });

  test('an opt-out list that does not answer does not stop the text (the provider enforces its list itself)', async () => {
    const w = world();
    await w.customers.suppress(newInvoice(), {
      channel: 'email',
      address: 'ap@acme.example',
      reason: 'bounce',
      at: '2026-11-01T00:00:00Z',
    });
    w.texter.failOptOutCheck = new Error('socket hang up');
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.texter.sent.length, 1);
  });

  test('a customer who prefers texts gets installment reminders by SMS, naming the installment', async () => {
    const agreed = startPaymentPlan(
      newInvoice(),
      'PLN.INV-2026-0001.1',
      [
        { dueDate: '2026-12-10', amountMinor: 62_500 },
        { dueDate: '2027-01-10', amountMinor: 62_500 },
      ],
      new Date('2026-11-20T10:00:00Z'),
      defaultHoldRules,
    );
    assert.equal(agreed.kind, 'ok');
    if (agreed.kind !== 'ok') return;
    const w = world(agreed.invoice, '2026-12-07T08:00:00Z');
    w.customers.preferences.set('C-100', 'sms');
    assert.equal(await sendReminder(w.send, INVOICE, 'plan.PLN.INV-2026-0001.1.1'), 'sent');
    assert.deepEqual(w.mailer.sent, []);
    assert.match(w.texter.sent[0]?.text ?? '', /625[.,]00 EUR/);
    assert.match(w.texter.sent[0]?.text ?? '', /2026-12-10|10\.12\.2026|10\/12\/2026/);
  });

  test('an email with a usable address never asks the SMS opt-out list', async () => {
    const w = world();
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.deepEqual(w.texter.optOutChecks, []);
  });

  test('a number on the opt-out list is recorded once and, with email suppressed too, the step is handed to a collector', async () => {
    const w = world();
    w.texter.optedOutNumbers.add('+4915123456789');
    await w.customers.suppress(newInvoice(), {
      channel: 'email',
      address: 'ap@acme.example',
      reason: 'complaint',
      at: '2026-11-01T00:00:00Z',
    });
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'no_consent');
    const invoice = await w.store.get(INVOICE);
    assert.equal(invoice?.steps['pre-3']?.state, 'skipped');
    assert.deepEqual(
      invoice?.timeline.filter((event) => event.type === 'sms.opted_out' || event.type === 'reminder.skipped').map((event) => event.type),
      ['sms.opted_out', 'reminder.skipped'],
    );
    assert.equal(invoice?.timeline.find((event) => event.type === 'reminder.skipped')?.reason, 'email_complained');
    assert.deepEqual(
      w.customers.suppressions.map((entry) => [entry.channel, entry.reason]),
      [
        ['email', 'complaint'],
        ['sms', 'sms_opt_out'],
      ],
    );
    assert.deepEqual(w.texter.sent, []);
    assert.deepEqual(w.mailer.sent, []);
  });
});

describe("the thank-you follows the customer's channels", () => {
  const paid = () => {
    const outcome = recordPayment(
      newInvoice(),
      { paymentId: 'PAY-1', amountMinor: 125_000, paidAt: '2026-11-20T09:00:00.000Z' },
      new Date('2026-11-20T09:00:00Z'),
    );
    assert.equal(outcome.kind, 'recorded');
    return outcome.kind === 'recorded' ? outcome.invoice : newInvoice();
  };
  const closing = (w: ReturnType<typeof world>) => ({
    store: w.store,
    clock: w.clock,
    mailer: w.mailer,
    texter: w.texter,
    customers: w.customers,
    log: w.send.log,
  });

  test('a customer who turned email off gets the thank-you by text, once', async () => {
    const w = world(paid(), '2026-11-20T10:00:00Z');
    w.customers.consents.set('C-100', { email: false, sms: true });
    assert.equal(await closeInvoice(closing(w), INVOICE, 'paid'), 'closed');
    assert.deepEqual(w.mailer.sent, []);
    assert.equal(w.texter.sent.length, 1);
    assert.match(w.texter.sent[0]?.text ?? '', /^Thank you: we received 1250\.00 EUR for invoice INV-2026-0001\. It is paid in full\.$/);
    assert.equal(w.texter.sent[0]?.step, 'thank-you');
    const event = (await w.store.get(INVOICE))?.timeline.find((entry) => entry.type === 'thank_you.sent');
    assert.equal(event?.channel, 'sms');
    assert.equal(await closeInvoice(closing(w), INVOICE, 'paid'), 'already_closed');
    assert.equal(w.texter.sent.length, 1);
  });

  test('a customer email cannot reach and who replied STOP gets none, and the timeline says why', async () => {
    const w = world(paid(), '2026-11-20T10:00:00Z');
    await w.customers.suppress(newInvoice(), {
      channel: 'email',
      address: 'ap@acme.example',
      reason: 'complaint',
      at: '2026-11-01T00:00:00Z',
    });
    w.texter.optedOutNumbers.add('+4915123456789');
    await closeInvoice(closing(w), INVOICE, 'paid');
    assert.deepEqual(w.mailer.sent, []);
    assert.deepEqual(w.texter.sent, []);
    const skipped = (await w.store.get(INVOICE))?.timeline.find((entry) => entry.type === 'thank_you.skipped');
    assert.equal(skipped?.reason, 'email_complained');
    assert.deepEqual(
      w.customers.suppressions.map((entry) => entry.reason),
      ['complaint', 'sms_opt_out'],
    );
  });

  test('by default the thank-you is an email (it carries the receipt), even for a customer reached by text before', async () => {
    const w = world(paid(), '2026-11-20T10:00:00Z');
    await closeInvoice(closing(w), INVOICE, 'paid');
    assert.equal(w.mailer.sent.length, 1);
    assert.deepEqual(w.texter.sent, []);
  });
});
