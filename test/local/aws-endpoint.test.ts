import assert from 'node:assert/strict';
import { request } from 'node:http';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { SchedulerTimers } from '#adapters/scheduler-timers.ts';
import { LocalRuntime } from '#local/runtime.ts';

/**
 * The embedded runtime's AWS emulation, exercised with the real SDK clients the handlers use:
 * these are the behaviours the handlers rely on, so the emulation is proven, not assumed.
 */
describe('local AWS endpoint', () => {
  const runtime = new LocalRuntime({ clockStart: new Date('2026-11-01T00:00:00Z'), sesPort: 0 });
  beforeAll(() => runtime.start('http://127.0.0.1:9'));
  afterAll(() => runtime.stop());

  test('SNS Publish to a phone number lands in the SMS outbox at virtual time', async () => {
    const result = await new SNSClient({}).send(new PublishCommand({ PhoneNumber: '+4915123456789', Message: 'Invoice INV-1 is due' }));
    assert.ok(result.MessageId);
    const [sms] = runtime.outbox.list().filter((message) => message.channel === 'sms');
    assert.equal(sms?.to, '+4915123456789');
    assert.equal(sms?.text, 'Invoice INV-1 is due');
    assert.equal(sms?.sentAt, '2026-11-01T00:00:00.000Z');
  });

  test('SNS Publish of a text covering several invoices: the outbox names the lead invoice and all of them', async () => {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await new SNSClient({}).send(
      new PublishCommand({
        PhoneNumber: '+4915100000042',
        Message: 'Invoices INV-A and INV-B are due',
        MessageAttributes: { 'Dunwell.InvoiceIds': attribute('INV-A,INV-B'), 'Dunwell.Step': attribute('pre-3') },
      }),
    );
    const [sms] = runtime.outbox.list().filter((message) => message.to === '+4915100000042');
    assert.equal(sms?.invoiceId, 'INV-A');
    assert.deepEqual(sms?.invoiceIds, ['INV-A', 'INV-B']);
    assert.equal(sms?.step, 'pre-3');
    assert.deepEqual(
      runtime.outbox.list('INV-B').map((message) => message.messageId),
      [sms?.messageId],
    );
  });

  test('Scheduler: create, conflict on a second create, update, delete, not found on a second delete', async () => {
    const client = new SchedulerClient({});
    const request = {
      Name: 't-1',
      GroupName: 'dunwell-timers',
      ScheduleExpression: 'at(2026-11-02T09:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:000000000000:function:dunwell-wake',
        RoleArn: 'arn:aws:iam::000000000000:role/x',
        Input: '{}',
      },
    };
    await client.send(new CreateScheduleCommand(request));
    await assert.rejects(client.send(new CreateScheduleCommand(request)), { name: 'ConflictException' });
    await client.send(new UpdateScheduleCommand({ ...request, ScheduleExpression: 'at(2026-11-03T09:00:00)' }));
    await client.send(new DeleteScheduleCommand({ Name: 't-1', GroupName: 'dunwell-timers' }));
    await assert.rejects(client.send(new DeleteScheduleCommand({ Name: 't-1', GroupName: 'dunwell-timers' })), {
      name: 'ResourceNotFoundException',
    });
  });

  test('the timers adapter replaces an armed timer instead of failing, and cancel is idempotent', async () => {
    const timers = new SchedulerTimers(new SchedulerClient({}), {
      groupName: 'dunwell-timers',
      target: { arn: 'arn:aws:lambda:us-east-1:000000000000:function:dunwell-wake', roleArn: 'arn:aws:iam::000000000000:role/x' },
    });
    await timers.arm('t-2', new Date('2026-11-05T00:00:00Z'), { invoiceId: 'X', sleepId: 'a' });
    await timers.arm('t-2', new Date('2026-11-06T00:00:00Z'), { invoiceId: 'X', sleepId: 'b' });
    await timers.cancel('t-2');
    await timers.cancel('t-2');
  });

  test('Step Functions: unknown executions and task tokens answer with the errors the SDK maps', async () => {
    const sfn = new SFNClient({});
    await assert.rejects(
      sfn.send(
        new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:dunwell-invoice-dunning:nope' }),
      ),
      { name: 'ExecutionDoesNotExist' },
    );
    await assert.rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: 'local-unknown', output: '{}' })), { name: 'TaskDoesNotExist' });
  });

  test('Step Functions ListExecutions: the newest first, by status, paged with nextToken; a start by name of a running one is a no-op', async () => {
    const sfn = new SFNClient({});
    const stateMachineArn = String(process.env.DUNWELL_STATE_MACHINE_ARN);
    // Invoices that do not exist: each execution's first task fails, so it ends FAILED at once.
    const names = ['list-a-g1', 'list-b-g1', 'list-c-g1'];
    for (const name of names) {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ invoiceId: `NOT-THERE-${name}` }) }));
    }
    await runtime.activity.idle();
    const listAll = async (statusFilter: 'RUNNING' | 'FAILED') => {
      const listed: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, maxResults: 2, nextToken }));
        listed.push(...(page.executions ?? []).map((execution) => String(execution.name)));
        for (const execution of page.executions ?? []) assert.equal(execution.status, statusFilter);
        nextToken = page.nextToken;
        pages++;
      } while (nextToken);
      return { listed, pages };
    };
    const failed = await listAll('FAILED');
    assert.deepEqual(
      failed.listed.filter((name) => names.includes(name)),
      [...names].reverse(),
      'newest first',
    );
    assert.equal(failed.pages, Math.ceil(failed.listed.length / 2));
    assert.deepEqual(
      (await listAll('RUNNING')).listed.filter((name) => names.includes(name)),
      [],
    );
    // A closed execution's name is taken: its start is refused, whatever the input.
    await assert.rejects(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: 'list-a-g1', input: JSON.stringify({ invoiceId: 'NOT-THERE-list-a-g1' }) }),
      ),
      { name: 'ExecutionAlreadyExists' },
    );
    await assert.rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn: `${stateMachineArn}-other` })), {
      name: 'StateMachineDoesNotExist',
    });
    runtime.deadLetters.length = 0;
  });

  test('SQS SendMessageBatch: each entry delivered, answered with checksums the SDK verifies; more than 10 entries refused', async () => {
    const sqs = new SQSClient({});
    const QueueUrl = process.env.DUNWELL_START_QUEUE_URL;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['0', '1', '2'].map((Id) => ({ Id, MessageBody: JSON.stringify({ invoiceId: `NOT-THERE-BATCH-${Id}` }) })),
      }),
    );
    assert.deepEqual(
      (sent.Successful ?? []).map((entry) => entry.Id),
      ['0', '1', '2'],
    );
    assert.deepEqual(sent.Failed ?? [], []);
    await runtime.activity.idle();
    // Delivered to start-dunning, which finds no such invoices: dead-lettered after its retries.
    assert.equal(runtime.deadLetters.filter((entry) => JSON.stringify(entry.payload).includes('NOT-THERE-BATCH-')).length, 3);
    runtime.deadLetters.length = 0;
    const eleven = Array.from({ length: 11 }, (_, index) => ({ Id: String(index), MessageBody: '{}' }));
    await assert.rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: eleven })), (error: Error) =>
      /TooManyEntriesInBatchRequest/.test(error.name),
    );
    await assert.rejects(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: `${QueueUrl}-missing`, Entries: [{ Id: 'a', MessageBody: '{}' }] })),
      (error: Error) => /NonExistentQueue|QueueDoesNotExist/.test(error.name),
    );
  });

  test('SQS SendMessage answers with a body checksum the SDK verifies; EventBridge PutEvents accepts entries', async () => {
    const sent = await new SQSClient({}).send(
      new SendMessageCommand({ QueueUrl: process.env.DUNWELL_START_QUEUE_URL, MessageBody: JSON.stringify({ invoiceId: 'NOT-THERE' }) }),
    );
    assert.ok(sent.MessageId);
    const put = await new EventBridgeClient({}).send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'dunwell-local-bus', Source: 'someone.else', DetailType: 'x', Detail: '{}' }] }),
    );
    assert.equal(put.FailedEntryCount, 0);
    // The start for a missing invoice fails every delivery and is dead-lettered, loudly.
    await runtime.activity.idle();
    assert.equal(runtime.deadLetters.length, 1);
    assert.match(runtime.deadLetters[0]?.source ?? '', /queue dunwell-start/);
  });

  test('Secrets Manager serves a generated link-signing keyring', async () => {
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'dunwell/link-signing' }));
    const keyring = JSON.parse(secret.SecretString ?? '{}') as Record<string, string>;
    assert.equal(keyring.current, 'k1');
    assert.ok((keyring.k1 ?? '').length >= 32);
  });

  test('a page that rebinds its host name to 127.0.0.1 cannot read the keyring', async () => {
    const endpoint = new URL(String(process.env.AWS_ENDPOINT_URL));
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ SecretId: 'dunwell/link-signing' });
      const outgoing = request(
        {
          hostname: endpoint.hostname,
          port: endpoint.port,
          method: 'POST',
          path: '/',
          headers: {
            host: `attacker.example:${endpoint.port}`,
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'secretsmanager.GetSecretValue',
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    assert.equal(status, 403);
  });
});
