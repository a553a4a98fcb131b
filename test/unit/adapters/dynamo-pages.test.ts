import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { queryItems, queryPages } from '#adapters/dynamo-pages.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const input = { TableName: 'dunwell', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'X' } };

describe('queryPages and queryItems', () => {
  test('the query as given, then again from each LastEvaluatedKey until there is none', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'X', sk: '1' } })
      .resolvesOnce({ LastEvaluatedKey: { pk: 'X', sk: '2' } })
      .resolvesOnce({ Items: [{ n: 3 }] });
    const pages: Record<string, unknown>[][] = [];
    for await (const page of queryPages(documentClient(), input)) pages.push(page);
    assert.deepEqual(pages, [[{ n: 1 }], [], [{ n: 3 }]], 'an empty page (all filtered) does not end the query');
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      { ...input, ExclusiveStartKey: undefined },
      { ...input, ExclusiveStartKey: { pk: 'X', sk: '1' } },
      { ...input, ExclusiveStartKey: { pk: 'X', sk: '2' } },
    ]);
  });

  test('queryItems gathers every page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { pk: 'X', sk: '2' } })
      .resolvesOnce({ Items: [{ n: 3 }] });
    assert.deepEqual(await queryItems(documentClient(), input), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  test('a failed page passes its error through', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', ...answered(400) });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'X', sk: '1' } })
      .rejects(throttled);
    await assert.rejects(queryItems(documentClient(), input), (error) => error === throttled);
  });
});
