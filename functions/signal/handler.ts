import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { taskResponder, timers } from '#adapters/compose-workflow.ts';
import { eventHandler } from '#adapters/handlers.ts';
import { signalEventSchema } from '#contracts/events.ts';
import { signalInvoice } from '#use-cases/signal-invoice.ts';

const app = functionContext('signal');
const table = tableAdapters(app);
const deps = { store: table.invoiceStore(), workflow: taskResponder(app), timers: timers(app) };

/** Invoice events on the bus (paid, disputed, held…) → the invoice's sleeping execution re-plans. */
export const handler = eventHandler(app.telemetry, async (event) => {
  const signal = signalEventSchema.parse(event);
  return { outcome: await signalInvoice(deps, signal.detail.invoiceId, signal['detail-type']) };
});
