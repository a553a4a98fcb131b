import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * What a lifecycle costs in Step Functions, counted on the local runtime (issue 10): each wake-up
 * of an execution is one entry of the Advance task, which loops on itself, so one state
 * transition whatever it does (send, open a task, re-plan); a closed lifecycle adds the Succeed
 * state. Counts are deterministic, so they are asserted exactly.
 */
describe('state transitions per lifecycle', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  interface Execution {
    readonly name: string;
    readonly status: string;
    readonly transitions: number;
  }

  const executionOf = async (invoiceId: string): Promise<Execution> => {
    const { body } = await server.local<Execution[]>('GET', '/_local/executions');
    const matching = body.filter((execution) => execution.name.includes(invoiceId));
    assert.equal(matching.length, 1, JSON.stringify(body));
    return matching[0] as Execution;
  };

  test('unpaid for 120 days on the default policy: one transition per wake-up', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-COST-1' }))).status, 201);
    await server.advance({ to: '2027-03-31T00:00:00Z' });
    const invoice = await server.api('GET', '/v1/invoices/INV-COST-1');
    const timeline: { type: string }[] = invoice.body.timeline;
    const messages = timeline.filter((event) => event.type === 'reminder.sent').length;
    const tasks = timeline.filter((event) => event.type === 'task.opened').length;
    const execution = await executionOf('INV-COST-1');
    assert.equal(execution.status, 'RUNNING');
    // Every action is due at its own instant here, so each is one wake-up: the start, then one
    // Advance per wake-up.
    assert.equal(execution.transitions, 1 + (messages + tasks), `${messages} messages, ${tasks} tasks`);
    assert.ok(messages + tasks >= 12, `${messages} messages, ${tasks} tasks`);
  });

  test('paid mid-sequence: the payment wakes it, it thanks and closes in the same wake-up', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-COST-2' }))).status, 201);
    await server.advance({ to: '2026-12-10T00:00:00Z' });
    const paid = await server.api('POST', '/v1/invoices/INV-COST-2/payments', {
      paymentId: 'PAY-COST-2',
      amount: '1250.00',
      paidAt: '2026-12-10T00:00:00Z',
    });
    assert.equal(paid.status, 201);
    await server.advance({ days: 1 });
    const steps = (await server.outbox('INV-COST-2')).map((message) => message.step);
    assert.deepEqual(steps, ['pre-3', 'post-3', 'thank-you']);
    const execution = await executionOf('INV-COST-2');
    assert.equal(execution.status, 'SUCCEEDED');
    // Start; the pre-3 and post-3 wake-ups and the payment's; then Succeed.
    assert.equal(execution.transitions, 1 + 3 + 1);
  });
});
