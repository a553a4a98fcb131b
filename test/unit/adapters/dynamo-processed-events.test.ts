import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { DynamoProcessedEvents } from '#adapters/dynamo-processed-events.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const events = () => new DynamoProcessedEvents(documentClient(), table, 'STRIPE_EVENT');
const key = { pk: 'STRIPE_EVENT#evt_1', sk: 'STRIPE_EVENT' };
const now = new Date('2026-11-05T12:00:00Z');
const nowSeconds = now.getTime() / 1000;

describe('DynamoProcessedEvents.claim', () => {
  test('a conditional put of <prefix>#<id>, kept 30 days; an expired record may be taken again', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await events().claim('evt_1', now), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: { ...key, receivedAt: '2026-11-05T12:00:00.000Z', expiresAt: nowSeconds + 30 * 24 * 3600 },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': nowSeconds },
      },
    ]);
  });

  test('ConditionalCheckFailedException (already processed) is false; other errors pass through', async () => {
    ddb.on(PutCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'taken', ...answered(400) }));
    assert.equal(await events().claim('evt_1', now), false);
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(events().claim('evt_1', now), (error) => error === throttled);
  });

  test('the prefix names the key (the default is STRIPE_EVENT)', async () => {
    ddb.on(PutCommand).resolves({});
    await new DynamoProcessedEvents(documentClient(), table, 'SES_EVENT').claim('m-1', now);
    await new DynamoProcessedEvents(documentClient(), table).claim('evt_2', now);
    assert.deepEqual(
      inputsOf(ddb.commandCalls(PutCommand)).map((input) => [input.Item?.pk, input.Item?.sk]),
      [
        ['SES_EVENT#m-1', 'SES_EVENT'],
        ['STRIPE_EVENT#evt_2', 'STRIPE_EVENT'],
      ],
    );
  });
});

describe('DynamoProcessedEvents.seen', () => {
  test('a consistent GetItem; a record counts until it expires (TTL deletion may lag)', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...key, expiresAt: nowSeconds } })
      .resolvesOnce({ Item: { ...key, expiresAt: nowSeconds - 1 } })
      .resolvesOnce({});
    assert.equal(await events().seen('evt_1', now), true);
    assert.equal(await events().seen('evt_1', now), false);
    assert.equal(await events().seen('evt_1', now), false);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand))[0], { TableName: table, Key: key, ConsistentRead: true });
  });
});
