import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import type { ArchivedMessage, MessageArchive } from '#ports/message-archive.ts';
import { closeInvoice } from '#use-cases/close-invoice.ts';
import { sendReminder } from '#use-cases/send-reminder.ts';
import {
  FakeCustomerDirectory,
  FakeSecrets,
  InMemoryInvoiceStore,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

/**
 * The copy of each message sent that the console shows "as the customer saw it": written by the
 * send and close use cases once the provider accepted the message, exactly as it was handed over,
 * and never in the way of the send itself (a failing archive neither re-sends nor loses the record).
 */

const INVOICE = 'INV-2026-0001';
const linkSecret = JSON.stringify({ current: 'k1', k1: 'test-link-key-0123456789abcdef' });

/** Keeps what it is given; fails every write while `failure` is set. */
class InMemoryMessageArchive implements MessageArchive {
  readonly messages = new Map<string, ArchivedMessage>();
  failure: Error | undefined;
  puts = 0;

  async put(message: ArchivedMessage): Promise<void> {
    this.puts++;
    if (this.failure) throw this.failure;
    this.messages.set(message.messageId, structuredClone(message));
  }

  async get(messageId: string): Promise<ArchivedMessage | undefined> {
    return this.messages.get(messageId);
  }
}

function world(invoice: Invoice = newInvoice(), now: string = berlinSchedule['pre-3']) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const clock = new SettableClock(now);
  const mailer = new RecordingMailer();
  const texter = new RecordingTexter();
  const customers = new FakeCustomerDirectory();
  const log = new RecordingLog();
  const archive = new InMemoryMessageArchive();
  const links = new SignedPayLinks(new FakeSecrets({ 'link-secret': linkSecret }), 'link-secret', 'https://pay.dunwell.example/');
  return {
    store,
    mailer,
    texter,
    customers,
    log,
    archive,
    send: { store, clock, mailer, texter, links, log, customers, archive },
    close: { store, clock, mailer, texter, log, customers, archive },
  };
}

const paid = () => {
  const outcome = recordPayment(
    newInvoice(),
    { paymentId: 'PAY-1', amountMinor: 125_000, paidAt: '2026-11-20T09:00:00.000Z' },
    new Date('2026-11-20T09:00:00Z'),
  );
  assert.equal(outcome.kind, 'recorded');
  return outcome.invoice;
};

describe('archiving what was sent', () => {
  test('an email reminder is archived under its message id with the subject, HTML and text the mailer got', async () => {
    const w = world();
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    const [email] = w.mailer.sent;
    assert.ok(email);
    assert.deepEqual(w.archive.messages.get('msg-1'), {
      messageId: 'msg-1',
      channel: 'email',
      sentAt: berlinSchedule['pre-3'],
      to: 'ap@acme.example',
      subject: email.subject,
      html: email.html,
      text: email.text,
      invoiceIds: [INVOICE],
      step: 'pre-3',
    });
    assert.equal(w.store.current(INVOICE).steps['pre-3']?.messageId, 'msg-1', 'the id the timeline links it by');
  });

  test('a text is archived with exactly the text the texter got', async () => {
    const w = world();
    await w.customers.suppress(newInvoice(), {
      channel: 'email',
      address: 'ap@acme.example',
      reason: 'bounce',
      at: '2026-11-01T00:00:00Z',
    });
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    const [sms] = w.texter.sent;
    assert.ok(sms);
    assert.deepEqual(w.archive.messages.get('sms-1'), {
      messageId: 'sms-1',
      channel: 'sms',
      sentAt: berlinSchedule['pre-3'],
      to: '+4915123456789',
      text: sms.text,
      invoiceIds: [INVOICE],
      step: 'pre-3',
    });
  });

  test('the thank-you is archived too', async () => {
    const w = world(paid(), '2026-11-20T10:00:00Z');
    assert.equal(await closeInvoice(w.close, INVOICE, 'paid'), 'closed');
    const [email] = w.mailer.sent;
    const archived = w.archive.messages.get('msg-1');
    assert.equal(archived?.channel, 'email');
    assert.equal(archived?.step, 'thank-you');
    assert.equal(archived?.html, email?.html);
    assert.equal(archived?.subject, email?.subject);
  });

  test('a failing archive still records the send, says which message it lost, and a retry sends nothing', async () => {
    const w = world();
    w.archive.failure = new Error('SlowDown: reduce your request rate');
    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.archive.puts, 1);
    const stored = w.store.current(INVOICE);
    assert.equal(stored.steps['pre-3']?.state, 'sent');
    assert.equal(stored.timeline.at(-1)?.type, 'reminder.sent');
    assert.equal(stored.timeline.at(-1)?.messageId, 'msg-1');
    const logged = w.log.entries.find((entry) => entry.level === 'error');
    assert.equal(logged?.detail?.messageId, 'msg-1');
    assert.match(String(logged?.detail?.error), /SlowDown/);

    assert.equal(await sendReminder(w.send, INVOICE, 'pre-3'), 'already_done');
    assert.equal(w.mailer.attempts, 1, 'never sent twice');
    assert.equal(w.archive.puts, 1, 'and not archived again either');
  });

  test('a failing archive does not hold back the thank-you or the close', async () => {
    const w = world(paid(), '2026-11-20T10:00:00Z');
    w.archive.failure = new Error('AccessDenied');
    assert.equal(await closeInvoice(w.close, INVOICE, 'paid'), 'closed');
    const stored = w.store.current(INVOICE);
    assert.deepEqual(
      stored.timeline.slice(-2).map((event) => event.type),
      ['thank_you.sent', 'invoice.closed'],
    );
    assert.equal(w.log.entries.find((entry) => entry.level === 'error')?.detail?.messageId, 'msg-1');
    assert.equal(await closeInvoice(w.close, INVOICE, 'paid'), 'already_closed');
    assert.equal(w.mailer.attempts, 1);
  });

  test('a send the provider did not accept archives nothing', async () => {
    const w = world();
    w.mailer.failNext(new Error('socket hang up'));
    await assert.rejects(sendReminder(w.send, INVOICE, 'pre-3'), /socket hang up/);
    assert.equal(w.archive.puts, 0);
  });
});
