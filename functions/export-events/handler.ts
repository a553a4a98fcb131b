import { functionContext } from '#adapters/compose-context.ts';
import { invoiceEvents } from '#adapters/compose-lake.ts';
import { streamHandler } from '#adapters/handlers.ts';
import { invoiceChanges } from '#adapters/lake-stream.ts';
import { projectChanges } from '#use-cases/export-events.ts';

const app = functionContext('export-events');
const lake = invoiceEvents(app);

/**
 * The table's change stream → `invoice_events`. No partial batch response: a failed batch is
 * retried whole from its first record, so it rewrites the same objects (see projectChanges).
 */
export const handler = streamHandler(app.telemetry, async (event) => {
  const changes = invoiceChanges(event);
  const written = await projectChanges(changes, lake);
  app.log.info('projected stream batch', { records: changes.length, ...written, first: changes[0]?.sequenceNumber });
  return written;
});
