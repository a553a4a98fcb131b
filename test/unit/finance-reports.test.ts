import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import {
  agingReport,
  agingRequestProblems,
  KPI_SUM_COLUMNS,
  kpiReport,
  kpiRequestProblems,
  MAX_REPORT_DAYS,
  type ReportRows,
  recoveryByStep,
  rounded,
} from '#domain/finance-reports.ts';

/** A kpis.sql row's columns: `days`, then the sums and counts the domain reads. */
const KPI_COLUMNS = ['days', ...KPI_SUM_COLUMNS] as const;

type KpiRow = Record<(typeof KPI_COLUMNS)[number], number>;

const zeroKpis: KpiRow = Object.fromEntries(KPI_COLUMNS.map((column) => [column, 0])) as KpiRow;

/** One kpis.sql row as Athena returns it: text cells, in an order the mapper must not rely on. */
function kpiRows(values: Partial<KpiRow>): ReportRows {
  const columns = [...KPI_COLUMNS].reverse();
  const row = { ...zeroKpis, ...values };
  return { columns, rows: [columns.map((column) => String(row[column]))] };
}

const noRecovery: ReportRows = { columns: ['step_id', 'sent', 'paid_within_7_days'], rows: [] };

function agingRows(rows: [string, number, number][]): ReportRows {
  return {
    columns: ['bucket', 'amount_minor', 'invoices'],
    rows: rows.map(([bucket, amount, invoices]) => [bucket, String(amount), String(invoices)]),
  };
}

describe('rounded', () => {
  test('rounds the exact quotient half away from zero, to 2 decimals', () => {
    assert.equal(rounded(1n, 3n), 0.33);
    assert.equal(rounded(2n, 3n), 0.67);
    assert.equal(rounded(1n, 8n), 0.13); // 0.125 exactly: up
    assert.equal(rounded(-1n, 8n), -0.13); // and away from zero below it
    assert.equal(rounded(1005n, 1000n), 1.01); // 1.005 exactly (as a float, 1.005 * 100 rounds to 100)
    assert.equal(rounded(100n, 1n), 100);
    assert.equal(rounded(0n, 7n), 0);
    assert.ok(Object.is(rounded(-1n, 1000n), 0), 'no negative zero');
  });

  test('is null when the denominator is 0', () => {
    assert.equal(rounded(5n, 0n), null);
    assert.equal(rounded(0n, 0n), null);
  });
});

describe('agingReport', () => {
  test('all five buckets in order, shares of the total, money in the currency precision', () => {
    // The API.md example: 1100.00 current of 2300.00 in all.
    const report = agingReport(
      agingRows([
        ['current', 110_000, 2],
        ['1-30', 50_000, 1],
        ['31-60', 0, 0],
        ['61-90', 0, 0],
        ['91+', 70_000, 1],
      ]),
      { asOf: '2027-01-31', currency: 'EUR' },
    );
    assert.deepEqual(report, {
      asOf: '2027-01-31',
      currency: 'EUR',
      buckets: [
        { bucket: 'current', amount: '1100.00', invoices: 2, share: 47.83 }, // 110000 / 230000 = 47.826…%
        { bucket: '1-30', amount: '500.00', invoices: 1, share: 21.74 }, // 21.739…%
        { bucket: '31-60', amount: '0.00', invoices: 0, share: 0 },
        { bucket: '61-90', amount: '0.00', invoices: 0, share: 0 },
        { bucket: '91+', amount: '700.00', invoices: 1, share: 30.43 }, // 30.434…%
      ],
      total: { amount: '2300.00', invoices: 4 },
    });
  });

  test('fills in buckets the query left out, in bucket order', () => {
    const report = agingReport(agingRows([['91+', 1250, 1]]), { asOf: '2027-01-31', currency: 'JPY' });
    assert.deepEqual(
      report.buckets.map((bucket) => [bucket.bucket, bucket.amount, bucket.share]),
      [
        ['current', '0', 0],
        ['1-30', '0', 0],
        ['31-60', '0', 0],
        ['61-90', '0', 0],
        ['91+', '1250', 100],
      ],
    );
    assert.deepEqual(report.total, { amount: '1250', invoices: 1 });
  });

  test('nothing owed: zero amounts and null shares', () => {
    const report = agingReport(agingRows([]), { asOf: '2027-01-31', currency: 'BHD' });
    assert.deepEqual(report.total, { amount: '0.000', invoices: 0 });
    assert.ok(report.buckets.every((bucket) => bucket.share === null && bucket.amount === '0.000'));
  });

  test('refuses rows that are not what the query promises', () => {
    assert.throws(() => agingReport(agingRows([['92+', 1, 1]]), { asOf: '2027-01-31', currency: 'EUR' }), /unknown bucket/);
    assert.throws(
      () =>
        agingReport(
          { columns: ['bucket', 'amount_minor', 'invoices'], rows: [['current', '1.5', '1']] },
          { asOf: '2027-01-31', currency: 'EUR' },
        ),
      /not an integer/,
    );
    assert.throws(
      () => agingReport({ columns: ['bucket', 'amount'], rows: [['current', '1']] }, { asOf: '2027-01-31', currency: 'EUR' }),
      /no column amount_minor/,
    );
  });
});

describe('kpiReport', () => {
  const period = { from: '2027-01-01', to: '2027-01-31', currency: 'EUR' };

  test('every ratio from the unrounded sums', () => {
    const report = kpiReport(
      kpiRows({
        days: 31,
        sales_minor: 300_000,
        ar_begin_minor: 100_000,
        ar_end_minor: 120_000,
        ar_end_current_minor: 70_001,
        collected_minor: 250_000,
        issued_invoices: 7,
        disputed_invoices: 1,
        promises_kept: 2,
        promises_broken: 1,
        email_messages: 12,
        sms_messages: 3,
        replies_payment_claimed: 5,
        replies_dispute: 1,
        replies_promise: 2,
        replies_auto_reply: 7,
        replies_other: 4,
        paid_invoices: 3,
        days_to_pay_sum: 50,
      }),
      { columns: ['paid_within_7_days', 'step_id', 'sent'], rows: [['1', 'due-email', '3']] },
      period,
    );
    assert.deepEqual(report, {
      from: '2027-01-01',
      to: '2027-01-31',
      currency: 'EUR',
      days: 31,
      sales: '3000.00',
      arBegin: '1000.00',
      arEnd: '1200.00',
      arEndCurrent: '700.01',
      collected: '2500.00',
      dso: 12.4, // 120000 / 300000 × 31 = 12.4
      bestPossibleDso: 7.23, // 70001 / 300000 × 31 = 7.2334…
      averageDaysDelinquent: 5.17, // (120000 − 70001) / 300000 × 31 = 5.1665…
      cei: 84.85, // (100000 + 300000 − 120000) / (100000 + 300000 − 70001) = 280000 / 329999 = 84.8487…%
      percentCurrent: 58.33, // 70001 / 120000 = 58.334…%
      disputeRate: 14.29, // 1 / 7
      promiseKeptRate: 66.67, // 2 / 3
      messages: { email: 12, sms: 3 },
      replies: { payment_claimed: 5, dispute: 1, promise: 2, auto_reply: 7, other: 4 },
      recoveryByStep: [{ stepId: 'due-email', sent: 3, paidWithin7Days: 1, rate: 33.33 }],
      averageDaysToPay: 16.67, // 50 / 3
    });
  });

  test('averageDaysDelinquent is rounded once, not the difference of two rounded figures', () => {
    // dso = 229000 / 239000 × 31 = 29.7029…, bestPossibleDso = 119000 / 239000 × 31 = 15.4351…,
    // their difference 14.2677… → 14.27, where 29.70 − 15.44 = 14.26.
    const report = kpiReport(
      kpiRows({ days: 31, sales_minor: 239_000, ar_end_minor: 229_000, ar_end_current_minor: 119_000 }),
      noRecovery,
      period,
    );
    assert.deepEqual([report.dso, report.bestPossibleDso, report.averageDaysDelinquent], [29.7, 15.44, 14.27]);
  });

  test('null for every ratio whose denominator is 0', () => {
    const report = kpiReport(
      kpiRows({ days: 31 }),
      { columns: ['step_id', 'sent', 'paid_within_7_days'], rows: [['x', '0', '0']] },
      period,
    );
    assert.deepEqual(
      [
        report.dso,
        report.bestPossibleDso,
        report.averageDaysDelinquent,
        report.cei,
        report.percentCurrent,
        report.disputeRate,
        report.promiseKeptRate,
        report.averageDaysToPay,
        report.recoveryByStep[0]?.rate,
      ],
      [null, null, null, null, null, null, null, null, null],
    );
    assert.equal(report.sales, '0.00');
  });

  test('money in each currency precision: JPY without decimals, BHD with three', () => {
    const rows = kpiRows({ days: 30, sales_minor: 12_500, ar_begin_minor: 7, ar_end_minor: 1_000, collected_minor: 12_345 });
    const jpy = kpiReport(rows, noRecovery, { ...period, currency: 'JPY' });
    assert.deepEqual([jpy.sales, jpy.arBegin, jpy.arEnd, jpy.collected], ['12500', '7', '1000', '12345']);
    const bhd = kpiReport(rows, noRecovery, { ...period, currency: 'BHD' });
    assert.deepEqual([bhd.sales, bhd.arBegin, bhd.arEnd, bhd.collected], ['12.500', '0.007', '1.000', '12.345']);
  });

  test('wants exactly one row of sums', () => {
    assert.throws(() => kpiReport({ columns: [...KPI_COLUMNS], rows: [] }, noRecovery, period), /one row/);
  });
});

describe('recoveryByStep', () => {
  test('keeps the query order and rates each step', () => {
    const result: ReportRows = {
      columns: ['step_id', 'sent', 'paid_within_7_days'],
      rows: [
        ['a-first', '8', '1'],
        ['b-second', '3', '3'],
      ],
    };
    assert.deepEqual(recoveryByStep(result), [
      { stepId: 'a-first', sent: 8, paidWithin7Days: 1, rate: 12.5 },
      { stepId: 'b-second', sent: 3, paidWithin7Days: 3, rate: 100 },
    ]);
  });
});

describe('report parameters', () => {
  test('a good aging and KPI request has no problem', () => {
    assert.deepEqual(agingRequestProblems({ asOf: '2027-01-31', currency: 'EUR' }), []);
    assert.deepEqual(kpiRequestProblems({ from: '2027-01-01', to: '2027-01-31', currency: 'JPY' }), []);
    assert.deepEqual(kpiRequestProblems({ from: '2027-01-31', to: '2027-01-31', currency: 'BHD' }), []);
  });

  test('names every missing or malformed parameter', () => {
    assert.deepEqual(agingRequestProblems({}), [
      { path: 'asOf', message: 'is required' },
      { path: 'currency', message: 'is required' },
    ]);
    assert.deepEqual(
      kpiRequestProblems({ from: '2027-02-30', to: '31.01.2027', currency: 'eur' }).map((problem) => problem.path),
      ['from', 'to', 'currency'],
    );
    assert.deepEqual(agingRequestProblems({ asOf: '', currency: 'XXX' }), [
      { path: 'asOf', message: 'is required' },
      { path: 'currency', message: 'must be an ISO 4217 currency code like "EUR"' },
    ]);
  });

  test('the period runs forwards and for at most a year', () => {
    assert.deepEqual(kpiRequestProblems({ from: '2027-02-01', to: '2027-01-31', currency: 'EUR' }), [
      { path: 'to', message: 'must not be before from (2027-02-01)' },
    ]);
    // 2024 is a leap year: 2024-01-01..2024-12-31 is 366 days, one more is too many.
    assert.equal(MAX_REPORT_DAYS, 366);
    assert.deepEqual(kpiRequestProblems({ from: '2024-01-01', to: '2024-12-31', currency: 'EUR' }), []);
    assert.deepEqual(
      kpiRequestProblems({ from: '2024-01-01', to: '2025-01-01', currency: 'EUR' }).map((problem) => problem.path),
      ['to'],
    );
  });

  test('an unknown parameter is named too', () => {
    assert.deepEqual(agingRequestProblems({ asOf: '2027-01-31', currency: 'EUR', as_of: '2027-01-31' }), [
      { path: 'as_of', message: 'is not a known parameter (expected asOf, currency)' },
    ]);
  });
});
