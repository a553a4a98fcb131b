import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * One customer, several invoices: reminders due at once go out as one message listing them
 * all, and the customer gets at most one message a day and three a week across their invoices.
 */
describe('several invoices of one customer', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  const customerMessages = async () => (await server.outbox()).filter((message) => message.to === 'ap@acme.example');

  const assertCap = (sent: { sentAt: string }[]) => {
    const days = sent.map((message) => message.sentAt.slice(0, 10));
    assert.equal(new Set(days).size, days.length, `at most one message a day: ${days.join(', ')}`);
    for (const message of sent) {
      const at = Date.parse(message.sentAt);
      const inWeek = sent.filter((other) => Date.parse(other.sentAt) > at - 7 * 86_400_000 && Date.parse(other.sentAt) <= at);
      assert.ok(inWeek.length <= 3, `at most three in the week ending ${message.sentAt}`);
    }
  };

  test('three invoices due together: each reminder is one message listing all three', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const ids = ['INV-CAP-1', 'INV-CAP-2', 'INV-CAP-3'];
    for (const invoiceId of ids) assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }))).status, 201);
    await server.advance({ to: '2026-12-31T00:00:00Z' });
    const sent = await customerMessages();
    assert.deepEqual(
      sent.map((message) => [message.step, message.sentAt, [...(message.invoiceIds ?? [])].sort()]),
      [
        ['pre-3', '2026-11-30T08:00:00.000Z', ids],
        ['post-3', '2026-12-04T08:00:00.000Z', ids],
        ['post-14', '2026-12-15T08:00:00.000Z', ids],
        // Tier 2's first step waits for 4 January (1 January is a holiday): 20 days of silence,
        // so a follow-up halfway, on 24 December (the 25th is a holiday) — combined too.
        ['follow-up.post-14.2026-12-24', '2026-12-24T08:00:00.000Z', ids],
      ],
    );
    const [first] = sent;
    assert.equal(first?.subject, 'Freundliche Erinnerung: 3 Rechnungen werden fällig');
    for (const invoiceId of ids) {
      assert.match(
        first?.text ?? '',
        new RegExp(`Rechnung ${invoiceId}: 1\\.250,00\\s€, fällig am 1\\. Dezember 2026\\nOnline bezahlen: http://\\S+/pay/\\S+`),
      );
      const invoice = await server.api('GET', `/v1/invoices/${invoiceId}`);
      const reminders = invoice.body.timeline.filter((event: { type: string }) => event.type === 'reminder.sent');
      assert.equal(reminders.length, 4, `${invoiceId} records each reminder once`);
      assert.deepEqual([...reminders[0].combinedWith].sort(), ids);
    }
    assertCap(sent);
    assert.deepEqual(await server.deadLetters(), []);
  });

  test('a combined message names its lead invoice and all its invoices in the outbox', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const ids = ['INV-LEAD-1', 'INV-LEAD-2'];
    for (const invoiceId of ids) assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }))).status, 201);
    await server.advance({ to: '2026-12-01T00:00:00Z' });
    const sent = await customerMessages();
    assert.deepEqual(
      sent.map((message) => [message.channel, message.step]),
      [['email', 'pre-3']],
      'one combined message',
    );
    const [message] = sent;
    assert.deepEqual([...(message?.invoiceIds ?? [])].sort(), ids);
    assert.ok(message?.invoiceId, 'the combined message carries invoiceId too');
    assert.equal(message.invoiceId, message.invoiceIds?.[0], 'invoiceId is the lead invoice, the first of invoiceIds');
    // Filtering by invoiceId matches the lead and every other invoice of the message.
    for (const invoiceId of ids) {
      assert.deepEqual(
        (await server.outbox(invoiceId)).map((entry) => entry.messageId),
        [message.messageId],
      );
    }
  });

  test('invoices due on different days: at most one message a day and three a week, nothing sent twice', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const dueDates = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
    for (const [index, dueDate] of dueDates.entries()) {
      await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: `INV-SPREAD-${index + 1}`, dueDate }));
    }
    await server.advance({ to: '2026-12-31T00:00:00Z' });
    const sent = await customerMessages();
    assertCap(sent);
    for (const [index] of dueDates.entries()) {
      const invoiceId = `INV-SPREAD-${index + 1}`;
      const invoice = await server.api('GET', `/v1/invoices/${invoiceId}`);
      const steps = invoice.body.timeline
        .filter((event: { type: string }) => event.type === 'reminder.sent')
        .map((event: { stepId: string }) => event.stepId);
      assert.equal(new Set(steps).size, steps.length, `${invoiceId} never gets a step twice: ${steps.join(', ')}`);
      assert.ok(steps.length >= 2, `${invoiceId} keeps being reminded: ${steps.join(', ')}`);
    }
    assert.deepEqual(await server.deadLetters(), []);
  });
});

describe('the next action an invoice shows', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  test('counts the frequency cap across the customer and the channel their addresses allow', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    // Due 1 Dec: pre-3 goes Mon 30 Nov 08:00Z. A second invoice due 2 Dec, arriving at noon, wants
    // its pre-3 at once (29 Nov is a Sunday, so it is already overdue).
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-NEXT-1' }));
    await server.advance({ to: '2026-11-30T12:00:00Z' });
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-NEXT-2', dueDate: '2026-12-02' }));
    const second = await server.api('GET', '/v1/invoices/INV-NEXT-2');
    // The customer already got a message today: the cap moves it to the next business morning.
    assert.deepEqual(second.body.nextAction, { type: 'email', at: '2026-12-01T08:00:00.000Z', stepId: 'pre-3' });
    await server.advance({ to: '2026-12-01T12:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-NEXT-2')).map((message) => [message.step, message.sentAt]),
      [['pre-3', '2026-12-01T08:00:00.000Z']],
      'the view told the truth',
    );

    // The customer marks the mail as spam: the next reminder is shown going by SMS.
    const [sent] = await server.outbox('INV-NEXT-1');
    assert.ok(sent);
    await server.local('POST', '/_local/ses/feedback', { messageId: sent.messageId, type: 'complaint' });
    const first = await server.api('GET', '/v1/invoices/INV-NEXT-1');
    assert.equal(first.body.nextAction.type, 'sms');
    assert.equal(first.body.nextAction.stepId, 'post-3');
  });
});
