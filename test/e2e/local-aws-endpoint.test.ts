import assert from 'node:assert/strict';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:dunwell-invoice-dunning';

/**
 * What a developer inspects with the aws CLI pointed at `npm start`'s local AWS endpoint,
 * asked here with the SDK clients the CLI's calls correspond to (the CLI itself is not needed):
 * the executions and every state they entered, the pending timers, the queues. And `GET /`,
 * the page that says where everything is.
 */
describe('the local AWS endpoint answers what a developer inspects', () => {
  let server: LocalServer;
  let sfn: SFNClient;
  let scheduler: SchedulerClient;
  let sqs: SQSClient;
  let executionArn: string;
  const history = async (): Promise<HistoryEvent[]> => (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
  const at = (event: HistoryEvent | undefined) => event?.timestamp?.toISOString();

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const config = {
      endpoint: server.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    sfn = new SFNClient(config);
    scheduler = new SchedulerClient(config);
    sqs = new SQSClient(config);
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-AWS-1' }))).status, 201);
    // The start goes through the start buffer: an advance by nothing returns once it has parked.
    await server.advance({ days: 0 });
  });
  afterAll(async () => {
    for (const client of [sfn, scheduler, sqs]) client?.destroy();
    await server.stop();
  });

  test('GET /_local/health names the endpoint that npm start printed', async () => {
    const health = await server.local<{ now: string; awsEndpoint: string }>('GET', '/_local/health');
    assert.equal(health.body.now, '2026-11-01T00:00:00.000Z');
    assert.equal(health.body.awsEndpoint, server.awsEndpoint);
    assert.match(server.awsEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const printed = server.logs.find((line) => line.includes('"Dunwell is running"')) ?? '';
    assert.match(
      JSON.parse(printed).awsCli,
      new RegExp(`aws --endpoint-url ${server.awsEndpoint} stepfunctions list-executions --state-machine-arn ${STATE_MACHINE_ARN}$`),
    );
  });

  test('list-state-machines and list-executions show the invoice execution, at virtual time', async () => {
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    assert.deepEqual(
      machines.stateMachines?.map((machine) => [machine.stateMachineArn, machine.name, machine.type]),
      [[STATE_MACHINE_ARN, 'dunwell-invoice-dunning', 'STANDARD']],
    );
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));
    const execution = listed.executions?.find((candidate) => candidate.name?.startsWith('INV-AWS-1-'));
    assert.ok(execution?.executionArn, JSON.stringify(listed.executions));
    assert.equal(execution.status, 'RUNNING');
    assert.equal(execution.startDate?.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(execution.stopDate, undefined);
    executionArn = execution.executionArn;
  });

  test('get-execution-history: the task parked on its token, then each wake in order, with ids and virtual timestamps', async () => {
    assert.deepEqual(
      (await history()).map((event) => [event.id, event.previousEventId, event.type]),
      [
        [1, 0, 'ExecutionStarted'],
        [2, 1, 'TaskStateEntered'],
        [3, 2, 'TaskScheduled'],
        [4, 3, 'TaskStarted'],
        [5, 4, 'TaskSubmitted'],
      ],
    );

    // The first reminder is due Monday 30 November, 09:00 Berlin: its timer wakes the task.
    await server.advance({ to: '2026-11-30T09:00:00Z' });
    const events = await history();
    assert.deepEqual(
      events.map((event) => [event.type, at(event)]),
      [
        ['ExecutionStarted', '2026-11-01T00:00:00.000Z'],
        ['TaskStateEntered', '2026-11-01T00:00:00.000Z'],
        ['TaskScheduled', '2026-11-01T00:00:00.000Z'],
        ['TaskStarted', '2026-11-01T00:00:00.000Z'],
        ['TaskSubmitted', '2026-11-01T00:00:00.000Z'],
        ['TaskSucceeded', '2026-11-30T08:00:00.000Z'],
        ['TaskStateExited', '2026-11-30T08:00:00.000Z'],
        ['TaskStateEntered', '2026-11-30T08:00:00.000Z'],
        ['TaskScheduled', '2026-11-30T08:00:00.000Z'],
        ['TaskStarted', '2026-11-30T08:00:00.000Z'],
        ['TaskSubmitted', '2026-11-30T08:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      events.map((event) => event.id),
      events.map((_, index) => index + 1),
    );
    const [started, entered, scheduled] = events;
    assert.deepEqual(JSON.parse(started?.executionStartedEventDetails?.input ?? ''), { invoiceId: 'INV-AWS-1' });
    assert.equal(entered?.stateEnteredEventDetails?.name, 'Advance');
    assert.deepEqual(
      [scheduled?.taskScheduledEventDetails?.resourceType, scheduled?.taskScheduledEventDetails?.resource],
      ['lambda', 'invoke.waitForTaskToken'],
    );
    const parameters = JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}');
    assert.match(parameters.FunctionName, /:function:dunwell-advance$/);
    assert.equal(parameters.Payload.invoiceId, 'INV-AWS-1');
    assert.match(parameters.Payload.taskToken, /^local-/, 'the real token, as on AWS');
    assert.deepEqual(JSON.parse(events[5]?.taskSucceededEventDetails?.output ?? ''), { reason: 'timer' });

    // Paged as the CLI pages it, and newest first on request.
    const paged: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, nextToken }));
      assert.ok((page.events ?? []).length <= 4);
      paged.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(paged, events);
    const newest = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 2 }));
    assert.deepEqual(
      newest.events?.map((event) => event.id),
      [11, 10],
    );
    const withoutData = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1, includeExecutionData: false }));
    assert.deepEqual(withoutData.events?.[0]?.executionStartedEventDetails?.input, undefined);
  });

  test('scheduler list-schedules and get-schedule show the pending timer', async () => {
    const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: 'dunwell-timers' }));
    const timers = (listed.Schedules ?? []).filter((schedule) => schedule.Name?.startsWith('INV-AWS-1-'));
    assert.equal(timers.length, 1, JSON.stringify(listed.Schedules));
    const [timer] = timers;
    assert.equal(timer?.GroupName, 'dunwell-timers');
    assert.equal(timer?.State, 'ENABLED');
    assert.match(timer?.Target?.Arn ?? '', /:function:dunwell-wake$/);
    assert.equal(timer?.CreationDate?.toISOString(), '2026-11-30T08:00:00.000Z', 'armed when the task parked again');
    const schedule = await scheduler.send(new GetScheduleCommand({ GroupName: 'dunwell-timers', Name: timer?.Name }));
    // The next step (post-3) is due Friday 4 December, 09:00 Berlin.
    assert.equal(schedule.ScheduleExpression, 'at(2026-12-04T08:00:00)');
    assert.equal(schedule.ScheduleExpressionTimezone, 'UTC');
    assert.equal(JSON.parse(schedule.Target?.Input ?? '{}').invoiceId, 'INV-AWS-1');
    assert.deepEqual((await scheduler.send(new ListSchedulesCommand({ GroupName: 'someone-else' }))).Schedules, []);
    await assert.rejects(scheduler.send(new GetScheduleCommand({ GroupName: 'dunwell-timers', Name: 'no-such-timer' })), {
      name: 'ResourceNotFoundException',
    });
  });

  test('sqs list-queues lists the start buffer, and get-queue-attributes reports on it', async () => {
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
    assert.deepEqual(QueueUrls, [`${server.awsEndpoint}/000000000000/dunwell-start`]);
    assert.equal((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'nothing-' }))).QueueUrls, undefined);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'dunwell-start' }));
    assert.equal(QueueUrl, QueueUrls?.[0]);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    assert.equal(Attributes?.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:dunwell-start');
    assert.equal(Attributes?.ApproximateNumberOfMessages, '0');
    assert.equal(Attributes?.ApproximateNumberOfMessagesNotVisible, '0', 'the pipeline is idle');
    const one = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    assert.deepEqual(one.Attributes, { ApproximateNumberOfMessages: '0' });
  });

  test('a payment closes the execution: its history ends in the Succeed state, and describe-execution says when', async () => {
    const paid = await server.api('POST', '/v1/invoices/INV-AWS-1/payments', {
      paymentId: 'PAY-AWS-1',
      amount: '1250.00',
      paidAt: '2026-11-30T08:30:00Z',
    });
    assert.equal(paid.status, 201);
    await server.advance({ hours: 1 });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(described.stateMachineArn, STATE_MACHINE_ARN);
    assert.equal(described.startDate?.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(described.stopDate?.toISOString(), '2026-11-30T09:00:00.000Z');
    const events = await history();
    // The payment's signal wakes the parked task; Advance runs once more, finds the invoice
    // paid, and fails its own task with Dunwell.LifecycleClosed, which the machine catches.
    assert.deepEqual(
      events.slice(11).map((event) => [event.type, event.stateEnteredEventDetails?.name ?? event.taskFailedEventDetails?.error]),
      [
        ['TaskSucceeded', undefined],
        ['TaskStateExited', undefined],
        ['TaskStateEntered', 'Advance'],
        ['TaskScheduled', undefined],
        ['TaskStarted', undefined],
        ['TaskSubmitted', undefined],
        ['TaskFailed', 'Dunwell.LifecycleClosed'],
        ['TaskStateExited', undefined],
        ['SucceedStateEntered', 'Closed'],
        ['SucceedStateExited', undefined],
        ['ExecutionSucceeded', undefined],
      ],
    );
    assert.deepEqual(JSON.parse(events[11]?.taskSucceededEventDetails?.output ?? ''), { reason: 'payment.received' });
    assert.equal(at(events.at(-1)), '2026-11-30T09:00:00.000Z');
    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, statusFilter: 'SUCCEEDED' }));
    assert.deepEqual(
      succeeded.executions?.map((execution) => [execution.executionArn, execution.stopDate?.toISOString()]),
      [[executionArn, '2026-11-30T09:00:00.000Z']],
    );
    assert.deepEqual((await scheduler.send(new ListSchedulesCommand({}))).Schedules, [], 'no timer left');
  });

  test('GET / links the API reference, the OpenAPI document, the SES inbox and the outbox', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'none';.*frame-ancestors 'none'/);
    const html = await page.text();
    for (const href of [
      '/_local/docs/API.md',
      '/v1/openapi.json',
      server.sesInbox,
      '/_local/outbox',
      '/console/dev-sign-in?role=finance',
    ]) {
      assert.ok(html.includes(`href="${href}"`), `links ${href}`);
    }
    assert.doesNotMatch(html, /<script|https?:\/\/(?!127\.0\.0\.1)/, 'no script, nothing outside this machine');
    assert.ok(html.includes(server.awsEndpoint));

    const json = await fetch(`${server.url}/`, { headers: { accept: 'application/json' } });
    assert.equal(json.headers.get('content-type'), 'application/json');
    const body = (await json.json()) as { links: Record<string, string>; aws: { endpoint: string; stateMachineArn: string } };
    assert.deepEqual(body.links, {
      apiReference: '/_local/docs/API.md',
      openapi: '/v1/openapi.json',
      sesInbox: server.sesInbox,
      outbox: '/_local/outbox',
      health: '/_local/health',
      console: '/console/sign-in',
    });
    assert.equal(body.aws.endpoint, server.awsEndpoint);
    assert.equal(body.aws.stateMachineArn, STATE_MACHINE_ARN);

    const reference = await fetch(`${server.url}/_local/docs/API.md`);
    assert.equal(reference.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(await reference.text(), /^# Dunwell API — the contract integrators and tests rely on$/m);
    const openapi = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as { openapi: string };
    assert.match(openapi.openapi, /^3\.1\./);
  });
});
