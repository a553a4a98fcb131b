import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { encodeParquet } from '#adapters/lake-parquet.ts';
import { INVOICE_EVENTS_TABLE, type InvoiceEventRow, invoiceEventColumns, partitionPrefix } from '#contracts/lake.ts';
import {
  executionParameters,
  type ReportName,
  type ReportParameter,
  reportQueries,
  reportSql,
  reportTemplate,
  sqlLiteral,
} from '#contracts/report-queries.ts';
import { agingReport, KPI_SUM_COLUMNS, kpiReport, periodBeforeHistory, periodKpiReports } from '#domain/finance-reports.ts';
import { LakeSql } from '#local/lake-sql.ts';

/*
 * A hand-built ledger written as real Parquet and queried with the real SQL on DuckDB. Every
 * expected value below is worked out by hand from the ledger (the arithmetic is in the
 * comments), never by running the queries. Reporting zone Europe/Berlin, UTC+1 all winter:
 * an instant at 23:30Z is on the next local day.
 *
 * Invoices (EUR unless said; amounts in cents; I = issue date, D = due date):
 *  A 1000.00 I 2026-10-01 D 2026-10-31: paid 300.00 on 12-10 and 200.00 on 01-20 (that row
 *    written twice), a dispute on 01-22 (issued before the period: not in the dispute rate),
 *    a notice by email on 01-31.
 *  B  500.00 I 2027-01-02 D 2027-01-12: reminder due-email 01-13 09:00:00Z in one email with C,
 *    paid in full 01-19 09:00Z (6 days later), then a thank-you (not a reminder).
 *  C  300.00 I 2027-01-02 D 2027-01-12: same email 01-13 09:00:02Z, paid in full at
 *    01-20 09:00:02Z (exactly 7 x 24 h later) but recorded on 01-22.
 *  D  800.00 I 2026-12-01 D 2026-12-31: SMS sms-5 on 01-05 10:00:00Z, promise, paid in full
 *    01-12 10:00:01Z (7 x 24 h + 1 s after the SMS), promise kept (that row written twice).
 *  E  600.00 I 2026-11-15 D 2026-12-15: credit note 100.00 on 12-20, due-email sent with an
 *    unknown outcome on 01-03 and confirmed by the provider, promise broken 01-16 00:30Z,
 *    credit note 50.00 on 01-25.
 *  F  400.00 I 2027-01-05 D 2027-02-04: dispute damaged_goods 01-10, credited 150.00 on 01-18
 *    (a credit_note.applied plus a dispute.resolved repeating the amount).
 *  G  250.00 I 2027-01-03 D 2027-02-02: dispute pricing 01-08, upheld and voided 01-21.
 *  H  900.00 I 2026-06-01 D 2026-07-01: paid 100.00 in 2026-08, 800.00 written off 01-10.
 *  I  700.00 I 2027-01-20 D 2027-02-19: dispute at 01-31 23:30Z = 02-01 in Berlin.
 *  J  received as 200.00 D 2027-01-14, updated on 01-06 to 240.00 D 2027-02-03 (I 2027-01-04).
 *  K  100.00 I 2026-12-20 D 2027-01-19: paid 120.00 at 12-31 23:30Z = 01-01 in Berlin.
 *  L  150.00 I 2026-12-28 D 2027-01-27: pre-due-email at 12-31 23:45Z = 01-01 in Berlin,
 *    paid 50.00 at 01-31 23:30Z = 02-01 in Berlin.
 *  U  USD 999.99: events of every kind in January, none of which may count in EUR.
 * Replies (reply.received, appended to the timelines): r-bc on B and C (one reply about both),
 * r-f paid claims; r-g a dispute; r-d a promise; r-e and r-j other; r-a (December) and r-i
 * (01-31 23:40Z = 02-01 in Berlin) auto-replies outside January; U's r-u in USD.
 */

const ZONE = 'Europe/Berlin';

interface Terms {
  readonly customerId: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly issueDate: string;
  readonly dueDate: string;
}

type EventFields = Partial<
  Record<
    'amount_minor' | 'balance_minor' | 'paid_at' | 'step_id' | 'channel' | 'tone' | 'message_id' | 'reason' | 'outcome',
    string | number
  >
>;

interface LedgerEvent {
  readonly type: string;
  readonly at: string;
  readonly fields?: EventFields;
  /** New terms from this event on (invoice.updated). */
  readonly terms?: Partial<Terms>;
}

function timeline(invoiceId: string, terms: Terms, events: readonly LedgerEvent[]): InvoiceEventRow[] {
  let current = terms;
  return events.map((event, seq) => {
    current = { ...current, ...event.terms };
    const row: Record<string, string | number | null> = Object.fromEntries(invoiceEventColumns.map((column) => [column.name, null]));
    Object.assign(row, {
      event_id: `${invoiceId}/${seq}`,
      invoice_id: invoiceId,
      seq,
      type: event.type,
      at: event.at,
      customer_id: current.customerId,
      currency: current.currency,
      invoice_amount_minor: current.amountMinor,
      issue_date: current.issueDate,
      due_date: current.dueDate,
      ...event.fields,
      detail: JSON.stringify({ type: event.type, at: event.at }),
    });
    return row as InvoiceEventRow;
  });
}

const eur = (customerId: string, amountMinor: number, issueDate: string, dueDate: string): Terms => ({
  customerId,
  currency: 'EUR',
  amountMinor,
  issueDate,
  dueDate,
});
const payment = (at: string, amount: number, balance: number, paidAt = at): LedgerEvent => ({
  type: 'payment.received',
  at,
  fields: { amount_minor: amount, balance_minor: balance, paid_at: paidAt },
});
const reminder = (at: string, stepId: string, channel: string, messageId: string): LedgerEvent => ({
  type: 'reminder.sent',
  at,
  fields: { step_id: stepId, channel, message_id: messageId, tone: 'friendly' },
});
const received = (at: string): LedgerEvent => ({ type: 'invoice.received', at });
/** A customer's reply as the projector writes it: its class as reason, the SES id of the reply as message_id. */
const reply = (at: string, kind: string, sesMessageId: string): LedgerEvent => ({
  type: 'reply.received',
  at,
  fields: { reason: kind, message_id: sesMessageId },
});

const ledger: InvoiceEventRow[] = [
  ...timeline('A', eur('C1', 100_000, '2026-10-01', '2026-10-31'), [
    received('2026-10-01T08:00:00Z'),
    reminder('2026-11-01T09:00:00Z', 'due-email', 'email', 'm-a1'),
    payment('2026-12-10T10:00:00Z', 30_000, 70_000),
    payment('2027-01-20T10:00:00Z', 20_000, 50_000),
    { type: 'dispute.opened', at: '2027-01-22T08:00:00Z', fields: { reason: 'damaged_goods' } },
    reminder('2027-01-31T10:00:00Z', 't4-notice-91', 'notice', 'm-a2'),
    reply('2026-12-10T11:00:00Z', 'auto_reply', 'r-a'),
  ]),
  ...timeline('B', eur('C2', 50_000, '2027-01-02', '2027-01-12'), [
    received('2027-01-02T08:00:00Z'),
    reminder('2027-01-13T09:00:00Z', 'due-email', 'email', 'm-bc'),
    payment('2027-01-19T09:00:00Z', 50_000, 0),
    { type: 'invoice.paid', at: '2027-01-19T09:00:00Z' },
    { type: 'thank_you.sent', at: '2027-01-19T09:05:00Z', fields: { channel: 'email', message_id: 'm-ty' } },
    { type: 'invoice.closed', at: '2027-01-19T09:05:00Z', fields: { reason: 'paid' } },
    reply('2027-01-14T10:00:00Z', 'payment_claimed', 'r-bc'),
  ]),
  ...timeline('C', eur('C2', 30_000, '2027-01-02', '2027-01-12'), [
    received('2027-01-02T08:00:10Z'),
    reminder('2027-01-13T09:00:02Z', 'due-email', 'email', 'm-bc'),
    payment('2027-01-22T10:00:00Z', 30_000, 0, '2027-01-20T09:00:02Z'),
    { type: 'invoice.paid', at: '2027-01-22T10:00:00Z' },
    reply('2027-01-14T10:00:00Z', 'payment_claimed', 'r-bc'),
  ]),
  ...timeline('D', eur('C3', 80_000, '2026-12-01', '2026-12-31'), [
    received('2026-12-01T08:00:00Z'),
    reminder('2027-01-05T10:00:00Z', 'sms-5', 'sms', 's-d'),
    { type: 'promise.made', at: '2027-01-06T10:00:00Z', fields: { amount_minor: 80_000 } },
    payment('2027-01-12T10:00:01Z', 80_000, 0),
    { type: 'promise.kept', at: '2027-01-12T10:00:01Z' },
    { type: 'invoice.paid', at: '2027-01-12T10:00:01Z' },
    reply('2027-01-06T09:00:00Z', 'promise', 'r-d'),
  ]),
  ...timeline('E', eur('C4', 60_000, '2026-11-15', '2026-12-15'), [
    received('2026-11-15T08:00:00Z'),
    { type: 'credit_note.applied', at: '2026-12-20T12:00:00Z', fields: { amount_minor: 10_000, balance_minor: 50_000 } },
    { type: 'reminder.unconfirmed', at: '2027-01-03T09:00:00Z', fields: { step_id: 'due-email' } },
    { type: 'reminder.confirmed', at: '2027-01-03T09:10:00Z', fields: { step_id: 'due-email', message_id: 'm-e' } },
    { type: 'promise.made', at: '2027-01-08T12:00:00Z', fields: { amount_minor: 50_000 } },
    { type: 'promise.broken', at: '2027-01-16T00:30:00Z' },
    { type: 'credit_note.applied', at: '2027-01-25T12:00:00Z', fields: { amount_minor: 5_000, balance_minor: 45_000 } },
    reply('2027-01-16T08:00:00Z', 'other', 'r-e'),
  ]),
  ...timeline('F', eur('C5', 40_000, '2027-01-05', '2027-02-04'), [
    received('2027-01-05T08:00:00Z'),
    { type: 'dispute.opened', at: '2027-01-10T12:00:00Z', fields: { reason: 'damaged_goods' } },
    { type: 'credit_note.applied', at: '2027-01-18T12:00:00Z', fields: { amount_minor: 15_000, balance_minor: 25_000 } },
    { type: 'dispute.resolved', at: '2027-01-18T12:00:00Z', fields: { outcome: 'credited', amount_minor: 15_000 } },
    reply('2027-01-11T08:00:00Z', 'payment_claimed', 'r-f'),
  ]),
  ...timeline('G', eur('C6', 25_000, '2027-01-03', '2027-02-02'), [
    received('2027-01-03T08:00:00Z'),
    { type: 'dispute.opened', at: '2027-01-08T08:00:00Z', fields: { reason: 'pricing' } },
    { type: 'dispute.resolved', at: '2027-01-21T08:00:00Z', fields: { outcome: 'upheld' } },
    { type: 'invoice.voided', at: '2027-01-21T08:00:00Z', fields: { reason: 'dispute upheld' } },
    { type: 'invoice.closed', at: '2027-01-21T08:00:00Z', fields: { reason: 'void' } },
    reply('2027-01-08T07:59:00Z', 'dispute', 'r-g'),
  ]),
  ...timeline('H', eur('C7', 90_000, '2026-06-01', '2026-07-01'), [
    received('2026-06-01T08:00:00Z'),
    payment('2026-08-01T08:00:00Z', 10_000, 80_000),
    { type: 'invoice.written_off', at: '2027-01-10T09:00:00Z', fields: { amount_minor: 80_000, balance_minor: 80_000 } },
  ]),
  ...timeline('I', eur('C8', 70_000, '2027-01-20', '2027-02-19'), [
    received('2027-01-20T08:00:00Z'),
    { type: 'dispute.opened', at: '2027-01-31T23:30:00Z', fields: { reason: 'damaged_goods' } },
    reply('2027-01-31T23:40:00Z', 'auto_reply', 'r-i'),
  ]),
  ...timeline('J', eur('C9', 20_000, '2027-01-04', '2027-01-14'), [
    received('2027-01-04T08:00:00Z'),
    { type: 'invoice.updated', at: '2027-01-06T08:00:00Z', terms: { amountMinor: 24_000, dueDate: '2027-02-03' } },
    reply('2027-01-20T08:00:00Z', 'other', 'r-j'),
  ]),
  ...timeline('K', eur('C10', 10_000, '2026-12-20', '2027-01-19'), [
    received('2026-12-20T08:00:00Z'),
    payment('2026-12-31T23:30:00Z', 12_000, -2_000),
    { type: 'invoice.paid', at: '2026-12-31T23:30:00Z' },
  ]),
  ...timeline('L', eur('C11', 15_000, '2026-12-28', '2027-01-27'), [
    received('2026-12-28T08:00:00Z'),
    reminder('2026-12-31T23:45:00Z', 'pre-due-email', 'email', 'm-l'),
    payment('2027-01-31T23:30:00Z', 5_000, 10_000),
  ]),
  ...timeline('U', { customerId: 'C12', currency: 'USD', amountMinor: 99_999, issueDate: '2027-01-05', dueDate: '2027-01-10' }, [
    received('2027-01-05T08:00:00Z'),
    reminder('2027-01-11T09:00:00Z', 'due-email', 'email', 'm-u'),
    { type: 'dispute.opened', at: '2027-01-12T09:00:00Z', fields: { reason: 'pricing' } },
    { type: 'promise.made', at: '2027-01-12T10:00:00Z', fields: { amount_minor: 99_999 } },
    payment('2027-01-13T09:00:00Z', 11_111, 88_888),
    { type: 'promise.kept', at: '2027-01-13T09:00:00Z' },
    { type: 'invoice.written_off', at: '2027-01-20T09:00:00Z', fields: { amount_minor: 88_888, balance_minor: 88_888 } },
    reply('2027-01-12T08:00:00Z', 'payment_claimed', 'r-u'),
  ]),
];

function writeLake(dir: string, rows: readonly InvoiceEventRow[], extraFiles: Record<string, readonly InvoiceEventRow[]> = {}): void {
  const byDay = new Map<string, InvoiceEventRow[]>();
  for (const row of rows) {
    const dt = String(row.at).slice(0, 10); // the UTC day of the row's instant, as the projector partitions
    byDay.set(dt, [...(byDay.get(dt) ?? []), row]);
  }
  const files: [string, readonly InvoiceEventRow[]][] = [...byDay].map(([dt, dayRows]) => [`${dt}/stream-0001.parquet`, dayRows]);
  for (const [name, fileRows] of [...files, ...Object.entries(extraFiles)]) {
    const [dt = '', file = ''] = name.split('/');
    const folder = join(dir, partitionPrefix(INVOICE_EVENTS_TABLE, dt));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, file), encodeParquet(invoiceEventColumns, fileRows));
  }
}

function rowsOf(ids: readonly string[]): InvoiceEventRow[] {
  return ledger.filter((row) => ids.includes(String(row.event_id)));
}

const lake = new LakeSql();
let dir = '';
let emptyDir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dunwell-report-sql-'));
  emptyDir = mkdtempSync(join(tmpdir(), 'dunwell-report-sql-empty-'));
  // Rows written a second time, in another file of their partition: a retried batch and a backfill.
  writeLake(dir, ledger, {
    '2027-01-20/retry-0001.parquet': rowsOf(['A/3']),
    '2027-01-12/backfill-0001.parquet': rowsOf(['D/4', 'D/3']),
  });
});

afterAll(async () => {
  await lake.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(emptyDir, { recursive: true, force: true });
});

async function run(name: ReportName, values: Partial<Record<ReportParameter, string>>, zone = ZONE, exportsDir = dir) {
  return lake.query(exportsDir, reportSql(name, zone), executionParameters(name, values));
}

/** Result rows as objects, for readable assertions. */
function records(result: { columns: readonly string[]; rows: readonly (readonly (string | null)[])[] }): Record<string, string | null>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column, row[index] ?? null])));
}

const JANUARY = { from: '2027-01-01', to: '2027-01-31', currency: 'EUR' };

describe('the ledger as written', () => {
  test('holds event rows written twice, in other files than their first copy', async () => {
    const result = await lake.query(dir, 'SELECT COUNT(*) AS copies, COUNT(DISTINCT event_id) AS events FROM invoice_events', []);
    // A/3 (a payment), D/3 (a payment) and D/4 (a promise kept) are each in two files.
    assert.deepEqual(records(result), [{ copies: String(ledger.length + 3), events: String(ledger.length) }]);
  });
});

describe('aging.sql', () => {
  test('at the end of the period: AR by bucket, overpaid, settled, void and written-off invoices left out', async () => {
    const result = await run('aging', { asOf: '2027-01-31', currency: 'EUR' });
    // AR(01-31) and days past due (01-31 − due date):
    //   A 100000 − 30000 − 20000 (the duplicated row counts once) = 50000, 92 days (Nov 30 + Dec 31 + Jan 31) → 91+
    //   E 60000 − 10000 − 5000 = 45000, 47 days (16 in Dec + 31) → 31-60
    //   F 40000 − 15000 (credited dispute, once) = 25000, due 02-04 → current
    //   I 70000, due 02-19 → current (its dispute is no payment)
    //   J 24000 (current terms, not the 20000 received), due 02-03 → current
    //   L 15000 (the 5000 was paid on 02-01 in Berlin), 4 days → 1-30
    //   B, C, D paid in full; G voided 01-21; H written off 01-10; K overpaid (−2000): none counts.
    assert.deepEqual(records(result), [
      { bucket: 'current', amount_minor: '119000', invoices: '3' }, // 25000 + 70000 + 24000
      { bucket: '1-30', amount_minor: '15000', invoices: '1' },
      { bucket: '31-60', amount_minor: '45000', invoices: '1' },
      { bucket: '61-90', amount_minor: '0', invoices: '0' },
      { bucket: '91+', amount_minor: '50000', invoices: '1' },
    ]);
    assert.deepEqual(agingReport(result, { asOf: '2027-01-31', currency: 'EUR' }), {
      asOf: '2027-01-31',
      currency: 'EUR',
      buckets: [
        { bucket: 'current', amount: '1190.00', invoices: 3, share: 51.97 }, // 119000 / 229000 = 51.965…%
        { bucket: '1-30', amount: '150.00', invoices: 1, share: 6.55 }, // 15000 / 229000 = 6.550…%
        { bucket: '31-60', amount: '450.00', invoices: 1, share: 19.65 }, // 45000 / 229000 = 19.650…%
        { bucket: '61-90', amount: '0.00', invoices: 0, share: 0 },
        { bucket: '91+', amount: '500.00', invoices: 1, share: 21.83 }, // 50000 / 229000 = 21.834…%
      ],
      total: { amount: '2290.00', invoices: 6 }, // 119000 + 15000 + 45000 + 50000 = 229000
    });
  });

  test('on a past day: later payments, credits, voids and invoices issued later do not count', async () => {
    const result = await run('aging', { asOf: '2027-01-15', currency: 'EUR' });
    // AR(01-15):
    //   A 100000 − 30000 = 70000 (the 01-20 payment is later), 76 days (30 + 31 + 15) → 61-90
    //   B 50000 and C 30000 (paid 01-19 and 01-20), 3 days → 1-30
    //   E 60000 − 10000 = 50000 (the 01-25 credit is later), 31 days → 31-60
    //   F 40000 (credited 01-18), G 25000 (voided 01-21), J 24000 (due 02-03), L 15000 (due 01-27) → current
    //   D paid 01-12; H written off 01-10; I issued 01-20; K overpaid (10000 − 12000 paid 01-01 in Berlin).
    assert.deepEqual(records(result), [
      { bucket: 'current', amount_minor: '104000', invoices: '4' }, // 40000 + 25000 + 24000 + 15000
      { bucket: '1-30', amount_minor: '80000', invoices: '2' },
      { bucket: '31-60', amount_minor: '50000', invoices: '1' },
      { bucket: '61-90', amount_minor: '70000', invoices: '1' },
      { bucket: '91+', amount_minor: '0', invoices: '0' },
    ]);
    const report = agingReport(result, { asOf: '2027-01-15', currency: 'EUR' });
    // 304000 in all: 104000 → 34.210…%, 80000 → 26.315…%, 50000 → 16.447…%, 70000 → 23.026…%
    assert.deepEqual(
      report.buckets.map((bucket) => bucket.share),
      [34.21, 26.32, 16.45, 23.03, 0],
    );
    assert.deepEqual(report.total, { amount: '3040.00', invoices: 8 });
  });

  test('another currency sees only its own invoices', async () => {
    // U: 99999 − 11111 paid, written off 01-20: nothing on 01-31; on 01-15, 88888 at 5 days past due.
    assert.deepEqual(
      records(await run('aging', { asOf: '2027-01-31', currency: 'USD' })).map((row) => row.amount_minor),
      ['0', '0', '0', '0', '0'],
    );
    assert.deepEqual(records(await run('aging', { asOf: '2027-01-15', currency: 'USD' }))[1], {
      bucket: '1-30',
      amount_minor: '88888',
      invoices: '1',
    });
  });
});

describe('kpis-by-period.sql: a trend in one statement', () => {
  const RAW = ['days', ...KPI_SUM_COLUMNS];
  const raw = (row: Record<string, string | null>) =>
    Object.fromEntries(RAW.map((column) => [column, row[column] === null ? null : String(Number(row[column]))]));

  for (const unit of ['month', 'week'] as const) {
    test(`every ${unit} row carries exactly the sums kpis.sql gives for that ${unit}, to the cent`, async () => {
      const name = unit === 'month' ? 'kpis-by-month' : 'kpis-by-week';
      const rows = records(await run(name, { asOf: '2027-01-31', from: unit === 'month' ? '2026-10-01' : '2026-12-28', currency: 'EUR' }));
      assert.ok(rows.length >= (unit === 'month' ? 3 : 4), `${unit}s with events: ${rows.length}`);
      for (const row of rows) {
        const period = { from: String(row.period_from).slice(0, 10), to: String(row.period_to).slice(0, 10), currency: 'EUR' };
        const [single] = records(await run('kpis', period));
        assert.deepEqual(raw(row), raw(single ?? {}), `${period.from}..${period.to}`);
      }
      const last = rows.at(-1);
      assert.equal(String(last?.period_to).slice(0, 10), '2027-01-31', 'the last period runs to asOf');
    });
  }

  test('a period before anything was recorded is all zeros, as kpis.sql says, without asking it', async () => {
    const before = { from: '2025-01-01', to: '2025-01-31', currency: 'EUR' };
    assert.deepEqual(periodBeforeHistory(before), kpiReport(await run('kpis', before), { columns: [], rows: [] }, before));
  });

  test("January, read as kpiReport reads kpis.sql: the API's figures", async () => {
    const [january] = periodKpiReports(await run('kpis-by-month', { asOf: '2027-01-31', from: '2027-01-01', currency: 'EUR' }), 'EUR');
    const api = kpiReport(await run('kpis', JANUARY), { columns: [], rows: [] }, JANUARY);
    assert.deepEqual(january, { ...api, recoveryByStep: [] });
  });
});

describe('kpis.sql and recovery-by-step.sql', () => {
  test('January in Berlin: every raw figure', async () => {
    const result = await run('kpis', JANUARY);
    assert.deepEqual(records(result), [
      {
        days: '31',
        // Issued 01-01..01-31: B 50000 + C 30000 + F 40000 + G 25000 (voided later, still a sale) + I 70000 + J 24000
        sales_minor: '239000',
        // AR(12-31): A 70000 + D 80000 + E 50000 + H 80000 + K 10000 (its payment is 01-01 in Berlin) + L 15000
        ar_begin_minor: '305000',
        // AR(01-31), as the aging above: 50000 + 45000 + 25000 + 70000 + 24000 + 15000
        ar_end_minor: '229000',
        // Not yet due on 01-31: F 25000 + I 70000 + J 24000
        ar_end_current_minor: '119000',
        // Paid 01-01..01-31 in Berlin: A 20000 (once) + B 50000 + C 30000 (paid 01-20, recorded 01-22) + D 80000 + K 12000
        // (L's 5000 is 02-01 in Berlin; H's and A's other payments are in 2026)
        collected_minor: '192000',
        issued_invoices: '6',
        // F (damaged_goods) and G (pricing); I's dispute is 02-01 in Berlin; A was issued in October
        disputed_invoices: '2',
        promises_kept: '1', // D (its row written twice)
        promises_broken: '1', // E, 01-16 01:30 in Berlin
        // m-bc (B and C in one email), m-e (confirmed by the provider), m-l (01-01 in Berlin), m-a2 (a notice by email);
        // not the thank-you m-ty, not m-a1 (November), not U's m-u
        email_messages: '4',
        sms_messages: '1', // s-d
        // Replies by class (one reply about several invoices once): r-bc (B and C) and r-f; r-g; r-d; none (r-a is December,
        // r-i is 02-01 in Berlin); r-e and r-j. Not U's r-u (USD).
        replies_payment_claimed: '2',
        replies_dispute: '1',
        replies_promise: '1',
        replies_auto_reply: '0',
        replies_other: '2',
        // Paid in full by payment in January: B 01-19, C 01-20, D 01-12, K 01-01 (Berlin)
        paid_invoices: '4',
        // B 17 (01-02 → 01-19) + C 18 (01-02 → 01-20) + D 42 (12-01 → 01-12) + K 12 (12-20 → 01-01)
        days_to_pay_sum: '89',
      },
    ]);
  });

  test('recovery by step: paid in full within 7 × 24 h of the send, both ends included', async () => {
    const result = await run('recovery-by-step', JANUARY);
    assert.deepEqual(records(result), [
      // B paid 6 days after; C exactly 168 h after (by paid_at, though recorded later); E never paid
      { step_id: 'due-email', sent: '3', paid_within_7_days: '2' },
      { step_id: 'pre-due-email', sent: '1', paid_within_7_days: '0' }, // L: partly paid only
      { step_id: 'sms-5', sent: '1', paid_within_7_days: '0' }, // D: 168 h and 1 s after the SMS
      { step_id: 't4-notice-91', sent: '1', paid_within_7_days: '0' }, // A
    ]);
  });

  test('the API body from both queries', async () => {
    const report = kpiReport(await run('kpis', JANUARY), await run('recovery-by-step', JANUARY), JANUARY);
    assert.deepEqual(report, {
      from: '2027-01-01',
      to: '2027-01-31',
      currency: 'EUR',
      days: 31,
      sales: '2390.00',
      arBegin: '3050.00',
      arEnd: '2290.00',
      arEndCurrent: '1190.00',
      collected: '1920.00',
      dso: 29.7, // 229000 / 239000 × 31 = 29.7029…
      bestPossibleDso: 15.44, // 119000 / 239000 × 31 = 15.4351…
      averageDaysDelinquent: 14.27, // 110000 / 239000 × 31 = 14.2677… (29.70 − 15.44 would say 14.26)
      cei: 74.12, // (305000 + 239000 − 229000) / (305000 + 239000 − 119000) = 315000 / 425000 = 74.1176…%
      percentCurrent: 51.97, // 119000 / 229000 = 51.9650…%
      disputeRate: 33.33, // 2 / 6
      promiseKeptRate: 50, // 1 / (1 + 1)
      messages: { email: 4, sms: 1 },
      replies: { payment_claimed: 2, dispute: 1, promise: 1, auto_reply: 0, other: 2 },
      recoveryByStep: [
        { stepId: 'due-email', sent: 3, paidWithin7Days: 2, rate: 66.67 },
        { stepId: 'pre-due-email', sent: 1, paidWithin7Days: 0, rate: 0 },
        { stepId: 'sms-5', sent: 1, paidWithin7Days: 0, rate: 0 },
        { stepId: 't4-notice-91', sent: 1, paidWithin7Days: 0, rate: 0 },
      ],
      averageDaysToPay: 22.25, // 89 / 4
    });
  });

  test('the reporting time zone decides the day of an instant near midnight', async () => {
    const [utc] = records(await run('kpis', JANUARY, 'UTC'));
    // In UTC, K's payment (12-31 23:30Z) is in December and L's (01-31 23:30Z) in January, L's
    // reminder (12-31 23:45Z) is in December and I's dispute (01-31 23:30Z) in January.
    assert.equal(utc?.ar_begin_minor, '295000'); // 305000 − K 10000 (now overpaid on 12-31)
    assert.equal(utc?.ar_end_minor, '224000'); // 229000 − L's 5000
    assert.equal(utc?.collected_minor, '185000'); // 192000 − K 12000 + L 5000
    assert.equal(utc?.disputed_invoices, '3'); // F, G and I
    assert.equal(utc?.email_messages, '3'); // m-l left out
    assert.equal(utc?.paid_invoices, '3'); // K settled in December
    assert.equal(utc?.days_to_pay_sum, '77'); // 17 + 18 + 42
  });

  test('another currency: only the USD invoice', async () => {
    const [usd] = records(await run('kpis', { ...JANUARY, currency: 'USD' }));
    assert.deepEqual(
      {
        sales: usd?.sales_minor,
        arEnd: usd?.ar_end_minor,
        collected: usd?.collected_minor,
        disputed: usd?.disputed_invoices,
        kept: usd?.promises_kept,
        email: usd?.email_messages,
      },
      // U: 99999 issued, written off on 01-20, 11111 paid, one dispute, one promise kept, one email
      { sales: '99999', arEnd: '0', collected: '11111', disputed: '1', kept: '1', email: '1' },
    );
  });
});

describe('dispute-rate-by-reason.sql', () => {
  test('per reason, over the invoices issued in the period', async () => {
    // Issued in January: B, C, F, G, I, J (6). F damaged_goods, G pricing; I's dispute is 02-01 in Berlin.
    assert.deepEqual(records(await run('dispute-rate-by-reason', JANUARY)), [
      { reason: 'damaged_goods', disputes: '1', issued_invoices: '6', share: '16.67' }, // 1 / 6
      { reason: 'pricing', disputes: '1', issued_invoices: '6', share: '16.67' },
    ]);
    // In UTC I's dispute is on 01-31: 2 / 6 damaged_goods, listed first.
    assert.deepEqual(records(await run('dispute-rate-by-reason', JANUARY, 'UTC'))[0], {
      reason: 'damaged_goods',
      disputes: '2',
      issued_invoices: '6',
      share: '33.33',
    });
  });
});

describe('recovery-by-step.sql and follow-ups', () => {
  test('the follow-ups of a step are one row, each invoice counted once, from its first follow-up', async () => {
    const followUps = mkdtempSync(join(tmpdir(), 'dunwell-report-sql-follow-ups-'));
    try {
      // P: two follow-ups of post-14 (01-05, 01-19), paid in full 01-22 (3 days after the second,
      // 17 after the first: not within 7 days of its first). Q: one on 01-05, paid 01-08.
      writeLake(followUps, [
        ...timeline('P', eur('C1', 10_000, '2026-11-01', '2026-12-01'), [
          received('2026-11-01T08:00:00Z'),
          reminder('2027-01-05T08:00:00Z', 'follow-up.post-14.2027-01-05', 'email', 'm-p1'),
          reminder('2027-01-19T08:00:00Z', 'follow-up.post-14.2027-01-19', 'email', 'm-p2'),
          payment('2027-01-22T08:00:00Z', 10_000, 0),
        ]),
        ...timeline('Q', eur('C2', 20_000, '2026-11-01', '2026-12-01'), [
          received('2026-11-01T08:00:00Z'),
          reminder('2027-01-05T08:00:00Z', 'follow-up.post-14.2027-01-05', 'email', 'm-q1'),
          reminder('2027-01-06T08:00:00Z', 'follow-up.2027-01-06', 'email', 'm-q2'),
          payment('2027-01-08T08:00:00Z', 20_000, 0),
        ]),
      ]);
      assert.deepEqual(records(await run('recovery-by-step', JANUARY, ZONE, followUps)), [
        { step_id: 'follow-up', sent: '1', paid_within_7_days: '1' },
        { step_id: 'follow-up.post-14', sent: '2', paid_within_7_days: '1' },
      ]);
    } finally {
      rmSync(followUps, { recursive: true, force: true });
    }
  });
});

describe('bad-debt-ratio.sql', () => {
  test('written off in the period against its sales', async () => {
    // H's 80000 written off on 01-10 (not U's, in USD) against sales of 239000: 33.472…%
    assert.deepEqual(records(await run('bad-debt-ratio', JANUARY)), [
      { written_off_minor: '80000', written_off_invoices: '1', sales_minor: '239000', bad_debt_percent: '33.47' },
    ]);
  });

  test('no sales: a null ratio', async () => {
    assert.deepEqual(records(await run('bad-debt-ratio', { from: '2027-03-01', to: '2027-03-31', currency: 'EUR' })), [
      { written_off_minor: '0', written_off_invoices: '0', sales_minor: '0', bad_debt_percent: null },
    ]);
  });
});

describe('an empty lake (no file yet)', () => {
  test('every query runs and reports nothing', async () => {
    const aging = await run('aging', { asOf: '2027-01-31', currency: 'EUR' }, ZONE, emptyDir);
    assert.deepEqual(agingReport(aging, { asOf: '2027-01-31', currency: 'EUR' }).total, { amount: '0.00', invoices: 0 });
    assert.equal(aging.rows.length, 5);
    const kpis = await run('kpis', JANUARY, ZONE, emptyDir);
    const recovery = await run('recovery-by-step', JANUARY, ZONE, emptyDir);
    const report = kpiReport(kpis, recovery, JANUARY);
    assert.equal(report.days, 31);
    assert.equal(report.sales, '0.00');
    assert.equal(report.dso, null);
    assert.equal(report.cei, null);
    assert.deepEqual(report.recoveryByStep, []);
    assert.deepEqual((await run('dispute-rate-by-reason', JANUARY, ZONE, emptyDir)).rows, []);
  });
});

describe('the query catalogue', () => {
  test('each file has exactly its listed parameters, the zone token and the de-duplication', () => {
    assert.deepEqual(
      reportQueries.map((query) => query.name),
      ['aging', 'kpis', 'recovery-by-step', 'dispute-rate-by-reason', 'kpis-by-month', 'kpis-by-week', 'bad-debt-ratio'],
    );
    for (const query of reportQueries) {
      const template = reportTemplate(query.name);
      // Every ? is a placeholder (none in a comment), one per listed parameter.
      assert.equal(template.split('?').length - 1, query.parameters.length, query.name);
      assert.match(template, /\$\{ReportingTimeZone\}/, query.name);
      assert.match(template, /row_number\(\) OVER \(PARTITION BY e\.event_id/, query.name);
      assert.ok(query.description.length > 0);
      // Only the token is substituted: no other ${...} is left for a deployment to fill.
      assert.doesNotMatch(reportSql(query.name, 'UTC'), /\$\{/, query.name);
    }
  });

  test('the reporting zone must be an IANA name', () => {
    assert.match(reportSql('aging', 'America/New_York'), /AT TIME ZONE 'America\/New_York'/);
    assert.match(reportSql('aging', 'UTC'), /AT TIME ZONE 'UTC'/);
    for (const zone of ["Europe/Berlin'; DROP TABLE x; --", '+01:00', 'europe/berlin', '', 'Mars/Olympus']) {
      assert.throws(() => reportSql('aging', zone), RangeError, zone);
    }
  });

  test('parameters become SQL string literals', () => {
    assert.equal(sqlLiteral('EUR'), "'EUR'");
    assert.equal(sqlLiteral("O'Brien"), "'O''Brien'");
    assert.equal(sqlLiteral(''), "''");
    assert.throws(() => sqlLiteral('EUR\n'), RangeError);
    assert.throws(() => sqlLiteral('a\u0000b'), RangeError);
    assert.deepEqual(executionParameters('kpis', JANUARY), ["'2027-01-01'", "'2027-01-31'", "'EUR'"]);
    assert.throws(() => executionParameters('aging', { currency: 'EUR' }), /asOf/);
  });

  test('the local engine takes only literals, as Athena does', async () => {
    await assert.rejects(lake.query(dir, 'SELECT CAST(? AS VARCHAR) AS x', ['EUR']), /quoted string or a number/);
    assert.deepEqual((await lake.query(dir, 'SELECT CAST(? AS VARCHAR) AS x, ? + 1 AS y', ["'it''s'", '41'])).rows, [["it's", '42']]);
  });
});
