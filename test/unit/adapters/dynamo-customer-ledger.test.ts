import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { DynamoCustomerLedger } from '#adapters/dynamo-customer-ledger.ts';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import type { LedgerEntry } from '#ports/customer-ledger.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const ledger = () => new DynamoCustomerLedger(documentClient(), table);
const key = { pk: 'CUSTOMER#C-1', sk: 'SENDS' };
const entry = (entryId: string, at: string): LedgerEntry => ({ entryId, at, invoiceId: 'INV-1', stepId: 'post-3' });
const old = entry('e-old', '2026-11-20T09:00:00.000Z');
const recent = entry('e-recent', '2026-11-28T09:00:00.000Z');
const fresh = entry('e-new', '2026-12-01T09:00:00.000Z');
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...answered(400) });

describe('DynamoCustomerLedger.read', () => {
  test('a consistent GetItem of CUSTOMER#<id> / SENDS', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [recent], version: 4 } });
    assert.deepEqual(await ledger().read('C-1'), { entries: [recent], version: 4 });
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [{ TableName: table, Key: key, ConsistentRead: true }]);
  });

  test('no item is an empty ledger at version 0', async () => {
    ddb.on(GetCommand).resolves({});
    assert.deepEqual(await ledger().read('C-1'), { entries: [], version: 0 });
  });
});

describe('DynamoCustomerLedger.reserve', () => {
  test('the first entry creates the item: put with attribute_not_exists(pk), version 1', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    assert.equal(await ledger().reserve('C-1', fresh, 0, new Date('2026-11-24T00:00:00Z')), true);
    assert.deepEqual(commandNames(ddb.calls()), ['GetCommand', 'PutCommand']);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      { TableName: table, Item: { ...key, entries: [fresh], version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' },
    ]);
  });

  test('a later entry rewrites the item guarded by the version read, pruning entries older than keepSince', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [old, recent], version: 3 } });
    ddb.on(PutCommand).resolves({});
    assert.equal(await ledger().reserve('C-1', fresh, 3, new Date('2026-11-24T00:00:00Z')), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: { ...key, entries: [recent, fresh], version: 4 },
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': 3 },
      },
    ]);
  });

  test('a ledger already past the expected version is refused without a write', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [recent], version: 5 } });
    assert.equal(await ledger().reserve('C-1', fresh, 4, new Date('2026-11-24T00:00:00Z')), false);
    assert.equal(ddb.commandCalls(PutCommand).length, 0);
  });

  test('ConditionalCheckFailedException (someone got in first) is false', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [], version: 2 } });
    ddb.on(PutCommand).rejects(conditionFailed());
    assert.equal(await ledger().reserve('C-1', fresh, 2, new Date('2026-11-24T00:00:00Z')), false);
  });

  test('other errors pass through (throughput exceeded)', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [], version: 2 } });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(ledger().reserve('C-1', fresh, 2, new Date('2026-11-24T00:00:00Z')), (error) => error === throttled);
  });
});

describe('DynamoCustomerLedger.release', () => {
  test('removes the entry with a put guarded by the version read', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [recent, fresh], version: 7 } });
    ddb.on(PutCommand).resolves({});
    await ledger().release('C-1', 'e-new');
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: { ...key, entries: [recent], version: 8 },
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': 7 },
      },
    ]);
  });

  test('an entry that is not there needs no write', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [recent], version: 7 } });
    await ledger().release('C-1', 'e-new');
    assert.deepEqual(commandNames(ddb.calls()), ['GetCommand']);
  });

  test('a lost race reads again and retries with the new version', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...key, entries: [fresh], version: 7 } })
      .resolves({ Item: { ...key, entries: [recent, fresh], version: 8 } });
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    await ledger().release('C-1', 'e-new');
    assert.deepEqual(commandNames(ddb.calls()), ['GetCommand', 'PutCommand', 'GetCommand', 'PutCommand']);
    const [first, second] = inputsOf(ddb.commandCalls(PutCommand));
    assert.deepEqual([first?.Item, first?.ExpressionAttributeValues], [{ ...key, entries: [], version: 8 }, { ':expected': 7 }]);
    assert.deepEqual([second?.Item, second?.ExpressionAttributeValues], [{ ...key, entries: [recent], version: 9 }, { ':expected': 8 }]);
  });

  test('after 8 lost races it gives up quietly (the reservation stays)', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, entries: [fresh], version: 7 } });
    ddb.on(PutCommand).rejects(conditionFailed());
    await ledger().release('C-1', 'e-new');
    assert.equal(ddb.commandCalls(GetCommand).length, 8);
    assert.equal(ddb.commandCalls(PutCommand).length, 8);
  });
});
