import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { LocalDynamoStream } from '#local/dynamo-stream.ts';
import { testTable } from '../support/dynalite.ts';

const table = testTable('dunwell-stream-test');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let direct: DynamoDBClient;
let dynamoUrl: string;
let folder: string;

const keysOf = (id: string) => ({ pk: { S: `INVOICE#${id}` }, sk: { S: 'INVOICE' } });
const invoiceItem = (id: string, version: number, events: number) => ({
  pk: { S: `INVOICE#${id}` },
  sk: { S: 'INVOICE' },
  version: { N: String(version) },
  timeline: { L: Array.from({ length: events }, (_, n) => ({ M: { type: { S: `event.${n}` } } })) },
});

function stream(file: string): LocalDynamoStream {
  return new LocalDynamoStream({
    targetUrl: dynamoUrl,
    tableName: table.tableName,
    captures: (item) => (item.sk as { S?: string }).S === 'INVOICE',
    file,
    now: () => new Date('2026-12-01T00:00:00Z'),
    region: 'us-east-1',
    account: '000000000000',
  });
}

async function put(url: string, item: Record<string, unknown>, condition?: { expected: number }) {
  const client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return client.send(
    new PutItemCommand({
      TableName: table.tableName,
      Item: item as never,
      ...(condition
        ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(condition.expected) } } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    }),
  );
}

describe('the local DynamoDB stream', () => {
  beforeAll(async () => {
    direct = await table.start();
    dynamoUrl = String(await direct.config.endpoint?.().then((endpoint) => `http://${endpoint.hostname}:${endpoint.port}`));
    folder = mkdtempSync(join(tmpdir(), 'dunwell-stream-'));
  });
  afterAll(async () => {
    await table.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  test('a captured put becomes a record with both images; a refused put and other items do not', async () => {
    const local = stream(join(folder, 'a.jsonl'));
    const url = await local.start();
    try {
      await put(url, invoiceItem('A', 1, 1));
      await put(url, invoiceItem('A', 2, 2), { expected: 1 });
      await assert.rejects(put(url, invoiceItem('A', 2, 3), { expected: 1 }), { name: 'ConditionalCheckFailedException' });
      await put(url, { pk: { S: 'CUSTOMER#C' }, sk: { S: 'CUSTOMER' }, version: { N: '1' } });

      const records = local.pending();
      assert.deepEqual(
        records.map((record) => [
          record.eventName,
          record.dynamodb.SequenceNumber,
          record.dynamodb.OldImage?.version,
          record.dynamodb.NewImage.version,
        ]),
        [
          ['INSERT', '000000000000000000001', undefined, { N: '1' }],
          ['MODIFY', '000000000000000000002', { N: '1' }, { N: '2' }],
        ],
      );
      local.acknowledge('000000000000000000001');
      assert.deepEqual(
        local.pending().map((record) => record.dynamodb.SequenceNumber),
        ['000000000000000000002'],
      );
    } finally {
      await local.close();
    }
    // A restart resumes after the checkpoint with the next sequence number.
    const again = stream(join(folder, 'a.jsonl'));
    const againUrl = await again.start();
    try {
      assert.deepEqual(
        again.pending().map((record) => record.dynamodb.SequenceNumber),
        ['000000000000000000002'],
      );
      await put(againUrl, invoiceItem('B', 1, 1));
      assert.equal(again.pending().at(-1)?.dynamodb.SequenceNumber, '000000000000000000004');
    } finally {
      await again.close();
    }
  });

  test('an intent a crash left without outcome is settled by the item: committed if the put landed, dropped if not', async () => {
    const file = join(folder, 'b.jsonl');
    // The put of C landed in the table, then the process died before logging the outcome.
    await put(dynamoUrl, invoiceItem('C', 1, 1));
    appendFileSync(file, `${JSON.stringify({ op: 'intent', seq: 1, at: 0, keys: keysOf('C'), new: invoiceItem('C', 1, 1) })}\n`);
    // The put of D (version 2) never reached the table.
    await put(dynamoUrl, invoiceItem('D', 1, 1));
    appendFileSync(
      file,
      `${JSON.stringify({ op: 'intent', seq: 2, at: 0, keys: keysOf('D'), old: invoiceItem('D', 1, 1), new: invoiceItem('D', 2, 2) })}\n{"op":"intent","se`,
    );

    const recovered = stream(file);
    await recovered.start();
    try {
      assert.deepEqual(
        recovered.pending().map((record) => [record.dynamodb.SequenceNumber, record.dynamodb.Keys.pk]),
        [['000000000000000000001', { S: 'INVOICE#C' }]],
      );
      assert.match(readFileSync(file, 'utf8'), /"op":"abort","seq":2/);
      const stored = await direct.send(
        new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'INVOICE#D' }, sk: { S: 'INVOICE' } } }),
      );
      assert.deepEqual(stored.Item?.version, { N: '1' });
    } finally {
      await recovered.close();
    }
  });
});
