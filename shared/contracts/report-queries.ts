import { readFileSync } from 'node:fs';
import { canonicalTimeZone } from '#domain/calendar.ts';

/**
 * The finance report queries: one SQL file each under `./reports/`, run as they are by Athena
 * (one named query per report) and by DuckDB locally. Each takes positional `?` parameters,
 * passed as SQL literals (Athena ExecutionParameters, see `sqlLiteral`). The reporting time zone
 * is deployment config, not a request parameter: it is written into the text where the file says
 * `${ReportingTimeZone}`, so a named query in the Athena console carries it too.
 */

export type ReportParameter = 'asOf' | 'from' | 'to' | 'currency';

export interface ReportQuery {
  /** The SQL file's basename under `./reports/`, and the Athena named query's name. */
  readonly name: string;
  readonly description: string;
  /** Parameter names in the order of the query's `?` placeholders. */
  readonly parameters: readonly ReportParameter[];
  /** The SQL file when several reports share one (`${Token}`s in it are written in from `tokens`). */
  readonly file?: string;
  readonly tokens?: Readonly<Record<string, string>>;
}

/**
 * kpis-by-period.sql as the reports API and the console run it: one currency, from the period
 * holding `from` to the one holding `asOf` (its parameters), over the table in the query's own
 * database. QuickSight's "monthly KPIs" writes its own values in (finance-quicksight.ts).
 */
const apiKpiScope = {
  ReportScope: 'CAST(? AS DATE) AS today, CAST(? AS DATE) AS first_day, CAST(? AS VARCHAR) AS currency',
  EventsTable: 'invoice_events',
};

export const reportQueries = [
  {
    name: 'aging',
    description: 'Receivables at the end of a reporting day by days past due: always five buckets, current to 91+',
    parameters: ['asOf', 'currency'],
  },
  {
    name: 'kpis',
    description: 'One row of the sums and counts behind the finance KPIs (sales, AR, collections, disputes, promises, messages)',
    parameters: ['from', 'to', 'currency'],
  },
  {
    name: 'recovery-by-step',
    description: 'Per cadence step: invoices that got it in the period and how many were paid in full within 7 x 24 hours',
    parameters: ['from', 'to', 'currency'],
  },
  {
    name: 'dispute-rate-by-reason',
    description: 'Per dispute reason: invoices issued in the period disputed by its end, and their share of those issued',
    parameters: ['from', 'to', 'currency'],
  },
  {
    name: 'kpis-by-month',
    description:
      'The sums and counts of kpis.sql per calendar month, from the month of from to the month of asOf: one statement for a trend',
    parameters: ['asOf', 'from', 'currency'],
    file: 'kpis-by-period',
    tokens: { ...apiKpiScope, PeriodUnit: 'month', PeriodStep: "INTERVAL '1' MONTH" },
  },
  {
    name: 'kpis-by-week',
    description: 'The sums and counts of kpis.sql per ISO week (Monday to Sunday), from the week of from to the week of asOf',
    parameters: ['asOf', 'from', 'currency'],
    file: 'kpis-by-period',
    tokens: { ...apiKpiScope, PeriodUnit: 'week', PeriodStep: "INTERVAL '7' DAY" },
  },
  {
    name: 'bad-debt-ratio',
    description: 'Balances written off in the period against the sales of the period, in percent',
    parameters: ['from', 'to', 'currency'],
  },
] as const satisfies readonly ReportQuery[];

export type ReportName = (typeof reportQueries)[number]['name'];

export function reportQuery(name: ReportName): ReportQuery {
  const query = reportQueries.find((candidate) => candidate.name === name);
  if (!query) throw new RangeError(`Unknown report query ${JSON.stringify(name)}`);
  return query;
}

/** Where a query's text names the reporting time zone. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the token in the SQL files, not a template
export const REPORTING_TIME_ZONE_TOKEN = '${ReportingTimeZone}';

/**
 * `text` with `${Name}` tokens written in, in the order given (a value may hold a token that a
 * later entry fills). Every token given must occur, and none may be left but those in `remaining`
 * (spelt `${Name}`): a misspelt token fails here, not as SQL that Athena cannot parse.
 */
export function writeInTokens(
  what: string,
  text: string,
  tokens: Readonly<Record<string, string>>,
  remaining: readonly string[] = [],
): string {
  let written = text;
  for (const [name, value] of Object.entries(tokens)) {
    const token = `\${${name}}`;
    if (!written.includes(token)) throw new RangeError(`${what} has no ${token} to write in`);
    written = written.replaceAll(token, () => value); // a function: `$` in a value is no replacement pattern
  }
  const left = [...new Set(written.match(/\$\{[^}]*\}/g))].filter((token) => !remaining.includes(token));
  if (left.length > 0) throw new RangeError(`${what} still has ${left.join(', ')} after its tokens were written in`);
  return written;
}

const templates = new Map<ReportName, string>();

/** The file with the query's own tokens written in, read once: a Lambda answers many requests with the same few queries. */
export function reportTemplate(name: ReportName): string {
  let template = templates.get(name);
  if (template === undefined) {
    // Checked first: the name becomes part of a file path.
    const query: ReportQuery = reportQuery(name);
    const file = readFileSync(new URL(`./reports/${query.file ?? query.name}.sql`, import.meta.url), 'utf8');
    template = writeInTokens(`Report query ${name}`, file, query.tokens ?? {}, [REPORTING_TIME_ZONE_TOKEN]);
    templates.set(name, template);
  }
  return template;
}

/**
 * An IANA zone name the runtime knows, aliases included (`Asia/Kolkata`, which Node lists as
 * `Asia/Calcutta`). The name pattern comes first: the zone is written inside a SQL literal.
 */
export function isReportingTimeZone(zone: string): boolean {
  // Spelled as the tz database spells it: engines differ on names in other cases.
  return /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(zone) && canonicalTimeZone(zone) !== undefined;
}

/** The query's SQL with the reporting time zone written in (it is checked first: it lands inside a string literal). */
export function reportSql(name: ReportName, reportingTimeZone: string): string {
  if (!isReportingTimeZone(reportingTimeZone)) {
    throw new RangeError(
      `Reporting time zone must be an IANA zone name like "Europe/Berlin" or "UTC", got ${JSON.stringify(reportingTimeZone)}`,
    );
  }
  return writeInTokens(`Report query ${name}`, reportTemplate(name), { ReportingTimeZone: reportingTimeZone });
}

/**
 * A string as a SQL literal for Athena ExecutionParameters (which are literals, not values):
 * quotes doubled, control characters refused rather than escaped, since no parameter of a
 * report has a reason to contain one.
 */
export function sqlLiteral(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new RangeError('A SQL parameter must not contain control characters');
  return `'${value.replaceAll("'", "''")}'`;
}

/** The ExecutionParameters of a query, in its placeholders' order. */
export function executionParameters(name: ReportName, values: Readonly<Partial<Record<ReportParameter, string>>>): string[] {
  return reportQuery(name).parameters.map((parameter) => {
    const value = values[parameter];
    if (value === undefined) throw new RangeError(`Report query ${name} needs the parameter ${parameter}`);
    return sqlLiteral(value);
  });
}

/**
 * The query's SQL with its parameters written in as literals, in the placeholders' order.
 * Athena documents `?` parameters only in WHERE clauses, while these queries take them once in
 * a `params` CTE; the reports API therefore binds them itself. Safe because every value is
 * validated first (calendar dates, ISO 4217 codes) and still goes through `sqlLiteral`.
 * Placeholders inside string literals, quoted names and comments are left alone.
 */
export function boundReportSql(
  name: ReportName,
  reportingTimeZone: string,
  values: Readonly<Partial<Record<ReportParameter, string>>>,
): string {
  const literals = executionParameters(name, values);
  const sql = reportSql(name, reportingTimeZone);
  let bound = '';
  let used = 0;
  for (let at = 0; at < sql.length; ) {
    const char = sql[at] ?? '';
    const skipTo = (end: number) => {
      bound += sql.slice(at, end);
      at = end;
    };
    if (char === "'" || char === '"') {
      let end = at + 1;
      while (end < sql.length && !(sql[end] === char && sql[end + 1] !== char)) end += sql[end] === char ? 2 : 1;
      skipTo(end + 1);
    } else if (char === '-' && sql[at + 1] === '-') {
      const end = sql.indexOf('\n', at);
      skipTo(end === -1 ? sql.length : end);
    } else if (char === '?') {
      const literal = literals[used++];
      if (literal === undefined) throw new RangeError(`Report query ${name} has more placeholders than parameters`);
      bound += literal;
      at++;
    } else skipTo(at + 1);
  }
  if (used !== literals.length) throw new RangeError(`Report query ${name} has ${used} placeholders for ${literals.length} parameters`);
  return bound;
}
