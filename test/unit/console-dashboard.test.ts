import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { AgingRequest, KpiReport, KpiRequest } from '#domain/finance-reports.ts';
import type { DashboardReports, DashboardSnapshot } from '#ports/dashboard-snapshots.ts';
import {
  DASHBOARD_MONTHS,
  DASHBOARD_WEEKS,
  DashboardReportCache,
  dashboardAttention,
  dashboardReports,
  trailingMonths,
  trailingWeeks,
} from '#use-cases/console-dashboard.ts';
import { RecordingLog, SettableClock } from '../support/fakes.ts';

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
    const figures = await dashboardReports(
      {
        currencies: async () => ['EUR', 'USD'],
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
      },
      '2026-12-08',
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
  });

  test('needs a person: the counts of the work lists', async () => {
    const attention = await dashboardAttention({
      openTasks: async () => ({ total: 3, brokenPromises: 2 }),
      pausedByReason: async () => ({ manual: 4, unmatched_cash: 1 }),
    });
    assert.deepEqual(attention, { openTasks: 3, brokenPromises: 2, unmatchedCash: 1 });
  });
});

describe('DashboardReportCache: the figures without waiting for the lake', () => {
  const reports = (label: string): DashboardReports => ({ aging: [], kpis: [], cash: [{ currency: label, weeks: [] }] });
  function world(start = '2026-12-08T09:00:00.000Z') {
    let stored: DashboardSnapshot | undefined;
    const clock = new SettableClock(start);
    const later: Promise<unknown>[] = [];
    const computed: string[] = [];
    let next = 'first';
    const cache = new DashboardReportCache(
      {
        snapshots: {
          get: async () => stored,
          put: async (snapshot) => {
            stored = snapshot;
          },
        },
        clock,
        afterResponse: (work) => later.push(work),
        log: new RecordingLog(),
      },
      async (today) => {
        computed.push(today);
        return reports(next);
      },
    );
    return { cache, clock, later, computed, setNext: (label: string) => (next = label), stored: () => stored };
  }

  /** The first view: nothing to show yet, the computation after the response. */
  async function primed(w: ReturnType<typeof world>, today = '2026-12-08') {
    const first = await w.cache.current(today);
    await Promise.all(w.later.splice(0));
    return first;
  }

  test('nothing stored yet: the view does not wait; the figures are computed after the response and stored', async () => {
    const w = world();
    const first = await w.cache.current('2026-12-08');
    assert.deepEqual(first, { snapshot: undefined, refreshing: true });
    assert.deepEqual(w.computed, [], 'not while the person waits');
    await Promise.all(w.later);
    assert.deepEqual(w.stored(), { day: '2026-12-08', computedAt: '2026-12-08T09:00:00.000Z', reports: reports('first') });
    const next = await w.cache.current('2026-12-08');
    assert.deepEqual([next.refreshing, next.snapshot?.reports.cash[0]?.currency], [false, 'first']);
  });

  test('younger than a minute and of today: shown as stored, nothing recomputed', async () => {
    const w = world();
    await primed(w);
    w.clock.advance(59_000);
    const again = await w.cache.current('2026-12-08');
    assert.equal(again.refreshing, false);
    assert.deepEqual(w.computed, ['2026-12-08']);
    assert.equal(w.later.length, 0);
  });

  test('older: the stored figures at once, a refresh after the response, and the next view has the new ones', async () => {
    const w = world();
    await primed(w);
    w.clock.advance(61_000);
    w.setNext('second');
    const stale = await w.cache.current('2026-12-08');
    assert.equal(stale.refreshing, true);
    assert.equal(stale.snapshot?.reports.cash[0]?.currency, 'first', 'shown without waiting');
    await Promise.all(w.later);
    assert.deepEqual(w.computed, ['2026-12-08', '2026-12-08']);
    const fresh = await w.cache.current('2026-12-08');
    assert.deepEqual([fresh.refreshing, fresh.snapshot?.reports.cash[0]?.currency], [false, 'second']);
  });

  test('views while a refresh runs start no other', async () => {
    const w = world();
    await primed(w);
    w.clock.advance(61_000);
    let finish: (value: DashboardReports) => void = () => undefined;
    const slow = new DashboardReportCache(
      {
        snapshots: { get: async () => w.stored(), put: async () => undefined },
        clock: w.clock,
        afterResponse: (work) => w.later.push(work),
        log: new RecordingLog(),
      },
      () => {
        w.computed.push('slow');
        return new Promise((done) => {
          finish = done;
        });
      },
    );
    await slow.current('2026-12-08');
    assert.deepEqual(w.computed, ['2026-12-08'], 'the refresh starts once the response is on its way');
    await new Promise((tick) => setImmediate(tick));
    await slow.current('2026-12-08');
    await new Promise((tick) => setImmediate(tick));
    assert.deepEqual(w.computed, ['2026-12-08', 'slow'], 'one refresh for both views');
    finish(reports('second'));
    await Promise.all(w.later);
    assert.equal(w.later.length, 2);
  });

  test("yesterday's figures are shown (with their time) while today's are computed", async () => {
    const w = world();
    await primed(w, '2026-12-07');
    const next = await w.cache.current('2026-12-08');
    assert.deepEqual([next.refreshing, next.snapshot?.day], [true, '2026-12-07']);
    await Promise.all(w.later);
    assert.equal((await w.cache.current('2026-12-08')).snapshot?.day, '2026-12-08');
  });

  test('a failed refresh is logged and the stored figures stay', async () => {
    const w = world();
    await primed(w);
    w.clock.advance(120_000);
    const failing = new DashboardReportCache(
      {
        snapshots: { get: async () => w.stored(), put: async () => assert.fail('nothing to store') },
        clock: w.clock,
        afterResponse: (work) => w.later.push(work),
        log: new RecordingLog(),
      },
      async () => {
        throw new Error('Athena unavailable');
      },
    );
    assert.equal((await failing.current('2026-12-08')).refreshing, true);
    await assert.rejects(Promise.all(w.later), /Athena unavailable/);
    assert.equal(w.stored()?.reports.cash[0]?.currency, 'first');
  });
});
