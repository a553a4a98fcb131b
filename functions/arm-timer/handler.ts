import { composeFunction } from '#adapters/compose.ts';
import { armTimerTaskSchema } from '#contracts/workflow.ts';
import { armTimer } from '#domain/lifecycle.ts';

const app = composeFunction('arm-timer');
const deps = {
  store: app.invoiceStore(),
  clock: app.clock,
  timers: app.timers(),
  workflow: app.taskResponder(),
  ledger: app.customerLedger(),
  customers: app.customerStore(),
};

export const handler = async (event: unknown) => ({ outcome: await armTimer(deps, armTimerTaskSchema.parse(event)) });
