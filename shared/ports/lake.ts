import type { Invoice } from '#domain/invoice.ts';

/** One change of one invoice item, in stream order: the item before (if any) and after (if any). */
export interface InvoiceChange {
  readonly sequenceNumber: string;
  readonly previous: InvoiceImage | undefined;
  readonly next: InvoiceImage | undefined;
}

/**
 * An invoice item as a stream record shows it. Its timeline holds the events numbered from
 * `timelineFrom` (0 when absent) on: older ones moved out of the item (see the invoice store),
 * and were exported when they were added.
 */
export type InvoiceImage = Invoice & { readonly timelineFrom?: number | undefined };

/**
 * One table of the finance lake: Parquet files in partitions `dt=YYYY-MM-DD`. Writing a file
 * under a name that exists replaces it whole (an S3 PUT), which is what makes a retried batch
 * land once.
 */
/** One row of a lake table, column by column (contracts/lake.ts names the columns): absent values are null, instants ISO strings. */
export type LakeRow = { readonly [column: string]: string | number | null };

export interface LakeTable<Row extends LakeRow = LakeRow> {
  writeFile(dt: string, name: string, rows: readonly Row[]): Promise<void>;
  /** File names in one partition, sorted. */
  listFiles(dt: string): Promise<string[]>;
  readFile(dt: string, name: string): Promise<Row[]>;
  deleteFile(dt: string, name: string): Promise<void>;
}
