import { readEnvironment } from '#adapters/environment.ts';
import { invoiceChanges } from '#adapters/lake-stream.ts';
import { jsonLogger } from '#adapters/log.ts';
import { invoiceEventsTable } from '#adapters/s3-lake-table.ts';
import { EnvName } from '#contracts/env.ts';
import { functionEnvironment } from '#contracts/functions.ts';
import { projectChanges } from '#use-cases/export-events.ts';

const env = readEnvironment(functionEnvironment['export-events']);
const log = jsonLogger('export-events');
const lake = invoiceEventsTable(env[EnvName.exportBucketName]);

/**
 * The table's change stream → `invoice_events`. No partial batch response: a failed batch is
 * retried whole from its first record, so it rewrites the same objects (see projectChanges).
 */
export const handler = async (event: unknown) => {
  const changes = invoiceChanges(event);
  const written = await projectChanges(changes, lake);
  log.info('projected stream batch', { records: changes.length, ...written, first: changes[0]?.sequenceNumber });
  return written;
};
