import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { taskResponder } from '#adapters/compose-workflow.ts';
import { scheduledHandler } from '#adapters/handlers.ts';
import { wakeEventSchema } from '#contracts/workflow.ts';
import { wake } from '#use-cases/wake.ts';

const app = functionContext('wake');
const table = tableAdapters(app);
const deps = { store: table.invoiceStore(), workflow: taskResponder(app) };

/** An invoice's one-time Scheduler timer fired: its parked execution resumes. */
export const handler = scheduledHandler(app.telemetry, async (event) => {
  const { invoiceId, sleepId } = wakeEventSchema.parse(event);
  return { outcome: await wake(deps, invoiceId, sleepId) };
});
