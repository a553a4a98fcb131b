import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { DynamoTaskStore } from '#adapters/dynamo-task-store.ts';
import type { CollectorTask } from '#domain/tasks.ts';
import { InvalidCursorError } from '#ports/task-store.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const store = () => new DynamoTaskStore(documentClient(), table);
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...answered(400) });

const task = (invoiceId: string, openedAt = '2026-12-01T09:00:00.000Z'): CollectorTask => ({
  taskId: `TSK.${invoiceId}.post-30`,
  invoiceId,
  customerId: 'C-1',
  kind: 'call',
  reason: 'no_response',
  stepKey: 'post-30',
  status: 'open',
  openedAt,
  dueAt: null,
});
const open = task('INV-1');
const done: CollectorTask = { ...open, status: 'completed', completedAt: '2026-12-03T10:00:00.000Z', outcome: 'promise' as never };
const itemOf = (value: CollectorTask) => ({
  pk: `TASK#${value.taskId}`,
  sk: 'TASK',
  ...value,
  gsi1pk: `TASKS#${value.status}`,
  gsi1sk: `${value.status === 'open' ? value.openedAt : value.completedAt}#${value.taskId}`,
});
const entry = (value: CollectorTask) => ({
  pk: `TASK#${value.taskId}`,
  sk: 'TASK',
  gsi1pk: `TASKS#${value.status}`,
  gsi1sk: itemOf(value).gsi1sk,
});

describe('DynamoTaskStore writes', () => {
  test('create: a conditional put of TASK#<id> with its worklist entry (open, by opening instant)', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await store().create(open), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      { TableName: table, Item: itemOf(open), ConditionExpression: 'attribute_not_exists(pk)' },
    ]);
  });

  test('complete: replaces the task only while it is open; the entry moves to completed, by completion instant', async () => {
    ddb.on(PutCommand).resolves({});
    assert.equal(await store().complete(done), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: { ...itemOf(done), gsi1pk: 'TASKS#completed', gsi1sk: '2026-12-03T10:00:00.000Z#TSK.INV-1.post-30' },
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open' },
      },
    ]);
  });

  test('ConditionalCheckFailedException is false; other errors pass through', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).rejectsOnce(conditionFailed());
    assert.equal(await store().create(open), false);
    assert.equal(await store().complete(done), false);
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(store().create(open), (error) => error === throttled);
  });
});

describe('DynamoTaskStore.get', () => {
  test('a consistent GetItem, without keys and index attributes', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: itemOf(open) })
      .resolves({});
    assert.deepEqual(await store().get(open.taskId), open);
    assert.equal(await store().get('TSK.none.x'), undefined);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand))[0], {
      TableName: table,
      Key: { pk: 'TASK#TSK.INV-1.post-30', sk: 'TASK' },
      ConsistentRead: true,
    });
  });
});

describe('DynamoTaskStore.list', () => {
  test('open tasks: the TASKS#open partition of gsi1 oldest first, limit + 1 keys, then BatchGetItem of the page', async () => {
    const tasks = ['INV-1', 'INV-2', 'INV-3'].map((id, at) => task(id, `2026-12-0${at + 1}T09:00:00.000Z`));
    ddb.on(QueryCommand).resolves({ Items: tasks.map(entry) });
    ddb.on(BatchGetCommand).resolves({ Responses: { [table]: tasks.slice(0, 2).map(itemOf).reverse() } });
    const page = await store().list({ status: 'open', limit: 2 });
    assert.deepEqual(page.tasks, tasks.slice(0, 2), 'in index order, whatever order BatchGetItem answers in');
    assert.ok(page.next);
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :list',
        ExpressionAttributeValues: { ':list': 'TASKS#open' },
        ScanIndexForward: true,
        Limit: 3,
        ExclusiveStartKey: undefined,
      },
    ]);
    assert.deepEqual(inputsOf(ddb.commandCalls(BatchGetCommand)), [
      { RequestItems: { [table]: { Keys: tasks.slice(0, 2).map((value) => ({ pk: `TASK#${value.taskId}`, sk: 'TASK' })) } } },
    ]);
  });

  test('the next cursor resumes at the last entry of the page (ExclusiveStartKey with the table key)', async () => {
    const tasks = ['INV-1', 'INV-2'].map((id, at) => task(id, `2026-12-0${at + 1}T09:00:00.000Z`));
    ddb.on(QueryCommand).resolves({ Items: tasks.map(entry) });
    ddb.on(BatchGetCommand).resolves({ Responses: { [table]: tasks.map(itemOf) } });
    const first = await store().list({ status: 'open', limit: 1 });
    ddb.resetHistory();
    await store().list({ status: 'open', limit: 1, after: first.next });
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand))[0]?.ExclusiveStartKey, entry(tasks[0]!));
  });

  test('completed tasks: latest first; an invoice filter is a begins_with on the projected table key, 100 a page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    assert.deepEqual(await store().list({ status: 'completed', invoiceId: 'INV-1', limit: 5 }), { tasks: [] });
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :list',
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':list': 'TASKS#completed', ':prefix': 'TASK#TSK.INV-1.' },
        ScanIndexForward: false,
        Limit: 100,
        ExclusiveStartKey: undefined,
      },
    ]);
    assert.equal(ddb.commandCalls(BatchGetCommand).length, 0, 'no keys, no BatchGetItem');
  });

  test('follows LastEvaluatedKey until the page is full', async () => {
    const tasks = ['INV-1', 'INV-2'].map((id, at) => task(id, `2026-12-0${at + 1}T09:00:00.000Z`));
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [entry(tasks[0]!)], LastEvaluatedKey: entry(tasks[0]!) })
      .resolvesOnce({ Items: [entry(tasks[1]!)] });
    ddb.on(BatchGetCommand).resolves({ Responses: { [table]: tasks.map(itemOf) } });
    assert.deepEqual((await store().list({ status: 'open', limit: 5 })).tasks, tasks);
    assert.deepEqual(
      inputsOf(ddb.commandCalls(QueryCommand)).map((input) => [input.Limit, input.ExclusiveStartKey]),
      [
        [6, undefined],
        [5, entry(tasks[0]!)],
      ],
    );
  });

  test('UnprocessedKeys are retried; still unprocessed after 5 retries is an error', async () => {
    ddb.on(QueryCommand).resolves({ Items: [entry(open)] });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ UnprocessedKeys: { [table]: { Keys: [{ pk: 'TASK#TSK.INV-1.post-30', sk: 'TASK' }] } } })
      .resolvesOnce({ Responses: { [table]: [itemOf(open)] } });
    assert.deepEqual((await store().list({ status: 'open', limit: 5 })).tasks, [open]);
    assert.equal(ddb.commandCalls(BatchGetCommand).length, 2);

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [entry(open)] });
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { [table]: { Keys: [{ pk: 'TASK#TSK.INV-1.post-30', sk: 'TASK' }] } } });
    await assert.rejects(store().list({ status: 'open', limit: 5 }), { message: 'BatchGetItem left 1 task(s) unprocessed after retries' });
    assert.equal(ddb.commandCalls(BatchGetCommand).length, 6);
  });

  test('a cursor of another listing is refused before any read', async () => {
    const cursor = Buffer.from(JSON.stringify(['completed', '2026-12-01T09:00:00.000Z#TSK.INV-1.post-30'])).toString('base64url');
    await assert.rejects(store().list({ status: 'open', limit: 5, after: cursor }), InvalidCursorError);
    await assert.rejects(store().list({ status: 'open', limit: 5, after: '%%%' }), InvalidCursorError);
    assert.equal(ddb.calls().length, 0);
  });
});
