import { boundReportSql, type ReportName, type ReportParameter } from '#contracts/report-queries.ts';
import {
  type AgingReport,
  type AgingRequest,
  agingReport,
  type KpiReport,
  type KpiRequest,
  kpiReport,
  periodKpiReports,
} from '#domain/finance-reports.ts';
import type { ReportQueryRunner } from '#ports/report-queries.ts';

export interface ReportDeps {
  readonly queries: ReportQueryRunner;
  /** The IANA zone whose calendar days the reports count in. */
  readonly reportingTimeZone: string;
}

function run(deps: ReportDeps, name: ReportName, values: Readonly<Partial<Record<ReportParameter, string>>>) {
  return deps.queries.run(boundReportSql(name, deps.reportingTimeZone, values));
}

/** Receivables at the end of `asOf`, by age bucket, from the lake's history (API.md "Reports"). */
export async function reportAging(deps: ReportDeps, request: AgingRequest): Promise<AgingReport> {
  return agingReport(await run(deps, 'aging', request), request);
}

/**
 * The KPI figures of a period without `recoveryByStep` (empty): one query instead of two, for
 * views that chart many periods (the console's trends). Every other field is GET /v1/reports/kpis's.
 */
export async function reportKpiFigures(deps: ReportDeps, request: KpiRequest): Promise<KpiReport> {
  return kpiReport(await run(deps, 'kpis', request), NO_ROWS, request);
}

const NO_ROWS = { columns: [], rows: [] } as const;

/** What a trend asks for: periods of a unit, from the one holding `from` to the one holding `asOf`. */
export interface KpiSeriesRequest {
  readonly unit: 'month' | 'week';
  readonly from: string;
  readonly asOf: string;
  readonly currency: string;
}

/**
 * The KPI figures of every month (or ISO week) of a range in one statement (kpis-by-period.sql):
 * the periods with something recorded in them, oldest first, each as `reportKpiFigures` would give.
 */
export async function reportKpiSeries(deps: ReportDeps, request: KpiSeriesRequest): Promise<KpiReport[]> {
  const { unit, from, asOf, currency } = request;
  const rows = await run(deps, unit === 'month' ? 'kpis-by-month' : 'kpis-by-week', { asOf, from, currency });
  return periodKpiReports(rows, currency);
}

/** DSO, CEI and the rest over a period, exactly as GET /v1/reports/kpis defines them. */
export async function reportKpis(deps: ReportDeps, request: KpiRequest): Promise<KpiReport> {
  const [sums, recovery] = await Promise.all([run(deps, 'kpis', request), run(deps, 'recovery-by-step', request)]);
  return kpiReport(sums, recovery, request);
}
