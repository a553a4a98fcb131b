import assert from 'node:assert/strict';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { composeFunction } from '#adapters/compose.ts';
import { SnsTexter, snsClient } from '#adapters/sns-texter.ts';
import { LocalGateway } from '#local/gateway.ts';
import { LOCAL_COLLECTORS_TOPIC_ARN, LocalRuntime } from '#local/runtime.ts';
import { TextRejectedError } from '#ports/texter.ts';
import { openCollectorTask } from '#use-cases/open-collector-task.ts';
import { invoiceBody } from '../support/invoices.ts';

/**
 * Collector tasks through the real adapters on the embedded runtime: opened as the advance
 * function does when the workflow plans one, the worklist and completion over HTTP through the local gateway, the
 * collectors topic through the local SNS emulation.
 */
describe('collector tasks on the local runtime', () => {
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

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    await runtime.activity.idle();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** A loopback control or public document, parsed. */
  async function read(path: string): Promise<any> {
    return (await fetch(`${base}${path}`)).json();
  }

  async function createInvoice(invoiceId: string) {
    const created = await api('POST', '/v1/invoices', invoiceBody({ invoiceId }));
    assert.equal(created.status, 201);
  }

  /** Opens a task as the advance function does when the workflow plans one: the domain call, with the function's adapters. */
  async function openTask(invoiceId: string, stepId: string, reason: string) {
    const app = composeFunction('advance');
    const deps = { store: app.invoiceStore(), tasks: app.taskStore(), collectors: app.collectorEvents(), clock: app.clock };
    const outcome = await runtime.activity.track(openCollectorTask(deps, invoiceId, stepId, reason));
    await runtime.activity.idle();
    switch (outcome.kind) {
      case 'opened':
        return { outcome: outcome.kind, taskId: outcome.task.taskId };
      case 'already_done':
        return { outcome: outcome.kind, taskId: outcome.taskId };
      case 'not_due':
        return { outcome: outcome.kind, reason: outcome.reason };
    }
  }

  test('an opened task is on the worklist with its invoice and whole timeline, and on the collectors topic', async () => {
    await createInvoice('INV-T-1');
    assert.deepEqual(await openTask('INV-T-1', 'collector-call', 'high_value'), {
      outcome: 'opened',
      taskId: 'TSK.INV-T-1.collector-call',
    });

    const listed = await api('GET', '/v1/tasks?status=open&invoiceId=INV-T-1');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.length, 1);
    const [task] = listed.body;
    assert.equal(task.taskId, 'TSK.INV-T-1.collector-call');
    assert.equal(task.invoiceId, 'INV-T-1');
    assert.equal(task.kind, 'call');
    assert.equal(task.reason, 'high_value');
    assert.equal(task.stepId, 'collector-call');
    assert.equal(task.status, 'open');
    assert.equal(task.openedAt, '2026-11-01T09:00:00.000Z');
    assert.equal(task.invoice.status, 'open');
    assert.equal(task.invoice.balance, '1250.00');
    assert.equal(task.invoice.currency, 'EUR');
    assert.equal(task.invoice.dueDate, '2026-12-01');
    assert.equal(task.invoice.customer.name, 'Acme GmbH');
    const types = task.invoice.timeline.map((event: { type: string }) => event.type);
    assert.equal(types[0], 'invoice.received');
    assert.equal(types.at(-1), 'task.opened');

    const feed = await read('/_local/topics?invoiceId=INV-T-1');
    assert.equal(feed.length, 1);
    assert.equal(feed[0].topicArn, LOCAL_COLLECTORS_TOPIC_ARN);
    assert.deepEqual(feed[0].attributes, {
      kind: 'call',
      reason: 'high_value',
      invoiceId: 'INV-T-1',
      taskId: 'TSK.INV-T-1.collector-call',
    });
    assert.equal(feed[0].message.type, 'collector_task.opened');
    assert.equal(feed[0].message.task.taskId, 'TSK.INV-T-1.collector-call');
    assert.equal(feed[0].message.invoice.balance, '1250.00');
    assert.equal(feed[0].publishedAt, '2026-11-01T09:00:00.000Z');
  });

  test('opening the same step again does nothing: no second task, no second message', async () => {
    assert.deepEqual(await openTask('INV-T-1', 'collector-call', 'high_value'), {
      outcome: 'already_done',
      taskId: 'TSK.INV-T-1.collector-call',
    });
    assert.equal((await api('GET', '/v1/tasks?invoiceId=INV-T-1')).body.length, 1);
    assert.equal((await read('/_local/topics?invoiceId=INV-T-1')).length, 1);
  });

  test('completion is validated at the edge, naming the fields', async () => {
    const missing = await api('POST', '/v1/tasks/TSK.INV-T-1.collector-call/complete', { outcome: 'promise_obtained' });
    assert.equal(missing.status, 400);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(missing.body.errors, [{ path: 'promisedDate', message: 'is required for promise_obtained' }]);

    const unknown = await api('POST', '/v1/tasks/TSK.INV-T-1.collector-call/complete', { outcome: 'maybe', colour: 'red' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.errors.map((error: { path: string }) => error.path).sort(), ['colour', 'outcome']);

    const notFound = await api('POST', '/v1/tasks/TSK.INV-T-1.nothing/complete', { outcome: 'other' });
    assert.equal(notFound.status, 404);

    const badQuery = await api('GET', '/v1/tasks?status=closed');
    assert.equal(badQuery.status, 400);
    assert.equal(badQuery.body.errors[0].path, 'status');
  });

  test('promise_obtained puts the invoice on hold, feeds its timeline, and takes the task off the open list', async () => {
    const completed = await api(
      'POST',
      '/v1/tasks/TSK.INV-T-1.collector-call/complete',
      { outcome: 'promise_obtained', promisedDate: '2026-11-20', note: 'Promised on the phone' },
      { 'idempotency-key': 'complete-1' },
    );
    assert.equal(completed.status, 200);
    assert.equal(completed.body.status, 'completed');
    assert.equal(completed.body.outcome, 'promise_obtained');
    assert.equal(completed.body.promiseId, 'PRM.INV-T-1.1');
    assert.equal(completed.body.invoice.status, 'on_hold');

    const invoice = await api('GET', '/v1/invoices/INV-T-1');
    assert.equal(invoice.body.status, 'on_hold');
    assert.equal(invoice.body.nextAction?.type, 'hold');
    const types = invoice.body.timeline.map((event: { type: string }) => event.type);
    assert.deepEqual(types.slice(types.indexOf('task.opened')), ['task.opened', 'promise.made', 'task.completed']);

    assert.deepEqual((await api('GET', '/v1/tasks?invoiceId=INV-T-1')).body, []);
    const done = await api('GET', '/v1/tasks?status=completed&invoiceId=INV-T-1');
    assert.deepEqual(
      done.body.map((task: { taskId: string }) => task.taskId),
      ['TSK.INV-T-1.collector-call'],
    );
    assert.deepEqual(runtime.deadLetters, []);
  });

  test('the same completion again is a no-op (and a replay with its key); another outcome is a conflict', async () => {
    const replay = await api(
      'POST',
      '/v1/tasks/TSK.INV-T-1.collector-call/complete',
      { outcome: 'promise_obtained', promisedDate: '2026-11-20', note: 'Promised on the phone' },
      { 'idempotency-key': 'complete-1' },
    );
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');

    const again = await api('POST', '/v1/tasks/TSK.INV-T-1.collector-call/complete', {
      outcome: 'promise_obtained',
      promisedDate: '2026-11-20',
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'completed');

    const other = await api('POST', '/v1/tasks/TSK.INV-T-1.collector-call/complete', { outcome: 'no_answer' });
    assert.equal(other.status, 409);
    const invoice = await api('GET', '/v1/invoices/INV-T-1');
    assert.equal(invoice.body.timeline.filter((event: { type: string }) => event.type === 'task.completed').length, 1);
  });

  test('an agency referral carries its hand-over package on the worklist and on the topic', async () => {
    await createInvoice('INV-T-2');
    await openTask('INV-T-2', 'agency', 'agency_referral');
    const [task] = (await api('GET', '/v1/tasks?invoiceId=INV-T-2')).body;
    assert.equal(task.kind, 'agency_referral');
    assert.equal(task.handover.invoice.balance, '1250.00');
    assert.equal(task.handover.contacts.email, 'ap@acme.example');
    assert.equal(task.handover.contacts.phone, '+4915123456789');
    assert.equal(task.handover.timeline[0].type, 'invoice.received');
    const [message] = await read('/_local/topics?invoiceId=INV-T-2');
    assert.equal(message.attributes.kind, 'agency_referral');
    assert.equal(message.message.handoverIncluded, true);
    assert.deepEqual(message.message.task.handover, task.handover);
  });

  test('the worklist pages with a Link header', async () => {
    await openTask('INV-T-2', 'call-2', 'no_response');
    for (const filter of ['', '&invoiceId=INV-T-2']) {
      const first = await api('GET', `/v1/tasks?limit=1${filter}`);
      assert.equal(first.body.length, 1);
      const link = first.headers.get('link') ?? '';
      const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      assert.ok(next, link);
      const second = await api('GET', next);
      assert.equal(second.status, 200);
      assert.deepEqual(
        [...first.body, ...second.body].map((task: { taskId: string }) => task.taskId),
        ['TSK.INV-T-2.agency', 'TSK.INV-T-2.call-2'],
        'oldest first, nothing twice',
      );
      assert.equal(second.headers.get('link'), null);
    }
    const tampered = await api('GET', '/v1/tasks?after=bm90LWEtY3Vyc29y');
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.errors[0].path, 'after');
  });

  test('the OpenAPI document describes the worklist', async () => {
    const document = await read('/v1/openapi.json');
    const list = document.paths['/v1/tasks'].get;
    assert.deepEqual(
      list.parameters.map((parameter: { name: string }) => parameter.name),
      ['status', 'invoiceId', 'limit', 'after'],
    );
    const complete = document.paths['/v1/tasks/{taskId}/complete'].post;
    assert.ok(complete.requestBody.content['application/json'].schema.properties.outcome);
  });

  test('SNS: SMS through the texter lands in the outbox with its invoice and step, at virtual time', async () => {
    const texter = new SnsTexter(snsClient());
    const { messageId } = await texter.send({
      to: '+4915123456789',
      text: 'Invoice INV-T-9 is due',
      invoiceIds: ['INV-T-9'],
      step: 'sms-1',
    });
    const [sms] = runtime.outbox.list('INV-T-9');
    assert.deepEqual(sms, {
      channel: 'sms',
      to: '+4915123456789',
      text: 'Invoice INV-T-9 is due',
      sentAt: runtime.clock.now().toISOString(),
      invoiceId: 'INV-T-9',
      step: 'sms-1',
      messageId,
    });
  });

  test('SNS: a refused text is a TextRejectedError; an unknown topic answers NotFound', async () => {
    const texter = new SnsTexter(snsClient());
    await assert.rejects(texter.send({ to: '+4915123456789', text: '', invoiceIds: ['INV-T-9'], step: 'sms-2' }), TextRejectedError);
    await assert.rejects(
      new SNSClient({}).send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' })),
      {
        name: 'NotFoundException',
      },
    );
    assert.equal(runtime.outbox.list('INV-T-9').length, 1);
  });
  test('count: the open tasks and those of broken promises, counted on the worklist index as the list has them', async () => {
    const tasks = composeFunction('console').taskStore();
    const before = await tasks.count({ status: 'open', stepKeyPrefix: 'broken-PRM.' });
    await createInvoice('INV-T-C1');
    await createInvoice('INV-T-C2');
    await openTask('INV-T-C1', 'broken-PRM.INV-T-C1.1', 'broken_promise');
    await openTask('INV-T-C2', 'collector-call', 'high_value');
    const after = await tasks.count({ status: 'open', stepKeyPrefix: 'broken-PRM.' });
    assert.deepEqual(after, { total: before.total + 2, matching: before.matching + 1 });
    const listed = await tasks.list({ status: 'open', limit: 500 });
    assert.equal(after.total, listed.tasks.length);
    assert.equal(after.matching, listed.tasks.filter((task) => task.stepKey.startsWith('broken-PRM.')).length);
    // The worklist's broken-promise filter: found on the index, however many older tasks come first.
    const broken = await tasks.list({ status: 'open', limit: 1, stepKeyPrefix: 'broken-PRM.' });
    assert.deepEqual(
      broken.tasks.map((task) => task.taskId),
      ['TSK.INV-T-C1.broken-PRM.INV-T-C1.1'],
    );
    assert.ok(listed.tasks[0]?.taskId !== broken.tasks[0]?.taskId, 'older tasks come first in the unfiltered list');
  });
});
