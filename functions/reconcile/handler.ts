import { functionContext } from '#adapters/compose-context.ts';
import { dunningStarts } from '#adapters/compose-messaging.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { runningExecutions } from '#adapters/compose-workflow.ts';
import { scheduledHandler } from '#adapters/handlers.ts';
import { reconcile } from '#use-cases/reconcile.ts';

const app = functionContext('reconcile');
const deps = {
  openInvoices: tableAdapters(app).openInvoices(),
  runningExecutions: runningExecutions(app),
  starts: dunningStarts(app),
  log: app.log,
};

/**
 * Daily (Scheduler cron) and at local start-up: every open invoice without a running execution
 * gets a start request. Requests the buffer refused fail the invocation (after all the others
 * went out), so the failure shows as a function error; the next run requests them again.
 */
export const handler = scheduledHandler(app.telemetry, async () => {
  const { open, running, requested, failed } = await reconcile(deps);
  app.log.info('reconciled open invoices', { open, running, requested, failed: failed.length });
  if (failed.length > 0)
    throw new Error(`${failed.length} of ${open - running} start requests were not taken; the next reconcile requests them again`);
  return { open, running, requested };
});
