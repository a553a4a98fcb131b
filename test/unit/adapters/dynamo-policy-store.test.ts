import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { DynamoPolicyStore } from '#adapters/dynamo-policy-store.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const store = () => new DynamoPolicyStore(documentClient(), table);
const policy = { ...defaultPolicy, policyId: 'gentle', version: 2, name: 'Gentle' } as Policy;
const now = new Date('2026-11-05T12:00:00Z');
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...answered(400) });

const versionPut = {
  TableName: table,
  Item: { pk: 'POLICY#gentle', sk: 'V#000002', policy, createdAt: '2026-11-05T12:00:00.000Z' },
  ConditionExpression: 'attribute_not_exists(pk)',
};
const pointerPut = {
  TableName: table,
  Item: { pk: 'POLICY#gentle', sk: 'LATEST', version: 2, gsi1pk: 'POLICIES', gsi1sk: 'gentle' },
  ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
  ExpressionAttributeValues: { ':version': 2 },
};

describe('DynamoPolicyStore.publish', () => {
  test('writes the immutable version item, then moves the LATEST pointer forward', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await store().publish(policy, now), policy);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [versionPut, pointerPut]);
  });

  test('a version number already taken: the pointer is moved anyway, then StaleWriteError', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    await assert.rejects(store().publish(policy, now), (error) => error instanceof StaleWriteError);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [versionPut, pointerPut]);
  });

  test('a pointer already past this version (condition failed) is fine', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    assert.equal(await store().publish(policy, now), policy);
  });

  test('other errors pass through: on the version (no pointer write) and on the pointer', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(store().publish(policy, now), (error) => error === throttled);
    assert.equal(ddb.commandCalls(PutCommand).length, 1);
    ddb.reset();
    ddb.on(PutCommand).resolvesOnce({}).rejects(throttled);
    await assert.rejects(store().publish(policy, now), (error) => error === throttled);
  });
});

describe('DynamoPolicyStore.get', () => {
  test('a given version: one consistent GetItem of POLICY#<id> / V#<6 digits>', async () => {
    ddb.on(GetCommand).resolves({ Item: { policy } });
    assert.deepEqual(await store().get('gentle', 2), policy);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [
      { TableName: table, Key: { pk: 'POLICY#gentle', sk: 'V#000002' }, ConsistentRead: true },
    ]);
  });

  test('the latest: the LATEST pointer first, then that version', async () => {
    ddb.on(GetCommand, { Key: { pk: 'POLICY#gentle', sk: 'LATEST' } }).resolves({ Item: { version: 2 } });
    ddb.on(GetCommand, { Key: { pk: 'POLICY#gentle', sk: 'V#000002' } }).resolves({ Item: { policy } });
    assert.deepEqual(await store().get('gentle'), policy);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [
      { TableName: table, Key: { pk: 'POLICY#gentle', sk: 'LATEST' }, ConsistentRead: true },
      { TableName: table, Key: { pk: 'POLICY#gentle', sk: 'V#000002' }, ConsistentRead: true },
    ]);
  });

  test('the built-in default, never edited: no pointer, and its version is not read from the table', async () => {
    ddb.on(GetCommand).resolves({});
    assert.deepEqual(await store().get('default'), defaultPolicy);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [
      { TableName: table, Key: { pk: 'POLICY#default', sk: 'LATEST' }, ConsistentRead: true },
    ]);
  });

  test('an unknown policy is undefined after one read', async () => {
    ddb.on(GetCommand).resolves({});
    assert.equal(await store().get('nope'), undefined);
    assert.deepEqual(commandNames(ddb.calls()), ['GetCommand']);
  });
});

describe('DynamoPolicyStore.list', () => {
  test('the POLICIES partition of gsi1 (paged), plus the default, each read at its latest version', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ gsi1sk: 'gentle' }],
        LastEvaluatedKey: { gsi1pk: 'POLICIES', gsi1sk: 'gentle', pk: 'POLICY#gentle', sk: 'LATEST' },
      })
      .resolvesOnce({ Items: [] });
    ddb.on(GetCommand, { Key: { pk: 'POLICY#gentle', sk: 'LATEST' } }).resolves({ Item: { version: 2 } });
    ddb.on(GetCommand, { Key: { pk: 'POLICY#gentle', sk: 'V#000002' } }).resolves({ Item: { policy } });
    ddb.on(GetCommand, { Key: { pk: 'POLICY#default', sk: 'LATEST' } }).resolves({});
    assert.deepEqual(await store().list(), [defaultPolicy, policy]);
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :partition',
        ExpressionAttributeValues: { ':partition': 'POLICIES' },
        ExclusiveStartKey: undefined,
      },
      {
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :partition',
        ExpressionAttributeValues: { ':partition': 'POLICIES' },
        ExclusiveStartKey: { gsi1pk: 'POLICIES', gsi1sk: 'gentle', pk: 'POLICY#gentle', sk: 'LATEST' },
      },
    ]);
  });
});
