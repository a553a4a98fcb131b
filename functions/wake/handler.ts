import { composeFunction } from '#adapters/compose.ts';
import { wakeEventSchema } from '#contracts/workflow.ts';
import { wake } from '#domain/lifecycle.ts';

const app = composeFunction('wake');
const deps = { store: app.invoiceStore(), workflow: app.taskResponder() };

export const handler = async (event: unknown) => {
  const { invoiceId, sleepId } = wakeEventSchema.parse(event);
  return { outcome: await wake(deps, invoiceId, sleepId) };
};
