import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { queryListings } from '#adapters/dynamo-listings.ts';
import { ListIndex } from '#contracts/table-indexes.ts';
import { inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const base = { index: ListIndex.collection, partition: 'INVOICES#open' };
const listings = (...ids: string[]) => ids.map((id) => ({ listing: { id } }));
const sent = () => inputsOf(ddb.commandCalls(QueryCommand));

describe('queryListings key conditions', () => {
  test('no range: the partition only, projecting the listing, Limit = wanted', async () => {
    ddb.on(QueryCommand).resolves({ Items: listings('a', 'b') });
    assert.deepEqual(await queryListings(documentClient(), table, { ...base, wanted: 5 }), [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(sent(), [
      {
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: '#pk = :partition',
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: { '#pk': 'gsi2pk', '#listing': 'listing' },
        ExpressionAttributeValues: { ':partition': 'INVOICES#open' },
        Limit: 5,
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  test('both bounds: BETWEEN :from AND :before on the sort key', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await queryListings(documentClient(), table, { ...base, range: { from: '2026-11-01', before: '2026-12-01' }, wanted: 5 });
    const [input] = sent();
    assert.equal(input?.KeyConditionExpression, '#pk = :partition AND #sk BETWEEN :from AND :before');
    assert.deepEqual(input?.ExpressionAttributeNames, { '#pk': 'gsi2pk', '#listing': 'listing', '#sk': 'gsi2sk' });
    assert.deepEqual(input?.ExpressionAttributeValues, { ':partition': 'INVOICES#open', ':from': '2026-11-01', ':before': '2026-12-01' });
  });

  test('one bound: >= :from, or < :before', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await queryListings(documentClient(), table, { ...base, range: { from: '2026-11-01' }, wanted: 5 });
    await queryListings(documentClient(), table, { ...base, range: { before: '2026-12-01' }, wanted: 5 });
    assert.deepEqual(
      sent().map((input) => [input.KeyConditionExpression, input.ExpressionAttributeValues]),
      [
        ['#pk = :partition AND #sk >= :from', { ':partition': 'INVOICES#open', ':from': '2026-11-01' }],
        ['#pk = :partition AND #sk < :before', { ':partition': 'INVOICES#open', ':before': '2026-12-01' }],
      ],
    );
  });

  test('an empty range, or a position past its end, reads nothing', async () => {
    const itemKey = { pk: 'INVOICE#INV-9', sk: 'INVOICE' };
    assert.deepEqual(
      await queryListings(documentClient(), table, { ...base, range: { from: '2026-12-01', before: '2026-12-01' }, wanted: 5 }),
      [],
    );
    assert.deepEqual(
      await queryListings(documentClient(), table, {
        ...base,
        range: { before: '2026-12-01' },
        after: { sortKey: '2026-12-01#INV-9', itemKey },
        wanted: 5,
      }),
      [],
    );
    assert.equal(ddb.calls().length, 0);
  });
});

describe('queryListings paging', () => {
  test('resumes after a position: ExclusiveStartKey is the item key plus the index key', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const itemKey = { pk: 'INVOICE#INV-9', sk: 'INVOICE' };
    await queryListings(documentClient(), table, { ...base, after: { sortKey: '2026-12-01#INV-9', itemKey }, wanted: 5 });
    assert.deepEqual(sent()[0]?.ExclusiveStartKey, { ...itemKey, gsi2pk: 'INVOICES#open', gsi2sk: '2026-12-01#INV-9' });
  });

  test('a position before the range start is dropped (the range starts first)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const itemKey = { pk: 'INVOICE#INV-9', sk: 'INVOICE' };
    await queryListings(documentClient(), table, {
      ...base,
      range: { from: '2026-12-01' },
      after: { sortKey: '2026-11-01#INV-9', itemKey },
      wanted: 5,
    });
    assert.equal(sent()[0]?.ExclusiveStartKey, undefined);
  });

  test('follows LastEvaluatedKey asking only for what is still wanted, and stops once it has enough', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: listings('a', 'b'), LastEvaluatedKey: { k: 1 } })
      .resolvesOnce({ Items: listings('c', 'd', 'e'), LastEvaluatedKey: { k: 2 } })
      .resolves({ Items: listings('never') });
    assert.deepEqual(await queryListings(documentClient(), table, { ...base, wanted: 4 }), [
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
      { id: 'd' },
    ]);
    assert.deepEqual(
      sent().map((input) => [input.Limit, input.ExclusiveStartKey]),
      [
        [4, undefined],
        [2, { k: 1 }],
      ],
    );
  });

  test('a filter on a listing field: FilterExpression, and pages of at least 100 (the filter applies after the read)', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { k: 1 } })
      .resolvesOnce({ Items: listings('a') });
    const found = await queryListings(documentClient(), table, {
      index: ListIndex.group,
      partition: 'INVOICES#CUSTOMER#C-1',
      where: { field: 'status', value: 'paid' },
      wanted: 3,
    });
    assert.deepEqual(found, [{ id: 'a' }]);
    assert.deepEqual(sent(), [
      {
        TableName: table,
        IndexName: 'gsi3',
        KeyConditionExpression: '#pk = :partition',
        FilterExpression: '#listing.#field = :value',
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: { '#pk': 'gsi3pk', '#listing': 'listing', '#field': 'status' },
        ExpressionAttributeValues: { ':partition': 'INVOICES#CUSTOMER#C-1', ':value': 'paid' },
        Limit: 100,
        ExclusiveStartKey: undefined,
      },
      {
        TableName: table,
        IndexName: 'gsi3',
        KeyConditionExpression: '#pk = :partition',
        FilterExpression: '#listing.#field = :value',
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: { '#pk': 'gsi3pk', '#listing': 'listing', '#field': 'status' },
        ExpressionAttributeValues: { ':partition': 'INVOICES#CUSTOMER#C-1', ':value': 'paid' },
        Limit: 100,
        ExclusiveStartKey: { k: 1 },
      },
    ]);
  });
});
