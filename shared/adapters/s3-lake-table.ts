import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { INVOICE_EVENTS_TABLE, type InvoiceEventRow, invoiceEventColumns, type LakeColumn, partitionPrefix } from '#contracts/lake.ts';
import type { LakeTable } from '#ports/lake.ts';
import { decodeParquet, encodeParquet } from './lake-parquet.ts';

export function s3Client(): S3Client {
  // The lake's files are whole objects written once; checksums only where S3 requires them.
  return new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

/** A lake table as Parquet objects under `<table>/dt=YYYY-MM-DD/` in one bucket. */
export class S3LakeTable implements LakeTable {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly table: string;
  private readonly columns: readonly LakeColumn[];

  constructor(s3: S3Client, bucket: string, table: string, columns: readonly LakeColumn[]) {
    this.s3 = s3;
    this.bucket = bucket;
    this.table = table;
    this.columns = columns;
  }

  async writeFile(dt: string, name: string, rows: readonly InvoiceEventRow[]): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(dt, name),
        Body: encodeParquet(this.columns, rows),
        ContentType: 'application/vnd.apache.parquet',
      }),
    );
  }

  async listFiles(dt: string): Promise<string[]> {
    const prefix = partitionPrefix(this.table, dt);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(prefix.length) ?? '';
        if (name.endsWith('.parquet') && !name.includes('/')) names.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names.sort();
  }

  async readFile(dt: string, name: string): Promise<InvoiceEventRow[]> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(dt, name) }));
    const bytes = await object.Body?.transformToByteArray();
    if (!bytes) throw new Error(`Lake object ${this.key(dt, name)} has no body`);
    return (await decodeParquet(this.columns, bytes)) as InvoiceEventRow[];
  }

  async deleteFile(dt: string, name: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(dt, name) }));
  }

  private key(dt: string, name: string): string {
    return `${partitionPrefix(this.table, dt)}${name}`;
  }
}

/** The `invoice_events` table of the lake bucket, as the projector, the compaction and the backfill write it. */
export function invoiceEventsTable(bucket: string): S3LakeTable {
  return new S3LakeTable(s3Client(), bucket, INVOICE_EVENTS_TABLE, invoiceEventColumns);
}
