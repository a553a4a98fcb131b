import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { taskResponder } from '#adapters/compose-workflow.ts';
import { wakeEventSchema } from '#contracts/workflow.ts';
import { wake } from '#use-cases/wake.ts';

const app = functionContext('wake');
const table = tableAdapters(app);
const deps = { store: table.invoiceStore(), workflow: taskResponder(app) };

export const handler = async (event: unknown) => {
  const { invoiceId, sleepId } = wakeEventSchema.parse(event);
  return { outcome: await wake(deps, invoiceId, sleepId) };
};
