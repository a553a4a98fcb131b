import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The lifecycle of one invoice through the running local pipeline: HTTP in, the real state
 * machine, timers fired by the virtual clock, email out through SES (local).
 */
describe('reminder lifecycle', () => {
  // Each story gets its own pipeline (own data folder, own clock).
  let server: LocalServer;
  const boot = async (clockStart: string) => {
    server = await LocalServer.start({ clockStart });
  };
  afterEach(() => server.stop());

  test('an unpaid invoice gets its tier-1 reminders at 09:00 local time on business days, each once', async () => {
    await boot('2026-11-01T00:00:00Z');
    const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-SEQ-1' }));
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/v1/invoices/INV-SEQ-1');
    assert.equal(created.body.balance, '1250.00');
    // Berlin is UTC+1 in winter; due-3 is Saturday 28 Nov, so pre-3 waits for Monday 09:00 (08:00Z).
    assert.deepEqual(created.body.nextAction, { type: 'email', at: '2026-11-30T08:00:00.000Z', stepId: 'pre-3' });

    await server.advance({ to: '2026-11-30T07:59:00Z' });
    assert.equal((await server.outbox('INV-SEQ-1')).length, 0, 'nothing before the first step is due, not on a weekend');

    await server.advance({ to: '2026-12-31T00:00:00Z' });
    const sent = await server.outbox('INV-SEQ-1');
    assert.deepEqual(
      sent.map((message) => [message.step, message.sentAt, message.to]),
      [
        ['pre-3', '2026-11-30T08:00:00.000Z', 'ap@acme.example'],
        ['post-3', '2026-12-04T08:00:00.000Z', 'ap@acme.example'],
        ['post-14', '2026-12-15T08:00:00.000Z', 'ap@acme.example'],
        // Tier 2 starts on 1 January, a holiday: its first step waits for Monday 4 January, 20
        // days after post-14, so a follow-up of post-14 goes halfway (24 December; the 25th is a holiday).
        ['follow-up.post-14.2026-12-24', '2026-12-24T08:00:00.000Z', 'ap@acme.example'],
      ],
    );
    const [beforeDue, afterDue, firm, followUp] = sent;
    assert.equal(beforeDue?.subject, 'Freundliche Erinnerung: Rechnung INV-SEQ-1');
    assert.equal(afterDue?.subject, 'Freundliche Erinnerung: Rechnung INV-SEQ-1 ist überfällig');
    assert.equal(firm?.subject, 'Zahlung überfällig: Rechnung INV-SEQ-1');
    assert.equal(followUp?.subject, 'Zahlung überfällig: Rechnung INV-SEQ-1', 'in the tone of the step it follows up');
    for (const message of sent) {
      assert.match(message.text, /INV-SEQ-1/);
      assert.match(message.text, /1\.250,00\s€/, 'amount due in the customer locale');
      assert.match(message.text, /1\. Dezember 2026/, 'due date in the customer locale');
      assert.match(message.text, new RegExp(`${server.url}/pay/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`));
      assert.match(message.html ?? '', /href="http:\/\/127\.0\.0\.1:\d+\/pay\//);
    }

    const invoice = await server.api('GET', '/v1/invoices/INV-SEQ-1');
    assert.equal(invoice.status, 200);
    assert.equal(invoice.body.status, 'open');
    // Day 31 past due: the invoice moves to tier 2, whose first step is a personal email (New
    // Year's Day is a holiday in Germany: Monday 4 January).
    assert.deepEqual(invoice.body.nextAction, { type: 'email', at: '2027-01-04T08:00:00.000Z', stepId: 't2-post-31' });
    assert.equal(invoice.body.policy.tier, 1);
    const types = invoice.body.timeline.map((event: { type: string }) => event.type);
    // SES reports each delivery after the send was recorded (the configuration set's events).
    assert.deepEqual(types, [
      'invoice.received',
      'dunning.started',
      'reminder.sent',
      'email.delivered',
      'reminder.sent',
      'email.delivered',
      'reminder.sent',
      'email.delivered',
      'reminder.sent',
      'email.delivered',
    ]);
  });

  test('the pay link in a reminder opens the (placeholder) page for that invoice only', async () => {
    await boot('2026-11-01T00:00:00Z');
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-LINK-1', dueDate: '2026-12-20' }));
    await server.advance({ to: '2026-12-17T08:00:00Z' });
    const [reminder] = await server.outbox('INV-LINK-1');
    const link = /(http:\/\/\S+\/pay\/\S+)/.exec(reminder?.text ?? '')?.[1];
    assert.ok(link, 'reminder has a pay link');
    const page = await fetch(link);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Rechnung INV-LINK-1/);
    assert.match(html, /1\.250,00/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');

    const tampered = await fetch(link.replace(/.$/, (char) => (char === 'A' ? 'B' : 'A')));
    assert.equal(tampered.status, 404);
    assert.doesNotMatch(await tampered.text(), /INV-LINK-1/);
  });

  test('a payment mid-sequence sends one thank-you at once and stops every later reminder', async () => {
    await boot('2026-12-15T00:00:00Z');
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-PAY-1', dueDate: '2027-01-15', issueDate: '2026-12-15' }));
    await server.advance({ to: '2027-01-12T08:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-PAY-1')).map((m) => m.step),
      ['pre-3'],
    );

    await server.advance({ to: '2027-01-16T10:00:00Z' });
    const paid = await server.api('POST', '/v1/invoices/INV-PAY-1/payments', {
      paymentId: 'PAY-1',
      amount: '1250.00',
      paidAt: '2027-01-16T09:30:00Z',
    });
    assert.equal(paid.status, 201);
    assert.equal(paid.body.invoice.status, 'paid');
    assert.equal(paid.body.invoice.balance, '0.00');

    await server.advance({ hours: 0 });
    const afterPayment = await server.outbox('INV-PAY-1');
    assert.deepEqual(
      afterPayment.map((m) => m.step),
      ['pre-3', 'thank-you'],
    );
    assert.equal(afterPayment[1]?.sentAt, '2027-01-16T10:00:00.000Z', 'the thank-you goes out at once, not at the next timer');
    assert.equal(afterPayment[1]?.subject, 'Vielen Dank für Ihre Zahlung: Rechnung INV-PAY-1');

    await server.advance({ days: 60 });
    assert.deepEqual(
      (await server.outbox('INV-PAY-1')).map((m) => m.step),
      ['pre-3', 'thank-you'],
      'nothing after payment, ever',
    );
    const invoice = await server.api('GET', '/v1/invoices/INV-PAY-1');
    assert.equal(invoice.body.status, 'paid');
    assert.equal(invoice.body.nextAction, null);
    assert.deepEqual(invoice.body.timeline.map((e: { type: string }) => e.type).slice(-5), [
      'payment.received',
      'invoice.paid',
      'thank_you.sent',
      'invoice.closed',
      'email.delivered',
    ]);
  });

  test('a partial payment lowers the balance shown in the next reminder', async () => {
    await boot('2027-03-01T00:00:00Z');
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-PART-1', issueDate: '2027-03-01', dueDate: '2027-04-01' }));
    // pre-3 falls on Easter Monday (29 March 2027), a holiday in Germany: it goes Tuesday 09:00.
    await server.advance({ to: '2027-03-30T12:00:00Z' });
    const partial = await server.api('POST', '/v1/invoices/INV-PART-1/payments', {
      paymentId: 'PAY-P1',
      amount: '250.00',
      paidAt: '2027-03-30T12:00:00Z',
    });
    assert.equal(partial.status, 201);
    assert.equal(partial.body.invoice.balance, '1000.00');
    // post-3 falls on Sunday 4 April: it goes out Monday 09:00 (07:00Z, summer time).
    await server.advance({ to: '2027-04-06T00:00:00Z' });
    const messages = await server.outbox('INV-PART-1');
    assert.deepEqual(
      messages.map((m) => m.step),
      ['pre-3', 'post-3'],
    );
    assert.match(messages[0]?.text ?? '', /1\.250,00\s€/);
    assert.match(messages[1]?.text ?? '', /1\.000,00\s€/);
    assert.doesNotMatch(messages[1]?.text ?? '', /1\.250,00/);
  });

  test('an invoice that arrives long overdue gets only its latest step, not a burst', async () => {
    await boot('2027-05-04T08:00:00Z');
    const now = await server.advance({ hours: 1 });
    const due = new Date(Date.parse(now) - 20 * 86_400_000).toISOString().slice(0, 10);
    const issue = new Date(Date.parse(now) - 50 * 86_400_000).toISOString().slice(0, 10);
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-LATE-1', issueDate: issue, dueDate: due }));
    await server.advance({ hours: 1 });
    assert.deepEqual(
      (await server.outbox('INV-LATE-1')).map((m) => m.step),
      ['post-14'],
    );
    const invoice = await server.api('GET', '/v1/invoices/INV-LATE-1');
    const skipped = invoice.body.timeline
      .filter((e: { type: string }) => e.type === 'reminder.skipped')
      .map((e: { stepId: string }) => e.stepId);
    assert.deepEqual(skipped, ['pre-3', 'post-3']);
  });
});
