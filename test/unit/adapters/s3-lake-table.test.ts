import assert from 'node:assert/strict';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { decodeParquet, encodeParquet } from '#adapters/lake-parquet.ts';
import { invoiceEventsTable, S3LakeTable, s3Client } from '#adapters/s3-lake-table.ts';
import type { InvoiceEventRow, LakeColumn } from '#contracts/lake.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());
afterAll(() => s3.restore());

const bucket = 'dunwell-lake';
const columns: readonly LakeColumn[] = [
  { name: 'invoice_id', type: 'string', comment: 'the invoice' },
  { name: 'seq', type: 'int', comment: 'position in its timeline' },
];
const rows = [
  { invoice_id: 'INV-1', seq: 0 },
  { invoice_id: 'INV-1', seq: 1 },
] as unknown as InvoiceEventRow[];
const lake = () => new S3LakeTable(s3Client(), bucket, 'invoice_events', columns);

/** A GetObject body as the SDK hands it out (only the method the adapter uses). */
const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes }) as never;

describe('S3LakeTable.writeFile', () => {
  test('PutObject of one Parquet file under <table>/dt=<day>/', async () => {
    s3.on(PutObjectCommand).resolves({});
    await lake().writeFile('2026-12-01', 'part-0001.parquet', rows);
    const inputs = inputsOf(s3.commandCalls(PutObjectCommand));
    assert.deepEqual(inputs, [
      {
        Bucket: bucket,
        Key: 'invoice_events/dt=2026-12-01/part-0001.parquet',
        Body: encodeParquet(columns, rows),
        ContentType: 'application/vnd.apache.parquet',
      },
    ]);
    assert.deepEqual(await decodeParquet(columns, inputs[0]?.Body as Uint8Array), rows);
  });

  test('an S3 error passes through', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', ...answered(403) });
    s3.on(PutObjectCommand).rejects(denied);
    await assert.rejects(lake().writeFile('2026-12-01', 'a.parquet', rows), (error) => error === denied);
  });
});

describe('S3LakeTable.listFiles', () => {
  test('ListObjectsV2 of the partition prefix, following NextContinuationToken while IsTruncated', async () => {
    const prefix = 'invoice_events/dt=2026-12-01/';
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        IsTruncated: true,
        NextContinuationToken: 'token-2',
        Contents: [{ Key: `${prefix}b.parquet` }, { Key: `${prefix}notes.txt` }],
      })
      .resolvesOnce({
        IsTruncated: false,
        NextContinuationToken: 'ignored',
        Contents: [{ Key: `${prefix}a.parquet` }, { Key: `${prefix}tmp/c.parquet` }],
      })
      .resolves({ Contents: [{ Key: `${prefix}never.parquet` }] });
    assert.deepEqual(
      await lake().listFiles('2026-12-01'),
      ['a.parquet', 'b.parquet'],
      'only .parquet files directly in the partition, sorted',
    );
    assert.deepEqual(inputsOf(s3.commandCalls(ListObjectsV2Command)), [
      { Bucket: bucket, Prefix: prefix, ContinuationToken: undefined },
      { Bucket: bucket, Prefix: prefix, ContinuationToken: 'token-2' },
    ]);
  });

  test('an empty partition is no files', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    assert.deepEqual(await lake().listFiles('2026-12-02'), []);
  });
});

describe('S3LakeTable.readFile and deleteFile', () => {
  test('GetObject of the file, decoded with the table columns', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(encodeParquet(columns, rows)) });
    assert.deepEqual(await lake().readFile('2026-12-01', 'a.parquet'), rows);
    assert.deepEqual(inputsOf(s3.commandCalls(GetObjectCommand)), [{ Bucket: bucket, Key: 'invoice_events/dt=2026-12-01/a.parquet' }]);
  });

  test('an object without a body is an error naming its key; NoSuchKey passes through', async () => {
    s3.on(GetObjectCommand)
      .resolvesOnce({})
      .rejects(new NoSuchKey({ message: 'gone', ...answered(404) }));
    await assert.rejects(lake().readFile('2026-12-01', 'a.parquet'), {
      message: 'Lake object invoice_events/dt=2026-12-01/a.parquet has no body',
    });
    await assert.rejects(lake().readFile('2026-12-01', 'a.parquet'), NoSuchKey);
  });

  test('DeleteObject of the file', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await lake().deleteFile('2026-12-01', 'a.parquet');
    assert.deepEqual(inputsOf(s3.commandCalls(DeleteObjectCommand)), [{ Bucket: bucket, Key: 'invoice_events/dt=2026-12-01/a.parquet' }]);
  });
});

describe('the lake client and table', () => {
  test('checksums only where S3 requires them', async () => {
    const client = s3Client();
    assert.equal(await client.config.requestChecksumCalculation(), 'WHEN_REQUIRED');
    assert.equal(await client.config.responseChecksumValidation(), 'WHEN_REQUIRED');
  });

  test('invoiceEventsTable writes under invoice_events/ in the given bucket', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await invoiceEventsTable('other-bucket').deleteFile('2026-12-03', 'x.parquet');
    assert.deepEqual(inputsOf(s3.commandCalls(DeleteObjectCommand)), [
      { Bucket: 'other-bucket', Key: 'invoice_events/dt=2026-12-03/x.parquet' },
    ]);
  });
});
