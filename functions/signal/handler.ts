import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { taskResponder, timers } from '#adapters/compose-workflow.ts';
import { signalEventSchema } from '#contracts/events.ts';
import { signalInvoice } from '#use-cases/signal-invoice.ts';

const app = functionContext('signal');
const table = tableAdapters(app);
const deps = { store: table.invoiceStore(), workflow: taskResponder(app), timers: timers(app) };

export const handler = async (event: unknown) => {
  const signal = signalEventSchema.parse(event);
  return { outcome: await signalInvoice(deps, signal.detail.invoiceId, signal['detail-type']) };
};
