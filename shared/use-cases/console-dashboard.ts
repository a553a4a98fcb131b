import { addDays } from '#domain/calendar.ts';
import { type AgingReport, type AgingRequest, type KpiReport, type KpiRequest, periodBeforeHistory } from '#domain/finance-reports.ts';
import { formatAmount } from '#domain/money.ts';
import type { Clock } from '#ports/clock.ts';
import type { DashboardReports, DashboardSnapshot, DashboardSnapshots } from '#ports/dashboard-snapshots.ts';
import type { Logger } from '#ports/logger.ts';

/** Where the dashboard's report figures come from: the finance reports (GET /v1/reports/*), never a second computation. */
export interface DashboardReportSources {
  /** The currencies owed in: one aging chart, one set of KPI tiles and one cash chart each. */
  readonly currencies: () => Promise<readonly string[]>;
  readonly aging: (request: AgingRequest) => Promise<AgingReport>;
  /** One period's figures: only for a month the series has no row for (nothing was recorded in it). */
  readonly kpis: (request: KpiRequest) => Promise<KpiReport>;
  /** Every month or ISO week of a range with something recorded in it, in one statement. */
  readonly kpiSeries: (request: {
    readonly unit: 'month' | 'week';
    readonly from: string;
    readonly asOf: string;
    readonly currency: string;
  }) => Promise<readonly KpiReport[]>;
}

/** Where "needs a person today" comes from: the work lists, read live on every view. */
export interface DashboardAttentionSources {
  /** Open collector tasks, and how many of them are for a broken promise: counted, not read. */
  readonly openTasks: () => Promise<{ readonly total: number; readonly brokenPromises: number }>;
  /** How many paused invoices have an active hold for each reason (an invoice counts once per reason). */
  readonly pausedByReason: () => Promise<Readonly<Record<string, number>>>;
}

/** How many weeks of cash the dashboard charts (the current week, to today, included). */
export const DASHBOARD_WEEKS = 8;
/** Months of KPI trend (the current month, to today, included). */
export const DASHBOARD_MONTHS = 12;

export interface DashboardAttention {
  readonly openTasks: number;
  readonly brokenPromises: number;
  readonly unmatchedCash: number;
}

/** The calendar months ending with today's, oldest first: [first day, last day or today]. */
export function trailingMonths(today: string, count: number): [string, string][] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const months: [string, string][] = [];
  for (let back = count - 1; back >= 0; back--) {
    const start = new Date(Date.UTC(year, month - 1 - back, 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    const from = start.toISOString().slice(0, 10);
    const to = end.toISOString().slice(0, 10);
    months.push([from, to > today ? today : to]);
  }
  return months;
}

/** The ISO weeks (Monday to Sunday) ending with today's, oldest first: [Monday, Sunday or today]. */
export function trailingWeeks(today: string, count: number): [string, string][] {
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(today, -weekday);
  const weeks: [string, string][] = [];
  for (let back = count - 1; back >= 0; back--) {
    const from = addDays(monday, -7 * back);
    const to = addDays(from, 6);
    weeks.push([from, to > today ? today : to]);
  }
  return weeks;
}

/**
 * The dashboard's report figures: aging today, the KPIs of each of the last 12 months (the last
 * is the month so far: the tiles), and cash collected per week. Every figure is the reports API's
 * own definition over a period (kpis-by-period.sql rows are kpis.sql's sums), so the console and
 * the API can never disagree; three statements per currency (aging, months, weeks).
 */
export async function dashboardReports(sources: DashboardReportSources, today: string): Promise<DashboardReports> {
  const months = trailingMonths(today, DASHBOARD_MONTHS);
  const weeks = trailingWeeks(today, DASHBOARD_WEEKS);
  const currencies = await sources.currencies();
  const perCurrency = await Promise.all(
    currencies.map(async (currency) => {
      const [aging, monthSeries, weekSeries] = await Promise.all([
        sources.aging({ asOf: today, currency }),
        sources.kpiSeries({ unit: 'month', from: months[0]?.[0] ?? today, asOf: today, currency }),
        sources.kpiSeries({ unit: 'week', from: weeks[0]?.[0] ?? today, asOf: today, currency }),
      ]);
      // A month before the currency's first event has nothing (zero sums, exactly); one in between
      // without an event still has AR, so its figures come from its own report.
      const first = monthSeries[0]?.from;
      const monthly = await Promise.all(
        months.map(
          ([from, to]) =>
            monthSeries.find((report) => report.from === from) ??
            (first === undefined || from < first ? periodBeforeHistory({ from, to, currency }) : sources.kpis({ from, to, currency })),
        ),
      );
      // A week without a recorded event collected nothing.
      const weekly = weeks.map(([from]) => ({
        weekOf: from,
        collected: weekSeries.find((report) => report.from === from)?.collected ?? formatAmount(0, currency),
      }));
      return { aging, monthly, weekly, currency };
    }),
  );
  return {
    aging: perCurrency.map((each) => each.aging),
    kpis: perCurrency.map((each) => ({ current: each.monthly.at(-1) as KpiReport, months: each.monthly })),
    cash: perCurrency.map((each) => ({ currency: each.currency, weeks: each.weekly })),
  };
}

/** What needs a person today, counted live. */
export async function dashboardAttention(sources: DashboardAttentionSources): Promise<DashboardAttention> {
  const [tasks, paused] = await Promise.all([sources.openTasks(), sources.pausedByReason()]);
  return { openTasks: tasks.total, brokenPromises: tasks.brokenPromises, unmatchedCash: paused.unmatched_cash ?? 0 };
}

/** Figures younger than this are as fresh as the lake, which the exporter writes up to every 60 s. */
export const REPORT_REUSE_MS = 60_000;

export interface DashboardCacheDeps {
  readonly snapshots: DashboardSnapshots;
  readonly clock: Clock;
  /** Runs work the page does not wait for (`afterResponse`). */
  readonly afterResponse: (work: Promise<unknown>) => void;
  readonly log: Logger;
}

/**
 * The dashboard's report figures without making a person wait for the lake's statements (about a
 * second at 10,000 invoices here, several on Athena): the last figures computed are stored
 * (shared by every container) and shown with the time they were computed. Younger than
 * REPORT_REUSE_MS and of today: shown as they are. Older, or of an earlier day: shown, and a
 * refresh starts after the response (one per container at a time); the next view has the new
 * figures. None stored yet (the first view after a deployment): the page says they are being
 * computed, and they are, after the response. No view ever waits for the lake.
 */
export class DashboardReportCache {
  private readonly deps: DashboardCacheDeps;
  private readonly compute: (today: string) => Promise<DashboardReports>;
  private running: Promise<DashboardSnapshot> | undefined;

  constructor(deps: DashboardCacheDeps, compute: (today: string) => Promise<DashboardReports>) {
    this.deps = deps;
    this.compute = compute;
  }

  async current(today: string): Promise<{ readonly snapshot: DashboardSnapshot | undefined; readonly refreshing: boolean }> {
    const stored = await this.deps.snapshots.get();
    const age = stored ? this.deps.clock.now().getTime() - Date.parse(stored.computedAt) : Number.POSITIVE_INFINITY;
    if (stored && stored.day === today && age >= 0 && age < REPORT_REUSE_MS) return { snapshot: stored, refreshing: false };
    // Started once the response is on its way, so the page does not share the machine with it.
    this.deps.afterResponse(new Promise((started) => setImmediate(started)).then(() => this.refresh(today)));
    return { snapshot: stored, refreshing: true };
  }

  private refresh(today: string): Promise<DashboardSnapshot> {
    this.running ??= (async () => {
      try {
        const computedAt = this.deps.clock.now().toISOString();
        const snapshot = { day: today, computedAt, reports: await this.compute(today) };
        await this.deps.snapshots.put(snapshot);
        return snapshot;
      } catch (error) {
        this.deps.log.error('dashboard reports not refreshed', { error: String(error) });
        throw error;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
