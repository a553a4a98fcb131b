import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/** At most one message a day and three a week per customer, across all their invoices. */
describe('frequency cap', () => {
  let server: LocalServer;
  before(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  after(() => server.stop());

  test('three invoices due together: one message a day, three in any week, none lost', async () => {
    for (const invoiceId of ['INV-CAP-1', 'INV-CAP-2', 'INV-CAP-3']) {
      assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }))).status, 201);
    }
    await server.advance({ to: '2026-12-31T00:00:00Z' });
    const sent = (await server.outbox()).filter((message) => message.to === 'ap@acme.example');
    const days = sent.map((message) => message.sentAt.slice(0, 10));
    assert.equal(new Set(days).size, days.length, `at most one message a day: ${days.join(', ')}`);
    for (const message of sent) {
      const at = Date.parse(message.sentAt);
      const inWeek = sent.filter((other) => Date.parse(other.sentAt) > at - 7 * 86_400_000 && Date.parse(other.sentAt) <= at);
      assert.ok(inWeek.length <= 3, `at most three in the week ending ${message.sentAt}`);
    }
    // The three pre-3 reminders, Monday to Wednesday at 09:00 Berlin.
    assert.deepEqual(
      sent.slice(0, 3).map((message) => [message.step, message.sentAt]),
      [
        ['pre-3', '2026-11-30T08:00:00.000Z'],
        ['pre-3', '2026-12-01T08:00:00.000Z'],
        ['pre-3', '2026-12-02T08:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      sent
        .slice(0, 3)
        .map((message) => message.invoiceId)
        .sort(),
      ['INV-CAP-1', 'INV-CAP-2', 'INV-CAP-3'],
    );
    // Every invoice still gets each of its steps exactly once (a late step may supersede an earlier one).
    for (const invoiceId of ['INV-CAP-1', 'INV-CAP-2', 'INV-CAP-3']) {
      const steps = sent.filter((message) => message.invoiceId === invoiceId).map((message) => message.step);
      assert.equal(new Set(steps).size, steps.length, `${invoiceId}: ${steps.join(', ')}`);
      assert.ok(steps.length >= 2, `${invoiceId} keeps being reminded: ${steps.join(', ')}`);
    }
    assert.deepEqual(await server.deadLetters(), []);
  });
});
