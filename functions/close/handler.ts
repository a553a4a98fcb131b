import { composeFunction } from '#adapters/compose.ts';
import { closeTaskSchema } from '#contracts/workflow.ts';
import { closeInvoice } from '#domain/lifecycle.ts';

const app = composeFunction('close');
const deps = {
  store: app.invoiceStore(),
  clock: app.clock,
  mailer: app.mailer(),
  texter: app.texter(),
  creditor: app.creditor(),
  customers: app.customerStore(),
  log: app.log,
};

export const handler = async (event: unknown) => {
  const { invoiceId, reason } = closeTaskSchema.parse(event);
  return { outcome: await closeInvoice(deps, invoiceId, reason) };
};
