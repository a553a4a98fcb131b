import assert from 'node:assert/strict';
import { NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { SnsCollectorNotifier } from '#adapters/sns-collectors.ts';
import type { CollectorMessage } from '#domain/tasks.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());
afterAll(() => sns.restore());

const topic = 'arn:aws:sns:eu-central-1:111122223333:dunwell-collectors';
const string = (value: string) => ({ DataType: 'String', StringValue: value });
const messageFor = (invoiceId: string) =>
  ({
    type: 'collector_task.opened',
    task: { taskId: `TSK.${invoiceId}.post-30`, invoiceId, customerId: 'C-1', kind: 'agency_referral', reason: 'agency_referral' },
    invoice: { invoiceId },
    handoverIncluded: true,
  }) as unknown as CollectorMessage;

describe('SnsCollectorNotifier.publish', () => {
  test('Publish to the topic: subject, JSON body, and kind/reason/invoiceId/taskId attributes for filtering', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-9' });
    const message = messageFor('INV-1');
    assert.deepEqual(await new SnsCollectorNotifier(new SNSClient({}), topic).publish(message), { messageId: 'sns-9' });
    assert.deepEqual(inputsOf(sns.commandCalls(PublishCommand)), [
      {
        TopicArn: topic,
        Subject: 'Collector task (agency_referral): INV-1',
        Message: JSON.stringify(message),
        MessageAttributes: {
          kind: string('agency_referral'),
          reason: string('agency_referral'),
          invoiceId: string('INV-1'),
          taskId: string('TSK.INV-1.post-30'),
        },
      },
    ]);
  });

  test('the subject is printable ASCII, at most 100 characters', async () => {
    sns.on(PublishCommand).resolves({});
    const invoiceId = `Fü-${'x'.repeat(120)}`;
    assert.deepEqual(await new SnsCollectorNotifier(new SNSClient({}), topic).publish(messageFor(invoiceId)), { messageId: 'unknown' });
    const [input] = inputsOf(sns.commandCalls(PublishCommand));
    assert.equal(input?.Subject, `Collector task (agency_referral): F?-${'x'.repeat(100 - 37)}`);
    assert.equal(input?.Subject?.length, 100);
    assert.deepEqual(input?.MessageAttributes?.invoiceId, string(invoiceId), 'the attribute keeps the id whole');
  });

  test('SNS errors pass through (delivery is at least once: the caller retries)', async () => {
    const missing = new NotFoundException({ message: 'Topic does not exist', ...answered(404) });
    sns.on(PublishCommand).rejects(missing);
    await assert.rejects(new SnsCollectorNotifier(new SNSClient({}), topic).publish(messageFor('INV-1')), (error) => error === missing);
  });
});
