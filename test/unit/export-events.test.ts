import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { decodeParquet, encodeParquet } from '#adapters/lake-parquet.ts';
import { type InvoiceEventRow, invoiceEventColumns } from '#contracts/lake.ts';
import { invoiceEventRows } from '#contracts/lake-rows.ts';
import { applyCreditNote, voidInvoice } from '#domain/holds.ts';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import type { InvoiceChange, LakeTable } from '#ports/lake.ts';
import { backfillInvoices, COMPACTED_FILE, compactPartition, projectChanges } from '#use-cases/export-events.ts';
import { newInvoice } from '../support/invoices.ts';

/** A lake table in memory that stores real Parquet bytes, so encoding is part of every test. */
class MemoryLakeTable implements LakeTable {
  readonly files = new Map<string, Uint8Array>();
  failDeletes = false;

  async writeFile(dt: string, name: string, rows: readonly InvoiceEventRow[]): Promise<void> {
    this.files.set(`${dt}/${name}`, encodeParquet(invoiceEventColumns, rows));
  }
  async listFiles(dt: string): Promise<string[]> {
    return [...this.files.keys()]
      .filter((key) => key.startsWith(`${dt}/`))
      .map((key) => key.slice(dt.length + 1))
      .sort();
  }
  async readFile(dt: string, name: string): Promise<InvoiceEventRow[]> {
    const bytes = this.files.get(`${dt}/${name}`);
    if (!bytes) throw new Error(`no file ${dt}/${name}`);
    return (await decodeParquet(invoiceEventColumns, bytes)) as InvoiceEventRow[];
  }
  async deleteFile(dt: string, name: string): Promise<void> {
    if (this.failDeletes) throw new Error('simulated crash before the delete');
    this.files.delete(`${dt}/${name}`);
  }
  async allRows(): Promise<InvoiceEventRow[]> {
    const rows: InvoiceEventRow[] = [];
    for (const key of this.files.keys()) {
      const [dt = '', name = ''] = key.split('/');
      rows.push(...(await this.readFile(dt, name)));
    }
    return rows;
  }
}

function pay(invoice: Invoice, paymentId: string, amountMinor: number, at: string, paidAt = at): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt }, new Date(at));
  assert.equal(outcome.kind, 'recorded');
  return { ...outcome.invoice, version: invoice.version + 1 };
}

const received = newInvoice({}, '2026-11-01T10:00:00Z');
const partlyPaid = pay(received, 'PAY-1', 50_000, '2026-11-02T23:30:00Z', '2026-11-02T08:00:00Z');
const paidInFull = pay(partlyPaid, 'PAY-2', 75_000, '2026-11-03T09:00:00Z');

function counts(rows: readonly InvoiceEventRow[]): Map<string, number> {
  const byId = new Map<string, number>();
  for (const row of rows) byId.set(String(row.event_id), (byId.get(String(row.event_id)) ?? 0) + 1);
  return byId;
}

describe('invoiceEventRows', () => {
  test('a new invoice yields its whole timeline, each row with the invoice terms', () => {
    const rows = invoiceEventRows(undefined, received);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { ...rows[0], detail: undefined },
      {
        event_id: 'INV-2026-0001/0',
        invoice_id: 'INV-2026-0001',
        seq: 0,
        type: 'invoice.received',
        at: '2026-11-01T10:00:00.000Z',
        customer_id: 'C-100',
        currency: 'EUR',
        invoice_amount_minor: 125_000,
        issue_date: '2026-11-01',
        due_date: '2026-12-01',
        amount_minor: null,
        balance_minor: null,
        paid_at: null,
        step_id: null,
        channel: null,
        tone: null,
        message_id: null,
        reason: null,
        outcome: null,
        detail: undefined,
      },
    );
    assert.deepEqual(JSON.parse(String(rows[0]?.detail)), received.timeline[0]);
  });

  test('a change yields only the events past the previous version, numbered by timeline position', () => {
    const rows = invoiceEventRows(partlyPaid, paidInFull);
    assert.deepEqual(
      rows.map((row) => [row.event_id, row.type, row.amount_minor, row.balance_minor, row.paid_at]),
      [
        ['INV-2026-0001/2', 'payment.received', 75_000, 0, '2026-11-03T09:00:00Z'],
        ['INV-2026-0001/3', 'invoice.paid', null, null, null],
      ],
    );
  });

  test('money events carry their amounts: credit notes, voids keep terms', () => {
    const credited = applyCreditNote(received, 'CN-1', 20_000, 'goodwill', new Date('2026-11-05T10:00:00Z'));
    assert.equal(credited.kind, 'ok');
    if (credited.kind !== 'ok') return;
    const voided = voidInvoice(credited.invoice, 'entered twice', new Date('2026-11-06T10:00:00Z'));
    assert.equal(voided.kind, 'ok');
    if (voided.kind !== 'ok') return;
    const rows = invoiceEventRows(received, voided.invoice);
    assert.deepEqual(
      rows.map((row) => [row.type, row.amount_minor, row.balance_minor, row.reason]),
      [
        ['credit_note.applied', 20_000, 105_000, 'goodwill'],
        ['invoice.voided', null, null, 'entered twice'],
      ],
    );
  });
});

describe('projectChanges', () => {
  const batch: InvoiceChange[] = [
    { sequenceNumber: '000000000000000000101', previous: undefined, next: received },
    { sequenceNumber: '000000000000000000102', previous: received, next: partlyPaid },
    { sequenceNumber: '000000000000000000103', previous: partlyPaid, next: paidInFull },
  ];

  test('writes one file per UTC day it touches, named after the batch first record', async () => {
    const lake = new MemoryLakeTable();
    const result = await projectChanges(batch, lake);
    assert.deepEqual(result, { rows: 4, partitions: ['2026-11-01', '2026-11-02', '2026-11-03'] });
    assert.deepEqual([...lake.files.keys()].sort(), [
      '2026-11-01/stream-000000000000000000101.parquet',
      // 23:30 UTC on the 2nd is the 3rd in Berlin, but partitions are UTC days.
      '2026-11-02/stream-000000000000000000101.parquet',
      '2026-11-03/stream-000000000000000000101.parquet',
    ]);
  });

  test('a retried batch rewrites the same files: still one row per event', async () => {
    const lake = new MemoryLakeTable();
    await projectChanges(batch, lake);
    await projectChanges(batch, lake);
    // A retry may also come back with more records behind the same first one.
    await projectChanges([...batch, { sequenceNumber: '000000000000000000104', previous: undefined, next: undefined }], lake);
    const rows = await lake.allRows();
    assert.equal(rows.length, 4);
    assert.ok([...counts(rows).values()].every((count) => count === 1));
  });

  test('items that are not invoices (next undefined) add nothing', async () => {
    const lake = new MemoryLakeTable();
    assert.deepEqual(await projectChanges([{ sequenceNumber: '1', previous: undefined, next: undefined }], lake), {
      rows: 0,
      partitions: [],
    });
    assert.equal(lake.files.size, 0);
  });
});

describe('compactPartition', () => {
  test('merges a partition into one file, one row per event, sorted by invoice and position', async () => {
    const lake = new MemoryLakeTable();
    const other = newInvoice({ invoiceId: 'INV-2026-0000' }, '2026-11-01T11:00:00Z');
    await projectChanges([{ sequenceNumber: '5', previous: undefined, next: received }], lake);
    await projectChanges([{ sequenceNumber: '7', previous: undefined, next: other }], lake);
    // The same event written twice (a backfill beside the stream).
    await lake.writeFile('2026-11-01', 'backfill-0of1-00000.parquet', invoiceEventRows(undefined, received));

    const result = await compactPartition(lake, '2026-11-01');
    assert.deepEqual(result, { merged: 3, rows: 2, duplicates: 1 });
    assert.deepEqual(await lake.listFiles('2026-11-01'), [COMPACTED_FILE]);
    const rows = await lake.readFile('2026-11-01', COMPACTED_FILE);
    assert.deepEqual(
      rows.map((row) => row.event_id),
      ['INV-2026-0000/0', 'INV-2026-0001/0'],
    );
    assert.deepEqual(await compactPartition(lake, '2026-11-01'), { merged: 0, rows: 0, duplicates: 0 });
  });

  test('a crash after the merged file was written loses nothing and the next run still leaves one row each', async () => {
    const lake = new MemoryLakeTable();
    await projectChanges([{ sequenceNumber: '5', previous: undefined, next: received }], lake);
    await projectChanges([{ sequenceNumber: '6', previous: undefined, next: received }], lake);
    lake.failDeletes = true;
    await assert.rejects(compactPartition(lake, '2026-11-01'), /simulated crash/);
    assert.equal((await lake.listFiles('2026-11-01')).length, 3);
    lake.failDeletes = false;
    await compactPartition(lake, '2026-11-01');
    assert.deepEqual(await lake.listFiles('2026-11-01'), [COMPACTED_FILE]);
    assert.equal((await lake.allRows()).length, 1);
  });
});

describe('backfillInvoices', () => {
  async function* invoices(...items: Invoice[]): AsyncIterable<Invoice> {
    yield* items;
  }

  test('run twice beside the stream, the lake still holds one row per event', async () => {
    const lake = new MemoryLakeTable();
    await projectChanges([{ sequenceNumber: '9', previous: partlyPaid, next: paidInFull }], lake);
    const first = await backfillInvoices(invoices(paidInFull), lake, '0of1');
    assert.deepEqual(first, { invoices: 1, rows: 4, partitions: 3 });
    await backfillInvoices(invoices(paidInFull), lake, '0of1');
    const rows = await lake.allRows();
    assert.deepEqual([...counts(rows).keys()].sort(), ['INV-2026-0001/0', 'INV-2026-0001/1', 'INV-2026-0001/2', 'INV-2026-0001/3']);
    assert.ok([...counts(rows).values()].every((count) => count === 1));
    assert.ok([...lake.files.keys()].every((key) => key.endsWith(`/${COMPACTED_FILE}`)));
  });
});
