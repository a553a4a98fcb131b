import type { AgingReport, KpiReport } from '#domain/finance-reports.ts';

/** The dashboard's report figures, per currency: what the lake's statements produce (the live work lists are not in it). */
export interface DashboardReports {
  readonly aging: readonly AgingReport[];
  readonly kpis: readonly { readonly current: KpiReport; readonly months: readonly KpiReport[] }[];
  readonly cash: readonly {
    readonly currency: string;
    readonly weeks: readonly { readonly weekOf: string; readonly collected: string }[];
  }[];
}

/** The reports as last computed: for which reporting day, and when. */
export interface DashboardSnapshot {
  /** The reporting day the figures are for (YYYY-MM-DD). */
  readonly day: string;
  /** When they were computed (ISO instant, the function's clock). */
  readonly computedAt: string;
  readonly reports: DashboardReports;
}

/** One stored snapshot, shared by every console container: a newer one replaces it, an older one never does. */
export interface DashboardSnapshots {
  get(): Promise<DashboardSnapshot | undefined>;
  put(snapshot: DashboardSnapshot): Promise<void>;
}
