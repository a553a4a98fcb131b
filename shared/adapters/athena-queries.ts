import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { ReportRows } from '#domain/finance-reports.ts';

/** Athena renders every value as text and SQL NULL as null: the rows the reports are built from. */
export type QueryResult = ReportRows;

export interface AthenaQueryOptions {
  readonly workGroup: string;
  readonly database: string;
  /** Give up (and stop the query) after this long: API Gateway answers at 29 s. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs one SQL statement in the workgroup (which enforces where and how results are stored)
 * with positional parameters, polling until it ends, and returns every row.
 */
export class AthenaQueries {
  private readonly athena: AthenaClient;
  private readonly options: AthenaQueryOptions;

  constructor(athena: AthenaClient, options: AthenaQueryOptions) {
    this.athena = athena;
    this.options = options;
  }

  /** The SQL comes with its values written in (boundReportSql): Athena takes `?` only in WHERE clauses. */
  async run(sql: string): Promise<QueryResult> {
    const { QueryExecutionId: id } = await this.athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database },
      }),
    );
    if (!id) throw new Error('Athena returned no query execution id');
    await this.waitFor(id);
    return this.results(id);
  }

  private async waitFor(id: string): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const deadline = Date.now() + (this.options.timeoutMs ?? 25_000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
      const { QueryExecution } = await this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        throw new Error(`Athena query ${id} ${state}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`);
      }
      if (Date.now() + delay > deadline) {
        await this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new Error(`Athena query ${id} did not finish in time (state ${state})`);
      }
      await sleep(delay);
    }
  }

  private async results(id: string): Promise<QueryResult> {
    let columns: string[] = [];
    const rows: (string | null)[][] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }));
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? '');
      const pageRows = (page.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((datum) => datum.VarCharValue ?? null));
      // The first row of a SELECT's first page repeats the column names.
      rows.push(...(first ? pageRows.slice(1) : pageRows));
      first = false;
      token = page.NextToken;
    } while (token);
    return { columns, rows };
  }
}
