import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { ACTIVE_SHARDS, documentClient } from '#adapters/dynamo-invoice-store.ts';
import { DynamoOpenInvoices } from '#adapters/dynamo-open-invoices.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const query = (shard: number, startKey?: Record<string, unknown>) => ({
  TableName: table,
  IndexName: 'gsi1',
  KeyConditionExpression: 'gsi1pk = :partition',
  ExpressionAttributeValues: { ':partition': `ACTIVE#${shard}` },
  ExclusiveStartKey: startKey,
});

describe('DynamoOpenInvoices.partitions', () => {
  test('one partition per active shard (8), each a gsi1 query of ACTIVE#<n> yielding invoice ids a page at a time', async () => {
    const lastKey = { gsi1pk: 'ACTIVE#3', gsi1sk: 'INV-2', pk: 'INVOICE#INV-2', sk: 'INVOICE' };
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':partition': 'ACTIVE#3' } })
      .resolvesOnce({ Items: [{ gsi1sk: 'INV-1' }, { gsi1sk: 'INV-2' }], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [{ gsi1sk: 'INV-3' }] });
    const partitions = new DynamoOpenInvoices(documentClient(), table).partitions();
    assert.equal(ACTIVE_SHARDS, 8);
    assert.equal(partitions.length, 8);
    const pages: (readonly string[])[][] = [];
    for (const partition of partitions) {
      const mine: (readonly string[])[] = [];
      for await (const page of partition) mine.push(page);
      pages.push(mine);
    }
    assert.deepEqual(pages[3], [['INV-1', 'INV-2'], ['INV-3']]);
    assert.deepEqual(pages[0], [[]]);
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      query(0),
      query(1),
      query(2),
      query(3),
      query(3, lastKey),
      query(4),
      query(5),
      query(6),
      query(7),
    ]);
  });

  test('nothing is read until a partition is iterated; a failed page fails its partition', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', ...answered(400) });
    ddb.on(QueryCommand).rejects(throttled);
    const partitions = new DynamoOpenInvoices(documentClient(), table).partitions();
    assert.equal(ddb.calls().length, 0);
    await assert.rejects(
      (async () => {
        for await (const _ of partitions[0]!);
      })(),
      (error) => error === throttled,
    );
  });
});
