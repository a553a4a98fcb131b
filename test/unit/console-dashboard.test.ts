import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { AgingRequest, KpiReport, KpiRequest } from '#domain/finance-reports.ts';
import { DASHBOARD_MONTHS, DASHBOARD_WEEKS, dashboardFigures, trailingMonths, trailingWeeks } from '#use-cases/console-dashboard.ts';

const report = (request: KpiRequest) => ({ ...request, collected: `${request.from.slice(5, 7)}.00` }) as unknown as KpiReport;

describe('the console dashboard figures', () => {
  test('months and weeks end with today: calendar months, ISO weeks from Monday', () => {
    const months = trailingMonths('2026-12-08', 12);
    assert.deepEqual(months[0], ['2026-01-01', '2026-01-31']);
    assert.deepEqual(months.at(-2), ['2026-11-01', '2026-11-30']);
    assert.deepEqual(months.at(-1), ['2026-12-01', '2026-12-08']);
    assert.deepEqual(trailingMonths('2027-03-01', 2), [
      ['2027-02-01', '2027-02-28'],
      ['2027-03-01', '2027-03-01'],
    ]);
    const weeks = trailingWeeks('2026-12-08', 8);
    assert.deepEqual(weeks.at(-1), ['2026-12-07', '2026-12-08'], '8 December 2026 is a Tuesday');
    assert.deepEqual(weeks[0], ['2026-10-19', '2026-10-25']);
  });

  test('per currency one aging and one series each of months and weeks; a month missing from its series gets its own report', async () => {
    const agings: AgingRequest[] = [];
    const kpis: KpiRequest[] = [];
    const series: { unit: string; from: string; asOf: string; currency: string }[] = [];
    const figures = await dashboardFigures(
      {
        aging: async (request) => {
          agings.push(request);
          return { asOf: request.asOf, currency: request.currency, buckets: [], total: { amount: '0.00', invoices: 0 } };
        },
        kpis: async (request) => {
          kpis.push(request);
          return report(request);
        },
        kpiSeries: async (request) => {
          series.push(request);
          const periods = request.unit === 'month' ? trailingMonths(request.asOf, 12) : trailingWeeks(request.asOf, 8);
          // Nothing recorded before February, nor in March, nor in the week of 2 November.
          return periods
            .filter(([from]) => from >= '2026-02-01' && from !== '2026-03-01' && from !== '2026-11-02')
            .map(([from, to]) => report({ from, to, currency: request.currency }));
        },
        openTasks: async () => ({ total: 3, brokenPromises: 2 }),
        pausedByReason: async () => ({ manual: 4, unmatched_cash: 1 }),
      },
      { currencies: ['EUR', 'USD'], today: '2026-12-08' },
    );
    assert.deepEqual(
      agings.map((request) => request.currency),
      ['EUR', 'USD'],
    );
    assert.deepEqual(series, [
      { unit: 'month', from: '2026-01-01', asOf: '2026-12-08', currency: 'EUR' },
      { unit: 'week', from: '2026-10-19', asOf: '2026-12-08', currency: 'EUR' },
      { unit: 'month', from: '2026-01-01', asOf: '2026-12-08', currency: 'USD' },
      { unit: 'week', from: '2026-10-19', asOf: '2026-12-08', currency: 'USD' },
    ]);
    assert.deepEqual(kpis, [
      { from: '2026-03-01', to: '2026-03-31', currency: 'EUR' },
      { from: '2026-03-01', to: '2026-03-31', currency: 'USD' },
    ]);
    assert.equal(figures.kpis[0]?.months.length, DASHBOARD_MONTHS);
    const january = figures.kpis[0]?.months[0];
    assert.deepEqual(
      [january?.from, january?.to, january?.collected, january?.arEnd, january?.dso],
      ['2026-01-01', '2026-01-31', '0.00', '0.00', null],
      'before the first event: zeros, asked of nobody',
    );
    assert.equal(figures.cash[0]?.weeks.length, DASHBOARD_WEEKS);
    assert.deepEqual(
      figures.cash[0]?.weeks[2],
      { weekOf: '2026-11-02', collected: '0.00' },
      'a week with nothing recorded collected nothing',
    );
    assert.deepEqual(
      figures.kpis.map((panel) => [panel.current.currency, panel.current.from, panel.current.to, panel.months.length]),
      [
        ['EUR', '2026-12-01', '2026-12-08', 12],
        ['USD', '2026-12-01', '2026-12-08', 12],
      ],
    );
    assert.deepEqual(figures.cash[0]?.weeks.at(-1), { weekOf: '2026-12-07', collected: '12.00' });
    assert.deepEqual(figures.attention, { openTasks: 3, brokenPromises: 2, unmatchedCash: 1 });
  });
});
