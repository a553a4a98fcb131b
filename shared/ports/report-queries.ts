import type { ReportRows } from '#domain/finance-reports.ts';

/** Runs one finance report's SQL over the lake (Athena on AWS, DuckDB locally) and returns its rows. */
export interface ReportQueryRunner {
  run(sql: string): Promise<ReportRows>;
}
