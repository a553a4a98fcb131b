import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Dunning never goes quiet and never starts in the past (issue 9, items 1 and 2), through the
 * HTTP API of the running pipeline with the clock advanced. The customer is in Berlin; the
 * invoice is due 2026-12-01 unless said otherwise.
 */
describe('dunning resumes after a break and starts at its present', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  const DAY = 86_400_000;

  test('a broken promise: the collector task, a firmer reminder at once, then never 14 days without one until the formal notice', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-QUIET-1' }))).status, 201);
    // pre-3, post-3 and post-14 (15 December) go as usual.
    await server.advance({ to: '2026-12-16T10:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-QUIET-1')).map((message) => message.step),
      ['pre-3', 'post-3', 'post-14'],
    );
    const promised = await server.api('POST', '/v1/invoices/INV-QUIET-1/promises', { promisedDate: '2026-12-18' });
    assert.equal(promised.status, 201);

    // Two days' grace after the 18th: broken at the end of Sunday 20 December, Berlin time. The
    // reminder waits for Monday 09:00 (08:00Z); it is tier 2's latest due step, in its firm tone.
    await server.advance({ to: '2026-12-21T08:00:00Z' });
    const afterBreak = await server.outbox('INV-QUIET-1');
    assert.deepEqual(
      afterBreak.map((message) => message.step),
      ['pre-3', 'post-3', 'post-14', 't2-post-10'],
    );
    assert.equal(afterBreak[3]?.sentAt, '2026-12-21T08:00:00.000Z');
    assert.equal(afterBreak[3]?.subject, 'Zahlung überfällig: Rechnung INV-QUIET-1');
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-QUIET-1');
    assert.deepEqual(
      tasks.body.map((task: { reason: string }) => task.reason),
      ['broken_promise'],
    );

    // Until the formal notice (day 91, 2 March), a reminder at least every 14 days: before the fix,
    // nothing at all went between 21 December and the notice.
    await server.advance({ to: '2027-03-03T00:00:00Z' });
    const messages = await server.outbox('INV-QUIET-1');
    const steps = messages.map((message) => message.step ?? '');
    assert.ok(steps.includes('t4-notice-91'), steps.join(', '));
    const sentAt = messages.slice(3).map((message) => Date.parse(message.sentAt));
    const gaps = sentAt.slice(1).map((at, index) => (at - (sentAt[index] ?? at)) / DAY);
    assert.ok(
      gaps.every((gap) => gap <= 14),
      `days between reminders: ${gaps.map((gap) => gap.toFixed(1)).join(', ')} (${steps.join(', ')})`,
    );
    const followUps = steps.filter((step) => step.startsWith('follow-up.'));
    assert.ok(followUps.length >= 4, steps.join(', '));
    // A follow-up repeats the firm reminder it follows, and is on the timeline as a sent reminder.
    const invoice = await server.api('GET', '/v1/invoices/INV-QUIET-1');
    const sent = invoice.body.timeline.filter((event: { type: string; stepId?: string }) => event.type === 'reminder.sent');
    assert.ok(sent.some((event: { stepId: string; tone: string }) => event.stepId === followUps[0] && event.tone === 'firm'));
  });

  test('an invoice that arrives 76 days overdue: one call task (the latest), one reminder, earlier steps skipped', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-16T09:30:00Z' });
    const body = invoiceBody({ invoiceId: 'INV-LATE-1', issueDate: '2026-08-01', dueDate: '2026-09-01' });
    assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);
    await server.advance({ hours: 1 });

    // Tier 2's day-38 call and tier 3's day-70 call are both past: only the day-70 call is a task.
    const tasks = await server.api('GET', '/v1/tasks?invoiceId=INV-LATE-1');
    assert.deepEqual(
      tasks.body.map((task: { stepId: string }) => task.stepId),
      ['t3-call-70'],
    );
    // Of the customer messages, only the latest due (tier 3's day-65 text).
    const messages = await server.outbox('INV-LATE-1');
    assert.deepEqual(
      messages.map((message) => [message.step, message.channel]),
      [['t3-sms-65', 'sms']],
    );
    const invoice = await server.api('GET', '/v1/invoices/INV-LATE-1');
    const skipped = invoice.body.timeline
      .filter((event: { type: string }) => event.type === 'reminder.skipped')
      .map((event: { stepId: string }) => event.stepId);
    assert.deepEqual(skipped.sort(), ['post-14', 'post-3', 'pre-3', 't2-call-38', 't2-post-31', 't2-post-50', 't3-post-61']);

    // A week on, still one task: the old call never opens later.
    await server.advance({ days: 7 });
    const later = await server.api('GET', '/v1/tasks?invoiceId=INV-LATE-1');
    assert.equal(later.body.length, 1);
  });
});
