import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { RuntimeMetrics } from '#local/metrics.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * `GET /_local/metrics` (what `npm run bench -- --only=cost` prices): the counters move with the
 * work, agree with `/_local/executions` and the outbox, and count only the handlers' requests.
 */
describe('GET /_local/metrics', () => {
  let server: LocalServer;
  let start: RuntimeMetrics;
  let end: RuntimeMetrics;

  const metrics = async (): Promise<RuntimeMetrics> => {
    const { status, body } = await server.local<RuntimeMetrics>('GET', '/_local/metrics');
    assert.equal(status, 200);
    return body;
  };

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z', env: { DUNWELL_LOCAL_METRICS: '1' } });
    await server.token();
    start = await metrics();
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-METRICS-1' }))).status, 201);
    // Past the pre-3 (30 Nov) and post-3 (4 Dec) reminders of the default policy.
    await server.advance({ to: '2026-12-05T00:00:00Z' });
    end = await metrics();
  });
  afterAll(() => server.stop());

  test('nothing of the pipeline before the first invoice', () => {
    assert.equal(start.stepFunctions.executions, 0);
    assert.equal(start.stepFunctions.stateTransitions, 0);
    assert.equal(start.lambda.advance, undefined);
    assert.deepEqual(start.messages, { email: 0, sms: 0 });
    assert.equal(start.scheduler.schedulesCreated, 0);
  });

  test('state transitions are the sum over GET /_local/executions', async () => {
    const { body: executions } = await server.local<{ transitions: number }[]>('GET', '/_local/executions');
    assert.equal(end.stepFunctions.executions, executions.length);
    assert.equal(executions.length, 1);
    assert.equal(
      end.stepFunctions.stateTransitions,
      executions.reduce((sum, execution) => sum + execution.transitions, 0),
    );
    assert.ok(end.stepFunctions.stateTransitions > 0);
  });

  test('Lambda: one ingest, one start, an advance per reminder and more; each invocation billed at least 1 ms', () => {
    assert.equal(end.lambda['invoices-api']?.invocations, 1);
    assert.equal(end.lambda['start-dunning']?.invocations, 1);
    const advance = end.lambda.advance;
    assert.ok(advance && advance.invocations >= 2, JSON.stringify(end.lambda));
    for (const [name, usage] of Object.entries(end.lambda)) {
      assert.ok(usage.billedMs >= usage.invocations, `${name}: ${JSON.stringify(usage)}`);
      assert.ok(Number.isInteger(usage.billedMs), `${name}: billed in whole milliseconds`);
    }
  });

  test('DynamoDB: write and read units counted, the list indexes among the writes', () => {
    const { readRequestUnits: reads, writeRequestUnits: writes } = end.dynamodb;
    assert.ok(writes.table > 0 && reads.table > 0, JSON.stringify(end.dynamodb));
    assert.ok(
      Object.values(writes.indexes).some((units) => units > 0),
      JSON.stringify(writes),
    );
    assert.ok(Number.isInteger(writes.table));
  });

  test('schedules and sends: two emails, the timers armed on the way', async () => {
    assert.deepEqual(end.messages, { email: 2, sms: 0 });
    assert.equal((await server.outbox('INV-METRICS-1')).length, 2);
    assert.ok(end.scheduler.schedulesCreated >= 2, JSON.stringify(end.scheduler));
  });
});
