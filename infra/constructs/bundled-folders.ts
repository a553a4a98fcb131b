import { FunctionName } from '#contracts/functions.ts';

/** A folder (relative to the project root) copied into a function's bundle under `to`. */
export interface BundledFolder {
  readonly from: string;
  readonly to: string;
}

/** The report queries: SQL files that #contracts/report-queries.ts reads from `./reports/` beside itself. */
export const REPORT_QUERY_FILES: BundledFolder = { from: 'shared/contracts/reports', to: 'reports' };

/**
 * The generated public holiday calendars (a few KB per country, 1.1 MB in all) that
 * #domain/holidays.ts reads from `./holidays/` beside itself, one country file when a customer
 * there first needs it: data beside the bundle rather than inside it, so no function parses
 * calendars it never reads.
 */
export const HOLIDAY_CALENDAR_FILES: BundledFolder = { from: 'shared/domain/holidays', to: 'holidays' };

/**
 * Files each function reads at run time, copied into its bundle: once bundled, "beside the
 * module" is beside `index.mjs`. The holiday calendars go to every function whose bundle holds
 * #domain/holidays.ts (the planner, behind every invoice write and view, and the customer
 * schemas' country check) and to no other: test/infra/bundled-folders.test.ts checks both ways.
 */
export const bundledFolders: Record<FunctionName, readonly BundledFolder[]> = {
  [FunctionName.invoicesApi]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.payPage]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.startDunning]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.advance]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.wake]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.signal]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.reconcile]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.notifyCollectors]: [],
  [FunctionName.tasksApi]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.policiesApi]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.customersApi]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.stripeWebhook]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.emailFeedback]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.exportEvents]: [],
  [FunctionName.console]: [HOLIDAY_CALENDAR_FILES, REPORT_QUERY_FILES],
  [FunctionName.exportCompact]: [],
  [FunctionName.exportBackfill]: [HOLIDAY_CALENDAR_FILES],
  [FunctionName.reportsApi]: [REPORT_QUERY_FILES],
  [FunctionName.reply]: [HOLIDAY_CALENDAR_FILES],
};
