import { composeFunction } from '#adapters/compose.ts';
import { advanceTaskSchema } from '#contracts/workflow.ts';
import { advanceInvoice } from '#use-cases/advance-invoice.ts';

const app = composeFunction('advance');
const customers = app.customerStore();
const deps = {
  store: app.invoiceStore(),
  clock: app.clock,
  ledger: app.customerLedger(),
  customers,
  companions: customers,
  mailer: app.mailer(),
  texter: app.texter(),
  links: app.payLinks(),
  creditor: app.creditor(),
  tasks: app.taskStore(),
  collectors: app.collectorEvents(),
  timers: app.timers(),
  workflow: app.taskResponder(),
  log: app.log,
};

export const handler = async (event: unknown) => {
  const { invoiceId, taskToken } = advanceTaskSchema.parse(event);
  return advanceInvoice(deps, invoiceId, taskToken);
};
