import { composeFunction } from '#adapters/compose.ts';
import { signalEventSchema } from '#contracts/events.ts';
import { signalInvoice } from '#domain/lifecycle.ts';

const app = composeFunction('signal');
const deps = { store: app.invoiceStore(), workflow: app.taskResponder(), timers: app.timers() };

export const handler = async (event: unknown) => {
  const signal = signalEventSchema.parse(event);
  return { outcome: await signalInvoice(deps, signal.detail.invoiceId, signal['detail-type']) };
};
