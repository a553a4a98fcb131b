import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LakeSql } from '../infra/local/lake-sql.ts';
import { encodeParquet } from '../shared/adapters/lake-parquet.ts';
import { INVOICE_EVENTS_TABLE, type InvoiceEventRow, invoiceEventColumns, partitionPrefix } from '../shared/contracts/lake.ts';
import { reportQueries, reportSql, sqlLiteral } from '../shared/contracts/report-queries.ts';
import { elapsedMs, type Figure, figure } from './figures.ts';

/**
 * The finance reports over a generated lake the size of a busy year (default 100k invoices and
 * about 2M events), laid out as the projector and the compaction leave it (one Parquet file per
 * UTC day), each report SQL run on DuckDB the way the local Athena emulation runs it.
 */

export interface LakeBenchOptions {
  readonly invoices: number;
}

const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;
const GOAL_MS = 2_000;

/** A deterministic generator, so two runs measure the same lake. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One invoice's events: received, reminders, maybe a dispute or a promise, payments or not. */
function invoiceEvents(n: number, next: () => number): InvoiceEventRow[] {
  const invoiceId = `INV-${String(n).padStart(7, '0')}`;
  const issued = YEAR_START + Math.floor(next() * 330) * DAY_MS + 9 * 3_600_000;
  const due = issued + 30 * DAY_MS;
  const amount = 1_000 + Math.floor(next() * 500_000);
  const currency = next() < 0.9 ? 'EUR' : 'USD';
  const terms = {
    invoice_id: invoiceId,
    customer_id: `C-${n % 20_000}`,
    currency,
    invoice_amount_minor: amount,
    issue_date: isoDate(issued),
    due_date: isoDate(due),
  };
  const rows: InvoiceEventRow[] = [];
  const add = (at: number, type: string, extra: Partial<InvoiceEventRow> = {}) => {
    const seq = rows.length;
    rows.push({
      event_id: `${invoiceId}/${seq}`,
      seq,
      type,
      at: new Date(at).toISOString(),
      ...terms,
      amount_minor: null,
      balance_minor: null,
      paid_at: null,
      step_id: null,
      channel: null,
      tone: null,
      message_id: null,
      reason: null,
      outcome: null,
      detail: '{}',
      ...extra,
    });
  };
  add(issued, 'invoice.received');
  add(issued, 'dunning.started');
  // The default policy's messages and calls over four tiers, as a 120-day lifecycle meets them.
  const steps = [
    ['pre-7', -7, 'email'],
    ['pre-3', -3, 'email'],
    ['post-3', 3, 'email'],
    ['post-10', 10, 'sms'],
    ['post-14', 14, 'email'],
    ['t2-email-35', 35, 'email'],
    ['t2-call-38', 38, 'task'],
    ['t3-email-65', 65, 'email'],
    ['t3-call-70', 70, 'task'],
  ] as const;
  const paidAfter = next() < 0.85 ? Math.floor(next() * 80) - 10 : null;
  let balance = amount;
  for (const [stepId, offset, channel] of steps) {
    const at = due + offset * DAY_MS;
    if (paidAfter !== null && offset > paidAfter) break;
    if (channel === 'task') {
      add(at, 'task.opened', { step_id: stepId, reason: stepId });
      continue;
    }
    add(at, 'reminder.sent', { step_id: stepId, channel, tone: 'firm', message_id: `M-${invoiceId}-${stepId}`, balance_minor: balance });
    if (channel === 'email') add(at + 60_000, 'email.delivered', { step_id: stepId });
  }
  if (next() < 0.05) add(due + 5 * DAY_MS, 'dispute.opened', { reason: 'pricing' });
  if (next() < 0.1) add(due + 4 * DAY_MS, 'promise.made');
  if (paidAfter !== null) {
    const paidAt = due + paidAfter * DAY_MS;
    if (next() < 0.2) {
      const part = Math.floor(amount / 2);
      balance -= part;
      add(paidAt - 5 * DAY_MS, 'payment.received', {
        amount_minor: part,
        balance_minor: balance,
        paid_at: new Date(paidAt - 5 * DAY_MS).toISOString(),
      });
    }
    add(paidAt, 'payment.received', { amount_minor: balance, balance_minor: 0, paid_at: new Date(paidAt).toISOString() });
    add(paidAt, 'invoice.paid');
    add(paidAt, 'thank_you.sent', { channel: 'email' });
    add(paidAt, 'invoice.closed');
  } else if (next() < 0.3) {
    add(due + 120 * DAY_MS, 'invoice.written_off', { amount_minor: balance });
    add(due + 120 * DAY_MS, 'invoice.closed');
  }
  return rows;
}

/** Writes the lake under `<dir>/invoice_events/dt=…/compacted.parquet`; returns events written. */
export function writeLake(dir: string, invoices: number): number {
  const next = random(1);
  const partitions = new Map<string, InvoiceEventRow[]>();
  let events = 0;
  for (let n = 0; n < invoices; n++) {
    for (const row of invoiceEvents(n, next)) {
      const dt = String(row.at).slice(0, 10);
      const rows = partitions.get(dt);
      if (rows) rows.push(row);
      else partitions.set(dt, [row]);
      events++;
    }
  }
  for (const [dt, rows] of partitions) {
    const folder = join(dir, partitionPrefix(INVOICE_EVENTS_TABLE, dt));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'compacted.parquet'), encodeParquet(invoiceEventColumns, rows));
  }
  return events;
}

function lakeFiles(dir: string): { files: number; bytes: number } {
  const tableDir = join(dir, INVOICE_EVENTS_TABLE);
  let files = 0;
  let bytes = 0;
  for (const partition of readdirSync(tableDir)) {
    for (const file of readdirSync(join(tableDir, partition))) {
      files++;
      bytes += statSync(join(tableDir, partition, file)).size;
    }
  }
  return { files, bytes };
}

const parameterValues: Record<string, string> = { asOf: '2026-12-31', from: '2026-10-01', to: '2026-12-31', currency: 'EUR' };

export async function runLakeBench(options: LakeBenchOptions, log: (line: string) => void): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dunwell-lake-bench-'));
  const lake = new LakeSql();
  try {
    log(`generating a lake of ${options.invoices.toLocaleString('en-US')} invoices…`);
    const started = performance.now();
    const events = writeLake(dir, options.invoices);
    const writeMs = elapsedMs(started);
    const { files, bytes } = lakeFiles(dir);
    const figures: Figure[] = [
      figure('invoices in the lake', options.invoices),
      figure('events (rows of invoice_events)', events),
      figure('Parquet files (one per UTC day, compacted)', files),
      figure('lake size', bytes / 1_048_576, 'MiB'),
      figure('Parquet encoding (hyparquet-writer)', events / (writeMs / 1000), 'rows/s'),
    ];
    for (const query of reportQueries) {
      const sql = reportSql(query.name, 'Europe/Berlin');
      const parameters = query.parameters.map((name) => sqlLiteral(parameterValues[name] ?? ''));
      await lake.query(dir, sql, parameters); // warm: DuckDB reads the file footers once
      const timings: number[] = [];
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        await lake.query(dir, sql, parameters);
        timings.push(elapsedMs(start));
      }
      const best = Math.min(...timings);
      log(`report ${query.name}: ${best.toFixed(0)} ms`);
      figures.push(
        figure(
          `report ${query.name} (best of 3)`,
          best,
          `ms   goal ≤ ${GOAL_MS.toLocaleString('en-US')} ms ${best <= GOAL_MS ? '✓' : '✗'}`,
        ),
      );
    }
    return figures;
  } finally {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
