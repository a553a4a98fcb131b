import type { InvoiceEventRow } from '#contracts/lake.ts';
import { invoiceEventRows } from '#contracts/lake-rows.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { InvoiceChange, LakeTable } from '#ports/lake.ts';

/** The one file a compacted partition holds. */
export const COMPACTED_FILE = 'compacted.parquet';

/**
 * The projector: a batch of changes becomes one Parquet file per partition it touches, named
 * after the batch's first sequence number. A retried batch starts at the same record, so it
 * rewrites the same files instead of adding rows.
 */
export async function projectChanges(
  changes: readonly InvoiceChange[],
  table: LakeTable<InvoiceEventRow>,
): Promise<{ rows: number; partitions: string[] }> {
  const first = changes[0];
  if (!first) return { rows: 0, partitions: [] };
  const partitions = new Map<string, InvoiceEventRow[]>();
  for (const change of changes) {
    if (!change.next) continue;
    for (const row of invoiceEventRows(change.previous, change.next)) addTo(partitions, row);
  }
  const name = `stream-${first.sequenceNumber}.parquet`;
  let rows = 0;
  for (const [dt, partitionRows] of partitions) {
    await table.writeFile(dt, name, partitionRows);
    rows += partitionRows.length;
  }
  return { rows, partitions: [...partitions.keys()].sort() };
}

/**
 * Merges every file of a partition into one, keeping one row per event id; files that arrive
 * meanwhile are left for the next run. Each step is safe to repeat: the merged file is
 * written before any input is deleted, and an input that survives a crash is merged again.
 */
export async function compactPartition(
  table: LakeTable<InvoiceEventRow>,
  dt: string,
): Promise<{ merged: number; rows: number; duplicates: number }> {
  const names = await table.listFiles(dt);
  if (names.length === 0 || (names.length === 1 && names[0] === COMPACTED_FILE)) return { merged: 0, rows: 0, duplicates: 0 };
  const byEvent = new Map<string, InvoiceEventRow>();
  let read = 0;
  for (const name of names) {
    for (const row of await table.readFile(dt, name)) {
      read++;
      const id = String(row.event_id);
      if (!byEvent.has(id)) byEvent.set(id, row);
    }
  }
  const rows = [...byEvent.values()].sort(
    (a, b) => String(a.invoice_id).localeCompare(String(b.invoice_id)) || Number(a.seq) - Number(b.seq),
  );
  await table.writeFile(dt, COMPACTED_FILE, rows);
  for (const name of names) if (name !== COMPACTED_FILE) await table.deleteFile(dt, name);
  return { merged: names.length, rows: rows.length, duplicates: read - rows.length };
}

/** Invoices per backfill file: bounds the memory a backfill needs, whatever the table's size. */
const BACKFILL_CHUNK = 2_000;

/**
 * Writes the whole timeline of every invoice it is given, in files named after the run's
 * segment and chunk, then compacts every partition it touched. Run twice, it still leaves one
 * row per event: the second run's files are merged away with the first run's (and the stream's).
 */
export async function backfillInvoices(
  invoices: AsyncIterable<Invoice>,
  table: LakeTable<InvoiceEventRow>,
  segment: string,
): Promise<{ invoices: number; rows: number; partitions: number }> {
  const touched = new Set<string>();
  let chunk = 0;
  let count = 0;
  let rows = 0;
  let pending = new Map<string, InvoiceEventRow[]>();
  let pendingInvoices = 0;
  const flush = async () => {
    for (const [dt, partitionRows] of pending) {
      await table.writeFile(dt, `backfill-${segment}-${String(chunk).padStart(5, '0')}.parquet`, partitionRows);
      touched.add(dt);
      rows += partitionRows.length;
    }
    chunk++;
    pending = new Map();
    pendingInvoices = 0;
  };
  for await (const invoice of invoices) {
    count++;
    for (const row of invoiceEventRows(undefined, invoice)) addTo(pending, row);
    if (++pendingInvoices >= BACKFILL_CHUNK) await flush();
  }
  if (pendingInvoices > 0) await flush();
  for (const dt of [...touched].sort()) await compactPartition(table, dt);
  return { invoices: count, rows, partitions: touched.size };
}

/** A row's partition: the UTC date of its instant. */
export function partitionOf(row: Pick<InvoiceEventRow, 'at'>): string {
  return new Date(String(row.at)).toISOString().slice(0, 10);
}

function addTo(partitions: Map<string, InvoiceEventRow[]>, row: InvoiceEventRow): void {
  const dt = partitionOf(row);
  const rows = partitions.get(dt);
  if (rows) rows.push(row);
  else partitions.set(dt, [row]);
}
