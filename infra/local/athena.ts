import { randomUUID } from 'node:crypto';
import { AwsError } from './aws-error.ts';
import type { LakeSql } from './lake-sql.ts';

interface Execution {
  readonly id: string;
  readonly query: string;
  readonly state: 'SUCCEEDED' | 'FAILED';
  readonly reason?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly submittedAt: number;
}

const PAGE = 1000;
const KEEP = 200;

/**
 * Athena's query API over the local lake: the same SQL files run on DuckDB against the Parquet
 * files under the exports folder. A query runs to its end before StartQueryExecution answers,
 * which Athena allows (the caller polls GetQueryExecution either way).
 */
export class LocalAthena {
  private readonly lake: LakeSql;
  private readonly exportsDir: string;
  private readonly workGroup: string;
  private readonly executions = new Map<string, Execution>();

  constructor(lake: LakeSql, exportsDir: string, workGroup: string) {
    this.lake = lake;
    this.exportsDir = exportsDir;
    this.workGroup = workGroup;
  }

  async operation(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'StartQueryExecution':
        return { QueryExecutionId: await this.start(input) };
      case 'GetQueryExecution':
        return { QueryExecution: this.describe(this.find(input.QueryExecutionId)) };
      case 'GetQueryResults':
        return this.results(this.find(input.QueryExecutionId), input);
      case 'StopQueryExecution':
        this.find(input.QueryExecutionId);
        return {};
      default:
        throw new AwsError('UnknownOperationException', `The local endpoint does not emulate Athena ${operation}`);
    }
  }

  private async start(input: Record<string, unknown>): Promise<string> {
    const query = typeof input.QueryString === 'string' ? input.QueryString : '';
    if (!query) throw new AwsError('InvalidRequestException', 'QueryString is required', 400);
    if ((input.WorkGroup ?? 'primary') !== this.workGroup) {
      throw new AwsError('InvalidRequestException', `WorkGroup ${String(input.WorkGroup)} is not found.`, 400);
    }
    const parameters = Array.isArray(input.ExecutionParameters) ? input.ExecutionParameters.map(String) : [];
    const id = randomUUID();
    let execution: Execution;
    try {
      const result = await this.lake.query(this.exportsDir, query, parameters);
      execution = { id, query, state: 'SUCCEEDED', columns: result.columns, rows: result.rows, submittedAt: Date.now() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      execution = { id, query, state: 'FAILED', reason, columns: [], rows: [], submittedAt: Date.now() };
    }
    this.executions.set(id, execution);
    if (this.executions.size > KEEP) this.executions.delete(this.executions.keys().next().value as string);
    return id;
  }

  private find(id: unknown): Execution {
    const execution = this.executions.get(String(id));
    if (!execution) throw new AwsError('InvalidRequestException', `QueryExecution ${String(id)} was not found`, 400);
    return execution;
  }

  private describe(execution: Execution) {
    return {
      QueryExecutionId: execution.id,
      Query: execution.query,
      WorkGroup: this.workGroup,
      Status: {
        State: execution.state,
        SubmissionDateTime: execution.submittedAt / 1000,
        CompletionDateTime: execution.submittedAt / 1000,
        ...(execution.reason ? { StateChangeReason: execution.reason } : {}),
      },
    };
  }

  /** Pages of rows; the first row of the first page is the header, as Athena returns it. */
  private results(execution: Execution, input: Record<string, unknown>) {
    if (execution.state !== 'SUCCEEDED') {
      throw new AwsError('InvalidRequestException', `Query has not yet finished. Current state: ${execution.state}`, 400);
    }
    const all = [execution.columns, ...execution.rows];
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const size = Math.min(Number(input.MaxResults ?? PAGE) || PAGE, PAGE);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    return {
      ResultSet: {
        Rows: page.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
        ResultSetMetadata: { ColumnInfo: execution.columns.map((name) => ({ Name: name, Label: name, Type: 'varchar' })) },
      },
      ...(next ? { NextToken: next } : {}),
      UpdateCount: 0,
    };
  }
}
