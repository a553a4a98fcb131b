import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import { INVOICE_EVENTS_TABLE, invoiceEventColumns, type LakeColumn, type LakeColumnType, PARTITION_COLUMN } from '#contracts/lake.ts';

/** A query's answer as Athena's GetQueryResults gives it: every value as text, SQL NULL as null. */
export interface LakeQueryResult {
  readonly columns: string[];
  readonly rows: (string | null)[][];
}

interface LakeTableShape {
  readonly name: string;
  readonly columns: readonly LakeColumn[];
}

/** The tables the lake has, as the Glue catalog declares them on AWS. */
const lakeTables: readonly LakeTableShape[] = [{ name: INVOICE_EVENTS_TABLE, columns: invoiceEventColumns }];

/** How a lake column reads in DuckDB; instants are written as UTC-adjusted Parquet timestamps. */
const duckDbType: Record<LakeColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMPTZ',
};

/**
 * The report SQL on the local lake: an in-memory DuckDB over the Parquet files under an exports
 * folder (`<dir>/<table>/dt=YYYY-MM-DD/*.parquet`), each table a view of the same name as the
 * Glue table on AWS. Parameters are Athena ExecutionParameters (SQL literals) and values come
 * back rendered as Athena renders them, so callers cannot tell the two apart.
 */
export class LakeSql {
  private connection: Promise<DuckDBConnection> | undefined;
  private instance: DuckDBInstance | undefined;
  /** One query at a time: the views are per connection and re-pointed by each query. */
  private queue: Promise<unknown> = Promise.resolve();

  query(exportsDir: string, sql: string, executionParameters: readonly string[]): Promise<LakeQueryResult> {
    const run = this.queue.then(() => this.run(exportsDir, sql, executionParameters));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const opened = this.connection;
    this.connection = undefined;
    if (!opened) return;
    await this.queue;
    (await opened).closeSync();
    this.instance?.closeSync();
    this.instance = undefined;
  }

  private async run(exportsDir: string, sql: string, executionParameters: readonly string[]): Promise<LakeQueryResult> {
    const values = executionParameters.map(parameterValue);
    const connection = await this.connect();
    for (const table of lakeTables) await connection.run(viewSql(exportsDir, table));
    const reader = await connection.runAndReadAll(sql, values);
    const types = reader.columnTypes();
    return {
      columns: reader.columnNames(),
      rows: reader.getRows().map((row) => row.map((value, index) => athenaText(value, types[index]))),
    };
  }

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined; // the next query tries again
      throw error;
    });
    return this.connection;
  }

  private async open(): Promise<DuckDBConnection> {
    const instance = await DuckDBInstance.create(':memory:');
    this.instance = instance;
    const connection = await instance.connect();
    // Day arithmetic on instants (INTERVAL '7' DAY) must be 24-hour days, and AT TIME ZONE must
    // start from UTC, as on Athena.
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const table of lakeTables) await connection.run(emptyTableSql(table));
    return connection;
  }
}

function emptyTableName(table: LakeTableShape): string {
  return `${table.name}_empty`;
}

function emptyTableSql(table: LakeTableShape): string {
  const columns = table.columns.map((column) => `"${column.name}" ${duckDbType[column.type]}`);
  return `CREATE TABLE ${emptyTableName(table)} (${[...columns, `"${PARTITION_COLUMN}" VARCHAR`].join(', ')})`;
}

/**
 * The table as a view over its files. The empty table is always part of it, so every column
 * exists with its declared type even before the first file, or when older files lack a column.
 */
function viewSql(exportsDir: string, table: LakeTableShape): string {
  const empty = `SELECT * FROM ${emptyTableName(table)}`;
  if (!hasFiles(join(exportsDir, table.name))) return `CREATE OR REPLACE VIEW ${table.name} AS ${empty}`;
  const glob = join(exportsDir, table.name, '*', '*.parquet').replaceAll("'", "''");
  // The partition column stays text, as on Athena (DuckDB would make dt=2026-12-01 a DATE).
  const files = `read_parquet('${glob}', hive_partitioning = true, union_by_name = true, hive_types_autocast = false)`;
  return `CREATE OR REPLACE VIEW ${table.name} AS ${empty} UNION ALL BY NAME SELECT * FROM ${files}`;
}

/** DuckDB refuses a glob that matches nothing. */
function hasFiles(tableDir: string): boolean {
  try {
    return readdirSync(tableDir, { withFileTypes: true }).some(
      (partition) => partition.isDirectory() && readdirSync(join(tableDir, partition.name)).some((file) => file.endsWith('.parquet')),
    );
  } catch {
    return false;
  }
}

/** An ExecutionParameter back to a value: a quoted string literal or a plain number, nothing else. */
function parameterValue(literal: string): string | number | bigint {
  const text = /^'((?:[^']|'')*)'$/s.exec(literal);
  if (text) return (text[1] ?? '').replaceAll("''", "'");
  if (/^-?\d+$/.test(literal)) return BigInt(literal);
  if (/^-?\d+\.\d+$/.test(literal)) return Number(literal);
  throw new RangeError(`Execution parameter must be a quoted string or a number, got ${JSON.stringify(literal)}`);
}

/** A value as Athena's VarCharValue renders it (integers plain, dates ISO, timestamps `YYYY-MM-DD HH:MM:SS.mmm`). */
function athenaText(value: DuckDBValue, type: DuckDBType | undefined): string | null {
  if (value === null) return null;
  if (typeof value === 'number') {
    const typeId = type?.typeId;
    return typeId === DuckDBTypeId.DOUBLE || typeId === DuckDBTypeId.FLOAT ? javaDouble(value) : String(value);
  }
  if (typeof value === 'string' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // Decimals render plain with their scale ("12.50"), dates as YYYY-MM-DD.
  if (value instanceof DuckDBDecimalValue || value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) return timestampText(value.micros);
  return String(value);
}

/** Lake instants are UTC timestamps on Athena, which shows them without a zone, to the millisecond. */
function timestampText(micros: bigint): string {
  const instant = new Date(Number(micros / 1000n));
  if (Number.isNaN(instant.getTime())) return String(micros);
  return instant.toISOString().replace('T', ' ').replace('Z', '');
}

/** Java's Double.toString, which Athena uses: plain between 10^-3 and 10^7 ("50.0"), else "1.0E-4". */
function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}
