import { daysBetween, isIsoDate } from './calendar.ts';
import { formatAmount, isCurrency } from './money.ts';
import type { ReplyKind } from './replies/classify.ts';

/**
 * The finance reports (GET /v1/reports/aging and /kpis) from the rows of their SQL queries
 * (shared/contracts/reports/*.sql). Pure: the caller runs the queries (Athena on AWS, DuckDB
 * locally) and hands over the rows; this turns sums and counts into the API's JSON. Money
 * stays integer minor units until it is formatted; every ratio is computed exactly from the
 * integers and rounded once, half away from zero, to 2 decimals, or null when its
 * denominator is 0.
 */

/**
 * Rows as Athena's GetQueryResults returns them, header row removed: every value as text
 * (integers plain, dates YYYY-MM-DD), SQL NULL as null. Values are found by column name.
 */
export interface ReportRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export interface AgingRequest {
  readonly asOf: string;
  readonly currency: string;
}

export interface AgingReport {
  readonly asOf: string;
  readonly currency: string;
  /** All five buckets, in order, empty ones included. */
  readonly buckets: readonly {
    readonly bucket: AgingBucket;
    readonly amount: string;
    readonly invoices: number;
    /** Bucket amount ÷ total amount × 100; null when nothing is owed. */
    readonly share: number | null;
  }[];
  readonly total: { readonly amount: string; readonly invoices: number };
}

export interface KpiRequest {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
}

export interface StepRecovery {
  readonly stepId: string;
  readonly sent: number;
  readonly paidWithin7Days: number;
  readonly rate: number | null;
}

/** The classes of a customer's reply (domain/replies/classify.ts), in the order the KPIs list them. */
export const REPLY_CLASSES = ['payment_claimed', 'dispute', 'promise', 'auto_reply', 'other'] as const satisfies readonly ReplyKind[];
export type ReplyClass = (typeof REPLY_CLASSES)[number];

export interface KpiReport {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly days: number;
  readonly sales: string;
  readonly arBegin: string;
  readonly arEnd: string;
  readonly arEndCurrent: string;
  readonly collected: string;
  readonly dso: number | null;
  readonly bestPossibleDso: number | null;
  readonly averageDaysDelinquent: number | null;
  readonly cei: number | null;
  readonly percentCurrent: number | null;
  readonly disputeRate: number | null;
  readonly promiseKeptRate: number | null;
  readonly messages: { readonly email: number; readonly sms: number };
  /** Customers' email replies in the period by class (`reply.received`); one reply about several invoices counts once. */
  readonly replies: Readonly<Record<ReplyClass, number>>;
  readonly recoveryByStep: readonly StepRecovery[];
  readonly averageDaysToPay: number | null;
}

/** `aging.sql` rows (bucket, amount_minor, invoices) → the aging report. A bucket without a row is empty. */
export function agingReport(result: ReportRows, request: AgingRequest): AgingReport {
  const cells = reader(result, 'aging');
  const found = new Map<string, { amount: bigint; invoices: bigint }>();
  cells.rows.forEach((_, row) => {
    const bucket = cells.text(row, 'bucket');
    if (!(AGING_BUCKETS as readonly string[]).includes(bucket)) throw new Error(`aging: unknown bucket ${JSON.stringify(bucket)}`);
    found.set(bucket, { amount: cells.integer(row, 'amount_minor'), invoices: cells.integer(row, 'invoices') });
  });
  const buckets = AGING_BUCKETS.map((bucket) => ({ bucket, ...(found.get(bucket) ?? { amount: 0n, invoices: 0n }) }));
  const totalAmount = buckets.reduce((sum, bucket) => sum + bucket.amount, 0n);
  const totalInvoices = buckets.reduce((sum, bucket) => sum + bucket.invoices, 0n);
  return {
    asOf: request.asOf,
    currency: request.currency,
    buckets: buckets.map((bucket) => ({
      bucket: bucket.bucket,
      amount: money(bucket.amount, request.currency),
      invoices: count(bucket.invoices),
      share: rounded(bucket.amount * 100n, totalAmount),
    })),
    total: { amount: money(totalAmount, request.currency), invoices: count(totalInvoices) },
  };
}

/**
 * `kpis.sql` (one row of sums and counts) and `recovery-by-step.sql` (a row per step) → the
 * KPI report. Each ratio comes from the unrounded integers, so averageDaysDelinquent can
 * differ by 0.01 from the difference of the rounded dso and bestPossibleDso.
 */
export function kpiReport(kpis: ReportRows, recovery: ReportRows, request: KpiRequest): KpiReport {
  const cells = reader(kpis, 'kpis');
  if (cells.rows.length !== 1) throw new Error(`kpis: expected one row, got ${cells.rows.length}`);
  const value = (column: string) => cells.integer(0, column);
  const days = value('days');
  const sales = value('sales_minor');
  const arBegin = value('ar_begin_minor');
  const arEnd = value('ar_end_minor');
  const arEndCurrent = value('ar_end_current_minor');
  const kept = value('promises_kept');
  const broken = value('promises_broken');
  const { currency } = request;
  return {
    from: request.from,
    to: request.to,
    currency,
    days: count(days),
    sales: money(sales, currency),
    arBegin: money(arBegin, currency),
    arEnd: money(arEnd, currency),
    arEndCurrent: money(arEndCurrent, currency),
    collected: money(value('collected_minor'), currency),
    dso: rounded(arEnd * days, sales),
    bestPossibleDso: rounded(arEndCurrent * days, sales),
    averageDaysDelinquent: rounded((arEnd - arEndCurrent) * days, sales),
    cei: rounded((arBegin + sales - arEnd) * 100n, arBegin + sales - arEndCurrent),
    percentCurrent: rounded(arEndCurrent * 100n, arEnd),
    disputeRate: rounded(value('disputed_invoices') * 100n, value('issued_invoices')),
    promiseKeptRate: rounded(kept * 100n, kept + broken),
    messages: { email: count(value('email_messages')), sms: count(value('sms_messages')) },
    replies: Object.fromEntries(REPLY_CLASSES.map((kind) => [kind, count(value(`replies_${kind}`))])) as Record<ReplyClass, number>,
    recoveryByStep: recoveryByStep(recovery),
    averageDaysToPay: rounded(value('days_to_pay_sum'), value('paid_invoices')),
  };
}

/**
 * `kpis-by-period.sql` rows → one KPI report per period, each read by `kpiReport` exactly as a
 * kpis.sql row (the raw columns are the same), without `recoveryByStep`.
 */
export function periodKpiReports(result: ReportRows, currency: string): KpiReport[] {
  const cells = reader(result, 'kpis-by-period');
  return result.rows.map((row, index) =>
    kpiReport({ columns: result.columns, rows: [row] }, NO_ROWS, {
      from: cells.text(index, 'period_from').slice(0, 10),
      to: cells.text(index, 'period_to').slice(0, 10),
      currency,
    }),
  );
}

const NO_ROWS: ReportRows = { columns: [], rows: [] };

/** The raw sum and count columns of kpis.sql (and of each kpis-by-period.sql row), after `days`. */
export const KPI_SUM_COLUMNS = [
  'sales_minor',
  'ar_begin_minor',
  'ar_end_minor',
  'ar_end_current_minor',
  'collected_minor',
  'issued_invoices',
  'disputed_invoices',
  'promises_kept',
  'promises_broken',
  'email_messages',
  'sms_messages',
  'replies_payment_claimed',
  'replies_dispute',
  'replies_promise',
  'replies_auto_reply',
  'replies_other',
  'paid_invoices',
  'days_to_pay_sum',
] as const;

/**
 * The report of a period before anything was recorded in the currency: every sum and count is
 * zero (no invoice existed, so no AR either), exactly what kpis.sql would return for it.
 */
export function periodBeforeHistory(request: KpiRequest): KpiReport {
  const days = daysBetween(request.from, request.to) + 1;
  return kpiReport({ columns: ['days', ...KPI_SUM_COLUMNS], rows: [[String(days), ...KPI_SUM_COLUMNS.map(() => '0')]] }, NO_ROWS, request);
}

/** `recovery-by-step.sql` rows (step_id, sent, paid_within_7_days), in the query's order. */
export function recoveryByStep(result: ReportRows): StepRecovery[] {
  const cells = reader(result, 'recovery-by-step');
  return cells.rows.map((_, row) => {
    const sent = cells.integer(row, 'sent');
    const paid = cells.integer(row, 'paid_within_7_days');
    return { stepId: cells.text(row, 'step_id'), sent: count(sent), paidWithin7Days: count(paid), rate: rounded(paid * 100n, sent) };
  });
}

// ---------------------------------------------------------------------------------------
// Query parameters
// ---------------------------------------------------------------------------------------

/**
 * The longest KPI period: a year, leap day included. AR needs the whole history whatever the
 * period, so this is not about cost: beyond a year DSO and CEI stop meaning anything useful.
 */
export const MAX_REPORT_DAYS = 366;

export type ReportQueryString = Readonly<Record<string, string | undefined>>;

/** Problems with `?asOf=&currency=`, each naming its parameter; empty when the request is good. */
export function agingRequestProblems(query: ReportQueryString): FieldProblem[] {
  return [...unknownParameters(query, ['asOf', 'currency']), ...dateProblems(query, 'asOf'), ...currencyProblems(query)];
}

/** Problems with `?from=&to=&currency=`, each naming its parameter; empty when the request is good. */
export function kpiRequestProblems(query: ReportQueryString): FieldProblem[] {
  const problems = [
    ...unknownParameters(query, ['from', 'to', 'currency']),
    ...dateProblems(query, 'from'),
    ...dateProblems(query, 'to'),
    ...currencyProblems(query),
  ];
  const { from, to } = query;
  if (from !== undefined && to !== undefined && isIsoDate(from) && isIsoDate(to)) {
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1) problems.push({ path: 'to', message: `must not be before from (${from})` });
    else if (days > MAX_REPORT_DAYS)
      problems.push({ path: 'to', message: `must be at most ${MAX_REPORT_DAYS} days from from, both included` });
  }
  return problems;
}

function unknownParameters(query: ReportQueryString, known: readonly string[]): FieldProblem[] {
  return Object.keys(query)
    .filter((name) => !known.includes(name))
    .map((name) => ({ path: name, message: `is not a known parameter (expected ${known.join(', ')})` }));
}

function dateProblems(query: ReportQueryString, name: string): FieldProblem[] {
  const value = query[name];
  if (value === undefined || value === '') return [{ path: name, message: 'is required' }];
  return isIsoDate(value) ? [] : [{ path: name, message: 'must be a calendar date in YYYY-MM-DD form' }];
}

function currencyProblems(query: ReportQueryString): FieldProblem[] {
  const { currency } = query;
  if (currency === undefined || currency === '') return [{ path: 'currency', message: 'is required' }];
  return isCurrency(currency) ? [] : [{ path: 'currency', message: 'must be an ISO 4217 currency code like "EUR"' }];
}

// ---------------------------------------------------------------------------------------
// Reading the rows and rounding
// ---------------------------------------------------------------------------------------

interface Cells {
  readonly rows: ReportRows['rows'];
  text(row: number, column: string): string;
  integer(row: number, column: string): bigint;
}

/** Cells by column name; a missing column or an unexpected value is a broken query, not a report. */
function reader(result: ReportRows, query: string): Cells {
  const index = (column: string) => {
    const at = result.columns.indexOf(column);
    if (at < 0) throw new Error(`${query}: the result has no column ${column}`);
    return at;
  };
  const text = (row: number, column: string) => {
    const value = result.rows[row]?.[index(column)];
    if (value === null || value === undefined) throw new Error(`${query}: ${column} of row ${row} is null`);
    return value;
  };
  return {
    rows: result.rows,
    text,
    integer(row, column) {
      const value = text(row, column);
      if (!/^-?\d+$/.test(value)) throw new Error(`${query}: ${column} of row ${row} is not an integer: ${JSON.stringify(value)}`);
      return BigInt(value);
    },
  };
}

function money(minor: bigint, currency: string): string {
  return formatAmount(safe(minor), currency);
}

function count(value: bigint): number {
  return safe(value);
}

function safe(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${value} is too large to report exactly`);
  return number;
}

/** numerator ÷ denominator rounded half away from zero to 2 decimals, exactly; null for ÷ 0. */
export function rounded(numerator: bigint, denominator: bigint): number | null {
  if (denominator === 0n) return null;
  const negative = numerator < 0n !== denominator < 0n;
  const n = (numerator < 0n ? -numerator : numerator) * 100n;
  const d = denominator < 0n ? -denominator : denominator;
  const hundredths = (2n * n + d) / (2n * d);
  if (hundredths === 0n) return 0;
  return Number(negative ? -hundredths : hundredths) / 100;
}
