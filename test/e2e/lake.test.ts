import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { decodeParquet } from '#adapters/lake-parquet.ts';
import { INVOICE_EVENTS_TABLE, invoiceEventColumns } from '#contracts/lake.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

interface LakeRow {
  readonly event_id: string;
  readonly invoice_id: string;
  readonly seq: number;
  readonly type: string;
  readonly at: string;
  readonly [column: string]: unknown;
}

/** Every Parquet file of `invoice_events` under a data folder, and their rows. */
async function readLake(dataDir: string): Promise<{ files: string[]; rows: LakeRow[] }> {
  const tableDir = join(dataDir, 'exports', INVOICE_EVENTS_TABLE);
  if (!existsSync(tableDir)) return { files: [], rows: [] };
  const files = readdirSync(tableDir)
    .flatMap((partition) => readdirSync(join(tableDir, partition)).map((file) => `${partition}/${file}`))
    .sort();
  const rows: LakeRow[] = [];
  for (const file of files) {
    rows.push(...((await decodeParquet(invoiceEventColumns, new Uint8Array(readFileSync(join(tableDir, file))))) as unknown as LakeRow[]));
  }
  return { files, rows };
}

/** The timeline the API shows, as the lake should hold it: [event_id, type, at]. */
async function timelineOf(server: LocalServer, invoiceId: string): Promise<string[][]> {
  const { body } = await server.api('GET', `/v1/invoices/${invoiceId}`);
  return (body.timeline as { type: string; at: string }[]).map((event, seq) => [`${invoiceId}/${seq}`, event.type, event.at]);
}

function lakeTimeline(rows: readonly LakeRow[], invoiceId: string): string[][] {
  return rows
    .filter((row) => row.invoice_id === invoiceId)
    .sort((a, b) => a.seq - b.seq)
    .map((row) => [row.event_id, row.type, row.at]);
}

describe('the finance lake on the local runtime', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  test('every timeline event lands once, in compacted Parquet files partitioned by UTC day', async () => {
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-LAKE-1' }));
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-LAKE-2', amount: '90.00', lines: [] }));
    await server.advance({ to: '2026-12-10T00:00:00Z' });
    const payment = await server.api('POST', '/v1/invoices/INV-LAKE-1/payments', {
      paymentId: 'PAY-LAKE-1',
      amount: '250.00',
      paidAt: '2026-12-09T15:00:00Z',
    });
    assert.equal(payment.status, 201);

    const flushed = await server.local('POST', '/_local/exports/flush');
    assert.equal(flushed.status, 200);
    assert.ok(flushed.body.files >= 3, `several days were written: ${JSON.stringify(flushed.body)}`);

    const { files, rows } = await readLake(server.dataDir);
    assert.ok(
      files.every((file) => /^dt=\d{4}-\d{2}-\d{2}\/compacted\.parquet$/.test(file)),
      `one compacted file per partition: ${files}`,
    );
    for (const invoiceId of ['INV-LAKE-1', 'INV-LAKE-2']) {
      assert.deepEqual(lakeTimeline(rows, invoiceId), await timelineOf(server, invoiceId));
    }
    for (const file of files) {
      const dt = file.slice(3, 13);
      const inFile = rows.filter((row) => row.at.slice(0, 10) === dt);
      assert.ok(inFile.length > 0, `partition ${dt} holds the rows of its day`);
    }
    const paid = rows.find((row) => row.event_id.startsWith('INV-LAKE-1/') && row.type === 'payment.received');
    assert.equal(paid?.amount_minor, 25_000);
    assert.equal(paid?.balance_minor, 100_000);
    assert.equal(paid?.paid_at, '2026-12-09T15:00:00.000Z');
    assert.equal(paid?.currency, 'EUR');
    assert.equal(paid?.due_date, '2026-12-01');
    const reminder = rows.find((row) => row.invoice_id === 'INV-LAKE-1' && row.type === 'reminder.sent');
    assert.equal(reminder?.channel, 'email');
    assert.equal(reminder?.step_id, 'pre-3');
  });

  test('flushing again writes nothing new; a backfill run twice still leaves one row per event', async () => {
    const before = await readLake(server.dataDir);
    assert.deepEqual((await server.local('POST', '/_local/exports/flush')).body, { files: 0, rows: 0 });

    for (let run = 0; run < 2; run++) {
      const backfill = await server.local('POST', '/_local/exports/backfill');
      assert.equal(backfill.status, 200);
      assert.equal(backfill.body.invoices, 2);
    }
    const afterBackfill = await readLake(server.dataDir);
    assert.deepEqual(afterBackfill.files, before.files);
    const ids = afterBackfill.rows.map((row) => row.event_id);
    assert.equal(new Set(ids).size, ids.length, 'no event id twice');
    assert.deepEqual([...ids].sort(), before.rows.map((row) => row.event_id).sort());
  });
});

describe('the lake across a crash', () => {
  test('invoice writes acknowledged before a kill -9 reach the lake after the restart, once each', async () => {
    const first = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const dataDir = first.dataDir;
    try {
      await first.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-LAKE-CRASH' }));
      await first.advance({ to: '2026-11-20T00:00:00Z' });
      // Half of the history reaches the lake; the rest is still in the stream when the process dies.
      await first.local('POST', '/_local/exports/flush');
      await first.advance({ to: '2026-12-05T00:00:00Z' });
      const before = await timelineOf(first, 'INV-LAKE-CRASH');
      assert.ok(before.length >= 4, 'reminders went out after the first flush');
      await first.kill();

      const second = await LocalServer.start({ dataDir });
      try {
        await second.local('POST', '/_local/exports/flush');
        const { rows } = await readLake(dataDir);
        const timeline = await timelineOf(second, 'INV-LAKE-CRASH');
        assert.deepEqual(timeline.slice(0, before.length), before);
        assert.deepEqual(lakeTimeline(rows, 'INV-LAKE-CRASH'), timeline);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a data folder from before the lake', () => {
  test('its history reaches the lake at the first start, once', async () => {
    const first = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const dataDir = first.dataDir;
    try {
      await first.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-LAKE-OLD' }));
      await first.advance({ to: '2026-12-05T00:00:00Z' });
      await first.stop({ keepData: true });
      // What a folder written before the lake existed looks like: no stream, no exports.
      for (const name of ['dynamodb-stream.jsonl', 'dynamodb-stream.jsonl.checkpoint', 'exports']) {
        rmSync(join(dataDir, name), { recursive: true, force: true });
      }

      const second = await LocalServer.start({ dataDir });
      try {
        await second.local('POST', '/_local/exports/flush');
        const { rows } = await readLake(dataDir);
        assert.deepEqual(lakeTimeline(rows, 'INV-LAKE-OLD'), await timelineOf(second, 'INV-LAKE-OLD'));
      } finally {
        await second.stop({ keepData: true });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
