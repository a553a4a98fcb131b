import * as z from 'zod';
import { DynamoInvoiceScan } from '#adapters/dynamo-invoice-scan.ts';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { readEnvironment } from '#adapters/environment.ts';
import { jsonLogger } from '#adapters/log.ts';
import { invoiceEventsTable } from '#adapters/s3-lake-table.ts';
import { EnvName } from '#contracts/env.ts';
import { functionEnvironment } from '#contracts/functions.ts';
import { backfillInvoices } from '#use-cases/export-events.ts';

const env = readEnvironment(functionEnvironment['export-backfill']);
const log = jsonLogger('export-backfill');
const lake = invoiceEventsTable(env[EnvName.exportBucketName]);
const scan = new DynamoInvoiceScan(documentClient(), env[EnvName.tableName]);

const request = z
  .strictObject({
    /** Split a large table over several invocations: segment i of totalSegments (DynamoDB parallel scan). */
    segment: z.number().int().min(0).optional(),
    totalSegments: z.number().int().min(1).max(1000).optional(),
  })
  .refine((input) => (input.segment ?? 0) < (input.totalSegments ?? 1), { path: ['segment'], message: 'must be less than totalSegments' });

/**
 * Run by hand after the lake is first deployed (README): every invoice's whole timeline into
 * the lake. Idempotent: files are named after the segment, and the partitions it touched are
 * compacted to one row per event, whatever the stream or an earlier run already wrote.
 */
export const handler = async (event: unknown) => {
  const parsed = request.safeParse(event ?? {});
  if (!parsed.success) throw new Error(`export-backfill: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const segment = parsed.data.segment ?? 0;
  const totalSegments = parsed.data.totalSegments ?? 1;
  const result = await backfillInvoices(scan.invoices(segment, totalSegments), lake, `${segment}of${totalSegments}`);
  log.info('backfilled the lake', { segment, totalSegments, ...result });
  return result;
};
