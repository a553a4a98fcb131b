/**
 * DynamoDB request units, counted the way on-demand capacity bills them. dynalite reports
 * `ConsumedCapacity` for reads by the AWS rules (4 KB per read unit, half for an eventually
 * consistent read, a query summed over the items it read), so reads take its figures; for
 * writes it counts the table only, never an index, so write units are computed here from the
 * item images: 1 unit per started KB of the larger image, plus, per global secondary index
 * whose entry changed, 1 per started KB of the projected entry written (2 entries when its key
 * changed: a delete and a put).
 */

/** An item in DynamoDB's JSON wire form (`{ "pk": { "S": "…" } }`). */
export type WireItem = Record<string, unknown>;

export interface IndexShape {
  readonly name: string;
  readonly keys: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly include: readonly string[];
}

export interface TableShape {
  readonly keys: readonly string[];
  readonly indexes: readonly IndexShape[];
}

export interface Units {
  table: number;
  indexes: Record<string, number>;
}

export interface DynamoUsage {
  readonly readRequestUnits: Units;
  readonly writeRequestUnits: Units;
}

/** The `ConsumedCapacity` of one answer (an array for batch operations). */
interface ConsumedCapacity {
  readonly CapacityUnits?: number;
  readonly Table?: { readonly CapacityUnits?: number };
  readonly GlobalSecondaryIndexes?: Record<string, { readonly CapacityUnits?: number }>;
}

const KB = 1024;

/** Running totals of request units since start. */
export class CapacityMeter {
  private readonly reads: Units = { table: 0, indexes: {} };
  private readonly writes: Units = { table: 0, indexes: {} };

  /**
   * A read answer's `ConsumedCapacity`, asked for with `ReturnConsumedCapacity: 'INDEXES'`. A query
   * or scan costs at least `minimum` (0.5 eventually consistent, 1 strongly) even when it reads
   * nothing, which dynalite reports as 0.
   */
  read(
    consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined,
    minimum?: { units: number; index?: string | undefined },
  ): void {
    let total = 0;
    for (const entry of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
      const used: Record<string, { readonly CapacityUnits?: number }> = entry.GlobalSecondaryIndexes ?? {};
      const units: Units = {
        table: entry.Table ? (entry.Table.CapacityUnits ?? 0) : (entry.CapacityUnits ?? 0),
        indexes: Object.fromEntries(Object.entries(used).map(([name, index]) => [name, index.CapacityUnits ?? 0])),
      };
      add(this.reads, units);
      total += units.table + Object.values(units.indexes).reduce((sum, value) => sum + value, 0);
    }
    if (!minimum || total > 0) return;
    add(this.reads, minimum.index ? { table: 0, indexes: { [minimum.index]: minimum.units } } : { table: minimum.units, indexes: {} });
  }

  write(units: Units): void {
    add(this.writes, units);
  }

  usage(): DynamoUsage {
    return {
      readRequestUnits: { table: this.reads.table, indexes: { ...this.reads.indexes } },
      writeRequestUnits: { table: this.writes.table, indexes: { ...this.writes.indexes } },
    };
  }
}

function add(total: Units, units: Units): void {
  total.table += units.table;
  for (const [name, value] of Object.entries(units.indexes)) total.indexes[name] = (total.indexes[name] ?? 0) + value;
}

/** A write that landed: `old` is the item before (undefined: none), `next` after (undefined: deleted). */
export function writeUnits(shape: TableShape, old: WireItem | undefined, next: WireItem | undefined): Units {
  const indexes: Record<string, number> = {};
  for (const index of shape.indexes) {
    const units = indexWriteUnits(shape, index, old, next);
    if (units > 0) indexes[index.name] = units;
  }
  return { table: Math.max(1, kilobytes(old), kilobytes(next)), indexes };
}

/** A write refused by its condition still costs the item's size on the table, and nothing on an index. */
export function failedWriteUnits(item: WireItem | undefined): Units {
  return { table: Math.max(1, kilobytes(item)), indexes: {} };
}

function indexWriteUnits(shape: TableShape, index: IndexShape, old: WireItem | undefined, next: WireItem | undefined): number {
  const before = old && index.keys.every((key) => key in old) ? projected(shape, index, old) : undefined;
  const after = next && index.keys.every((key) => key in next) ? projected(shape, index, next) : undefined;
  if (!before && !after) return 0;
  if (!before) return Math.max(1, kilobytes(after));
  if (!after) return Math.max(1, kilobytes(before));
  const keyChanged = index.keys.some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  if (keyChanged) return Math.max(1, kilobytes(before)) + Math.max(1, kilobytes(after));
  return sameItem(before, after) ? 0 : Math.max(1, kilobytes(before), kilobytes(after));
}

function projected(shape: TableShape, index: IndexShape, item: WireItem): WireItem {
  if (index.projection === 'ALL') return item;
  const names = new Set([...shape.keys, ...index.keys, ...(index.projection === 'INCLUDE' ? index.include : [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

function sameItem(a: WireItem, b: WireItem): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => name in b && JSON.stringify(a[name]) === JSON.stringify(b[name]));
}

function kilobytes(item: WireItem | undefined): number {
  return item ? Math.ceil(itemBytes(item) / KB) : 0;
}

/** An item's size as DynamoDB counts it: attribute names in UTF-8 plus their values. */
export function itemBytes(item: WireItem): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

function valueBytes(value: unknown): number {
  const [type, inner] = Object.entries(value as Record<string, unknown>)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(inner as string);
    case 'N':
      return numberBytes(inner as string);
    case 'B':
      return Buffer.from(inner as string, 'base64').length;
    case 'SS':
      return (inner as string[]).reduce((sum, member) => sum + Buffer.byteLength(member), 0);
    case 'NS':
      return (inner as string[]).reduce((sum, member) => sum + numberBytes(member), 0);
    case 'BS':
      return (inner as string[]).reduce((sum, member) => sum + Buffer.from(member, 'base64').length, 0);
    case 'L':
      return 3 + (inner as unknown[]).reduce<number>((sum, member) => sum + 1 + valueBytes(member), 0);
    case 'M':
      return 3 + Object.keys(inner as object).length + itemBytes(inner as WireItem);
    default:
      // BOOL and NULL
      return 1;
  }
}

/** Up to 38 significant digits, two per byte, plus one byte. */
function numberBytes(number: string): number {
  const digits = number.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}
