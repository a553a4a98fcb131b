import assert from 'node:assert/strict';
import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { composeFunction } from '#adapters/compose.ts';
import { executionName } from '#domain/executions.ts';
import { LocalGateway } from '#local/gateway.ts';
import { LocalRuntime } from '#local/runtime.ts';
import { invoiceBody } from '../support/invoices.ts';

/**
 * The reconcile function on the embedded runtime, through the local ListExecutions and
 * SendMessageBatch: live executions are left alone, a failed one is started again (its next
 * generation), a closed invoice is no longer looked at.
 */
describe('reconcile on the local runtime', () => {
  const runtime = new LocalRuntime({ clockStart: new Date('2026-11-01T09:00:00Z'), sesPort: 0 });
  const gateway = new LocalGateway(runtime);
  let base = '';
  let token = '';

  beforeAll(async () => {
    const port = await gateway.listen(0);
    base = `http://127.0.0.1:${port}`;
    await runtime.start(base);
    token = await gateway.issueToken();
  });
  afterAll(async () => {
    await gateway.close();
    await runtime.stop();
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    await runtime.activity.idle();
    return { status: response.status, body: await response.json() };
  }

  const reconcile = async () => {
    const report = await runtime.host.invoke('reconcile', {});
    await runtime.activity.idle();
    return report;
  };
  const statusOf = (name: string) => runtime.executions().find((execution) => execution.name === name)?.status;

  test('running executions are not requested; a failed one is restarted as its next generation; a closed invoice drops out', async () => {
    for (const invoiceId of ['INV-REC-1', 'INV-REC-2', 'INV-REC-3']) {
      assert.equal((await api('POST', '/v1/invoices', invoiceBody({ invoiceId }))).status, 201);
      assert.equal(statusOf(executionName(invoiceId, 1)), 'RUNNING');
    }
    const started = runtime.executions().length;
    assert.deepEqual(await reconcile(), { open: 3, running: 3, requested: 0 });
    assert.equal(runtime.executions().length, started, 'nothing started');

    // INV-REC-2's execution fails: its parked task fails until the state machine's retries (4) run out.
    const advance = composeFunction('advance').invoiceStore();
    for (let attempt = 0; attempt < 10 && statusOf(executionName('INV-REC-2', 1)) === 'RUNNING'; attempt++) {
      const taskToken = (await advance.get('INV-REC-2'))?.wait?.taskToken;
      assert.ok(taskToken);
      await new SFNClient({}).send(new SendTaskFailureCommand({ taskToken, error: 'Test.Failure', cause: 'a test' }));
      await runtime.activity.idle();
    }
    assert.equal(statusOf(executionName('INV-REC-2', 1)), 'FAILED');

    assert.deepEqual(await reconcile(), { open: 3, running: 2, requested: 1 });
    assert.equal(statusOf(executionName('INV-REC-2', 2)), 'RUNNING');
    const restarted = (await api('GET', '/v1/invoices/INV-REC-2')) as { body: { timeline: { type: string; generation?: number }[] } };
    assert.deepEqual(
      restarted.body.timeline.filter((event) => event.type === 'dunning.started').map((event) => event.generation),
      [1, 2],
    );
    assert.deepEqual(await reconcile(), { open: 3, running: 3, requested: 0 });

    const paid = await api('POST', '/v1/invoices/INV-REC-3/payments', {
      paymentId: 'P-REC-3',
      amount: '1250.00',
      paidAt: '2026-11-01T09:00:00Z',
    });
    assert.equal(paid.status, 201);
    assert.deepEqual(await reconcile(), { open: 2, running: 2, requested: 0 });
    assert.deepEqual(runtime.deadLetters, []);
  });
});
