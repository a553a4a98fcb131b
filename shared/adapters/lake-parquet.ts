import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { LakeColumn, LakeColumnType } from '#contracts/lake.ts';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

/**
 * How each lake column type is laid out in Parquet. Instants carry the logical type
 * TIMESTAMP(isAdjustedToUTC, MILLIS), so DuckDB reads them as TIMESTAMP WITH TIME ZONE and
 * Athena as a UTC `timestamp`; the legacy TIMESTAMP_MILLIS annotation would read as a local
 * time in DuckDB and shift every date near midnight.
 */
const parquetType: Record<LakeColumnType, Omit<SchemaElement, 'name'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int: { type: 'INT32' },
  bigint: { type: 'INT64' },
  timestamp: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
};

export type LakeValue = string | number | null;

/** Rows (ISO strings for instants, numbers for integers, null when absent) → one Parquet file. */
export function encodeParquet(columns: readonly LakeColumn[], rows: readonly Readonly<Record<string, LakeValue>>[]): Uint8Array {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((column) => ({ name: column.name, repetition_type: 'OPTIONAL' as const, ...parquetType[column.type] })),
  ];
  const columnData = columns.map((column) => ({
    name: column.name,
    data: rows.map((row) => toParquet(column, row[column.name] ?? null)),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, rowGroupSize: 100_000 }));
}

function toParquet(column: LakeColumn, value: LakeValue): unknown {
  if (value === null) return null;
  switch (column.type) {
    case 'string':
      return String(value);
    case 'int':
      return Number(value);
    case 'bigint':
      return BigInt(value);
    case 'timestamp': {
      const instant = new Date(value);
      if (Number.isNaN(instant.getTime())) throw new RangeError(`${column.name}: not an instant: ${value}`);
      return instant;
    }
  }
}

/** One Parquet file of the lake → rows in the same shape `encodeParquet` takes. */
export async function decodeParquet(columns: readonly LakeColumn[], bytes: Uint8Array): Promise<Record<string, LakeValue>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const objects = (await parquetReadObjects({ file, columns: columns.map((column) => column.name) })) as Record<string, unknown>[];
  return objects.map((object) => {
    const row: Record<string, LakeValue> = {};
    for (const column of columns) row[column.name] = fromParquet(object[column.name]);
    return row;
  });
}

function fromParquet(value: unknown): LakeValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}
