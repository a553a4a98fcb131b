import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { DynamoIdempotencyStore } from '#adapters/dynamo-idempotency-store.ts';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const store = () => new DynamoIdempotencyStore(documentClient(), table);
const key = { pk: 'IDEMPOTENCY#client-1#erp-0001', sk: 'IDEMPOTENCY' };
const now = new Date('2026-11-05T12:00:00.900Z');
const nowSeconds = 1_793_880_000;
const response = { statusCode: 201, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...answered(400) });

describe('DynamoIdempotencyStore.claim', () => {
  test('a conditional put of an in_progress record, stale after 60 s, expiring after a day', async () => {
    assert.equal(Math.floor(now.getTime() / 1000), nowSeconds);
    ddb.on(PutCommand).resolves({});
    assert.deepEqual(await store().claim('client-1', 'erp-0001', 'fp-1', now), { state: 'new' });
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: { ...key, fingerprint: 'fp-1', state: 'in_progress', staleAt: nowSeconds + 60, expiresAt: nowSeconds + 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :inProgress AND staleAt < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':now': nowSeconds, ':inProgress': 'in_progress' },
      },
    ]);
    assert.deepEqual(commandNames(ddb.calls()), ['PutCommand']);
  });

  test('a taken key is read consistently and answered by its state and fingerprint', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...key, fingerprint: 'fp-1', state: 'done', response } })
      .resolvesOnce({ Item: { ...key, fingerprint: 'fp-other', state: 'done', response } })
      .resolvesOnce({ Item: { ...key, fingerprint: 'fp-1', state: 'in_progress' } })
      .resolvesOnce({});
    assert.deepEqual(await store().claim('client-1', 'erp-0001', 'fp-1', now), { state: 'replay', response });
    assert.deepEqual(await store().claim('client-1', 'erp-0001', 'fp-1', now), { state: 'mismatch' });
    assert.deepEqual(await store().claim('client-1', 'erp-0001', 'fp-1', now), { state: 'in_progress' });
    assert.deepEqual(await store().claim('client-1', 'erp-0001', 'fp-1', now), { state: 'in_progress' }, 'deleted in between');
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand))[0], { TableName: table, Key: key, ConsistentRead: true });
  });

  test('other put errors pass through, without a read', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(store().claim('client-1', 'erp-0001', 'fp-1', now), (error) => error === throttled);
    assert.equal(ddb.commandCalls(GetCommand).length, 0);
  });
});

describe('DynamoIdempotencyStore.complete and release', () => {
  test('complete: an unconditional put of the done record with its response, kept a day', async () => {
    ddb.on(PutCommand).resolves({});
    await store().complete('client-1', 'erp-0001', 'fp-1', response, now);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      { TableName: table, Item: { ...key, fingerprint: 'fp-1', state: 'done', response, expiresAt: nowSeconds + 86_400 } },
    ]);
  });

  test('release: DeleteItem of the record', async () => {
    ddb.on(DeleteCommand).resolves({});
    await store().release('client-1', 'erp-0001');
    assert.deepEqual(inputsOf(ddb.commandCalls(DeleteCommand)), [{ TableName: table, Key: key }]);
  });
});
