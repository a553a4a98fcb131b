import assert from 'node:assert/strict';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { DynamoReplyRoutes, REPLY_ROUTE_KEEP_SECONDS } from '#adapters/dynamo-reply-routes.ts';
import { DynamoUnmatchedReplies, UNMATCHED_REPLY_KEEP_SECONDS } from '#adapters/dynamo-unmatched-replies.ts';
import { SignedReplyAddresses } from '#adapters/reply-addresses.ts';
import { parseKeyring } from '#domain/pay-link.ts';
import { checkReplyCode, replyCodeOf, routeIsSealed } from '#domain/reply-address.ts';
import type { UnmatchedReply } from '#ports/replies.ts';
import { InvalidCursorError } from '#ports/task-store.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';
import { FakeSecrets, InMemoryReplyRoutes } from '../../support/fakes.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const route = {
  code: '00112233445566778899aabbccddee',
  invoiceIds: ['INV-1', 'INV-2'],
  customerId: 'C-1',
  step: 'post-3',
  sentAt: '2026-12-04T08:00:00.000Z',
  keyId: 'k1',
  seal: 'seal-1',
};
const key = { pk: 'REPLYTO#00112233445566778899aabbccddee', sk: 'REPLYTO' };

describe('DynamoReplyRoutes', () => {
  const routes = () => new DynamoReplyRoutes(documentClient(), table);

  test('create: one conditional put, kept 400 days after the message was sent (TTL)', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await routes().create(route), true);
    const { code: _code, ...stored } = route;
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: { ...key, ...stored, expiresAt: Date.parse(route.sentAt) / 1000 + REPLY_ROUTE_KEEP_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    ]);
    assert.equal(REPLY_ROUTE_KEEP_SECONDS, 400 * 24 * 3600);
  });

  test('create: a code already taken is false', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'taken', ...answered(400) }));
    assert.equal(await routes().create(route), false);
  });

  test('get: a consistent read; a damaged item is no route', async () => {
    const { code: _code, ...stored } = route;
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...key, ...stored, expiresAt: 1 } })
      .resolvesOnce({ Item: { ...key, ...stored, invoiceIds: 'INV-1' } })
      .resolves({});
    assert.deepEqual(await routes().get(route.code), route);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand))[0], { TableName: table, Key: key, ConsistentRead: true });
    assert.equal(await routes().get(route.code), undefined, 'a damaged item');
    assert.equal(await routes().get(route.code), undefined, 'no item');
  });
});

describe('DynamoUnmatchedReplies', () => {
  const replies = () => new DynamoUnmatchedReplies(documentClient(), table);
  const reply: UnmatchedReply = {
    sesMessageId: 'ses-1',
    receivedAt: '2026-12-04T09:00:00.000Z',
    reason: 'bad_signature',
    detail: "the reply address's code is bad signature",
    recipients: ['r+00@replies.example.com'],
    verdicts: { spf: 'PASS', dkim: 'PASS', spam: 'PASS', virus: 'PASS' },
    messageKey: 'inbound/ses-1',
    attachments: [],
  };

  test('add: one conditional put per SES message, listed under REPLIES#unmatched, kept two years', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await replies().add(reply), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: {
          pk: 'REPLY#ses-1',
          sk: 'REPLY',
          ...reply,
          gsi1pk: 'REPLIES#unmatched',
          gsi1sk: '2026-12-04T09:00:00.000Z#ses-1',
          expiresAt: Date.parse(reply.receivedAt) / 1000 + UNMATCHED_REPLY_KEEP_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    ]);
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'there', ...answered(400) }));
    assert.equal(await replies().add(reply), false, 'a redelivery is not kept twice');
  });

  test('list: newest first on the keys-only index, then the items; the cursor names the last entry', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [{ gsi1pk: 'REPLIES#unmatched', gsi1sk: '2026-12-04T09:00:00.000Z#ses-1', pk: 'REPLY#ses-1', sk: 'REPLY' }],
      LastEvaluatedKey: { pk: 'REPLY#ses-1' },
    });
    ddb.on(BatchGetCommand).resolves({
      Responses: { [table]: [{ pk: 'REPLY#ses-1', sk: 'REPLY', gsi1pk: 'x', gsi1sk: 'y', expiresAt: 1, ...reply }] },
    });
    const page = await replies().list({ limit: 1 });
    assert.deepEqual(page.replies, [reply]);
    assert.ok(page.next);
    const [query] = inputsOf(ddb.commandCalls(QueryCommand));
    assert.deepEqual([query?.IndexName, query?.ScanIndexForward, query?.Limit], ['gsi1', false, 1]);
    await replies().list({ limit: 1, after: page.next });
    const [, next] = inputsOf(ddb.commandCalls(QueryCommand));
    assert.deepEqual(next?.ExclusiveStartKey, {
      gsi1pk: 'REPLIES#unmatched',
      gsi1sk: '2026-12-04T09:00:00.000Z#ses-1',
      pk: 'REPLY#ses-1',
      sk: 'REPLY',
    });
    await assert.rejects(replies().list({ limit: 1, after: 'not-a-cursor' }), InvalidCursorError);
  });
});

describe('SignedReplyAddresses', () => {
  const keyring = { current: 'k1', k1: 'the-reply-key-0123456789abcdef' };

  test('r+<code>@<reply domain>, its sealed route stored first; a taken code is minted again', async () => {
    const routes = new InMemoryReplyRoutes();
    const addresses = new SignedReplyAddresses(new FakeSecrets({ links: JSON.stringify(keyring) }), 'links', 'replies.example.com', routes);
    const message = { invoiceIds: ['INV-1'], customerId: 'C-1', step: 'pre-3', sentAt: '2026-11-30T08:00:00.000Z' };
    const address = await addresses.replyTo(message);
    const code = replyCodeOf([address], 'replies.example.com');
    assert.ok(code);
    const check = checkReplyCode(parseKeyring(JSON.stringify(keyring)), code);
    assert.ok(check.ok);
    const stored = await routes.get(code);
    assert.deepEqual(
      stored && { invoiceIds: stored.invoiceIds, customerId: stored.customerId, step: stored.step, sentAt: stored.sentAt },
      message,
    );
    assert.ok(stored && routeIsSealed(parseKeyring(JSON.stringify(keyring)), stored, check.keyId));

    let refusals = 2;
    const crowded = { create: async () => refusals-- <= 0, get: async () => undefined };
    const retried = new SignedReplyAddresses(new FakeSecrets({ links: JSON.stringify(keyring) }), 'links', 'replies.example.com', crowded);
    assert.match(await retried.replyTo(message), /^r\+[0-9a-f]{30}@replies\.example\.com$/);
    const full = new SignedReplyAddresses(new FakeSecrets({ links: JSON.stringify(keyring) }), 'links', 'replies.example.com', {
      create: async () => false,
      get: async () => undefined,
    });
    await assert.rejects(full.replyTo(message), /No free reply code/);
  });
});
