import assert from 'node:assert/strict';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { QueueDoesNotExist, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { EventBridgeCollectorNotifier, EventBridgeDomainEvents, SqsDunningStarts } from '#adapters/messaging.ts';
import type { CollectorMessage } from '#domain/tasks.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const sqs = mockClient(SQSClient);
const events = mockClient(EventBridgeClient);
beforeEach(() => {
  sqs.reset();
  events.reset();
});
afterAll(() => {
  sqs.restore();
  events.restore();
});

const queueUrl = 'https://sqs.eu-central-1.amazonaws.com/111122223333/dunwell-starts';
const starts = () => new SqsDunningStarts(new SQSClient({}), queueUrl);

describe('SqsDunningStarts', () => {
  test('request: one SendMessage of {"invoiceId"} to the start queue', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await starts().request('INV-1');
    assert.deepEqual(inputsOf(sqs.commandCalls(SendMessageCommand)), [{ QueueUrl: queueUrl, MessageBody: '{"invoiceId":"INV-1"}' }]);
  });

  test('request: an SQS error passes through', async () => {
    const missing = new QueueDoesNotExist({ message: 'no queue', ...answered(400) });
    sqs.on(SendMessageCommand).rejects(missing);
    await assert.rejects(starts().request('INV-1'), (error) => error === missing);
  });

  test('requestBatch: one SendMessageBatch whose entry ids are positions', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    assert.deepEqual(await starts().requestBatch(['INV-1', 'INV.2/ä', 'INV-3']), []);
    assert.deepEqual(inputsOf(sqs.commandCalls(SendMessageBatchCommand)), [
      {
        QueueUrl: queueUrl,
        Entries: [
          { Id: '0', MessageBody: '{"invoiceId":"INV-1"}' },
          { Id: '1', MessageBody: '{"invoiceId":"INV.2/ä"}' },
          { Id: '2', MessageBody: '{"invoiceId":"INV-3"}' },
        ],
      },
    ]);
  });

  test('requestBatch: Failed entries map back to their invoice ids (and nothing is retried here)', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '1', MessageId: 'm', MD5OfMessageBody: 'x' }],
      Failed: [
        { Id: '0', SenderFault: false, Code: 'InternalError' },
        { Id: '2', SenderFault: true, Code: 'InvalidMessageContents' },
        { Id: '9', SenderFault: false, Code: 'InternalError' },
      ],
    });
    assert.deepEqual(await starts().requestBatch(['INV-1', 'INV-2', 'INV-3']), ['INV-1', 'INV-3'], 'an unknown id is dropped');
    assert.equal(sqs.calls().length, 1);
  });

  test('requestBatch: nothing to request sends nothing', async () => {
    assert.deepEqual(await starts().requestBatch([]), []);
    assert.equal(sqs.calls().length, 0);
  });

  test('requestBatch: a failed call throws (none taken)', async () => {
    const throttled = Object.assign(new Error('throttled'), { name: 'RequestThrottled', ...answered(403) });
    sqs.on(SendMessageBatchCommand).rejects(throttled);
    await assert.rejects(starts().requestBatch(['INV-1']), (error) => error === throttled);
  });
});

const bus = 'dunwell-domain';

describe('EventBridgeDomainEvents.publish', () => {
  test('one PutEvents entry on the bus, from dunwell.invoices, with the detail as JSON', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await new EventBridgeDomainEvents(new EventBridgeClient({}), bus).publish('payment.received', { invoiceId: 'INV-1', version: 4 });
    assert.deepEqual(inputsOf(events.commandCalls(PutEventsCommand)), [
      {
        Entries: [
          { EventBusName: bus, Source: 'dunwell.invoices', DetailType: 'payment.received', Detail: '{"invoiceId":"INV-1","version":4}' },
        ],
      },
    ]);
  });

  test('a failed entry (PutEvents answers 200 with FailedEntryCount) throws with its message', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] });
    await assert.rejects(
      new EventBridgeDomainEvents(new EventBridgeClient({}), bus).publish('invoice.changed', { invoiceId: 'INV-1', version: 1 }),
      { message: 'EventBridge rejected invoice.changed: Rate exceeded' },
    );
  });

  test('a failed call passes through', async () => {
    const failure = Object.assign(new Error('no bus'), { name: 'ResourceNotFoundException', ...answered(400) });
    events.on(PutEventsCommand).rejects(failure);
    await assert.rejects(
      new EventBridgeDomainEvents(new EventBridgeClient({}), bus).publish('invoice.updated', { invoiceId: 'INV-1', version: 1 }),
      (error) => error === failure,
    );
  });
});

describe('EventBridgeCollectorNotifier.publish', () => {
  const message = {
    type: 'collector_task.opened',
    task: { taskId: 'TSK.INV-1.post-30', invoiceId: 'INV-1', customerId: 'C-1', kind: 'call', reason: 'no_response' },
    invoice: { invoiceId: 'INV-1' },
    handoverIncluded: true,
  } as unknown as CollectorMessage;

  test('one PutEvents entry of detail type collector_task.opened; the event id is the message id', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-42' }] });
    assert.deepEqual(await new EventBridgeCollectorNotifier(new EventBridgeClient({}), bus).publish(message), { messageId: 'e-42' });
    assert.deepEqual(inputsOf(events.commandCalls(PutEventsCommand)), [
      {
        Entries: [{ EventBusName: bus, Source: 'dunwell.invoices', DetailType: 'collector_task.opened', Detail: JSON.stringify(message) }],
      },
    ]);
  });

  test('a failed entry, or an answer without an event id, throws naming the task', async () => {
    events
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{}] });
    const notifier = new EventBridgeCollectorNotifier(new EventBridgeClient({}), bus);
    await assert.rejects(notifier.publish(message), { message: 'EventBridge rejected collector task TSK.INV-1.post-30: oops' });
    await assert.rejects(notifier.publish(message), { message: 'EventBridge rejected collector task TSK.INV-1.post-30: unknown error' });
  });
});
