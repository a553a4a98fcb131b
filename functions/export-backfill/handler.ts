import * as z from 'zod';
import { functionContext } from '#adapters/compose-context.ts';
import { invoiceEvents } from '#adapters/compose-lake.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { scheduledHandler } from '#adapters/handlers.ts';
import { backfillInvoices } from '#use-cases/export-events.ts';

const app = functionContext('export-backfill');
const lake = invoiceEvents(app);
const scan = tableAdapters(app).invoiceScan();

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
export const handler = scheduledHandler(app.telemetry, async (event) => {
  const parsed = request.safeParse(event ?? {});
  if (!parsed.success) throw new Error(`export-backfill: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const segment = parsed.data.segment ?? 0;
  const totalSegments = parsed.data.totalSegments ?? 1;
  const result = await backfillInvoices(scan.invoices(segment, totalSegments), lake, `${segment}of${totalSegments}`);
  app.log.info('backfilled the lake', { segment, totalSegments, ...result });
  return result;
});
