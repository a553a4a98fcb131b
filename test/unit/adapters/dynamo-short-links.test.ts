import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { DynamoShortLinkStore } from '#adapters/dynamo-short-links.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const links = () => new DynamoShortLinkStore(documentClient(), table);
const key = { pk: 'SHORTLINK#Ab3xY9', sk: 'SHORTLINK' };
const expiresAt = new Date('2027-01-01T00:00:00.750Z');
const expiresSeconds = 1_798_761_600;
const link = { code: 'Ab3xY9', invoiceId: 'INV-1', keyId: 'k-2026', seal: 'seal-1', expiresAt };

describe('DynamoShortLinkStore.create', () => {
  test('one conditional put: the link to the second, and a TTL 30 days past its expiry', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await links().create(link), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: {
          ...key,
          invoiceId: 'INV-1',
          keyId: 'k-2026',
          seal: 'seal-1',
          linkExpiresAt: expiresSeconds,
          expiresAt: expiresSeconds + 30 * 24 * 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    ]);
  });

  test('a code already taken (ConditionalCheckFailedException) is false; other errors pass through', async () => {
    ddb.on(PutCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'taken', ...answered(400) }));
    assert.equal(await links().create(link), false);
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(links().create(link), (error) => error === throttled);
  });
});

describe('DynamoShortLinkStore.get', () => {
  test('a consistent GetItem by code', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key, invoiceId: 'INV-1', keyId: 'k-2026', seal: 'seal-1', linkExpiresAt: expiresSeconds } });
    assert.deepEqual(await links().get('Ab3xY9'), { ...link, expiresAt: new Date(expiresSeconds * 1000) });
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [{ TableName: table, Key: key, ConsistentRead: true }]);
  });

  test('no item, or an item of the wrong shape, is no link', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolvesOnce({ Item: { ...key, invoiceId: 'INV-1', keyId: 'k', seal: 's', linkExpiresAt: '1798761600' } });
    assert.equal(await links().get('Ab3xY9'), undefined);
    assert.equal(await links().get('Ab3xY9'), undefined);
  });
});
