import { functionContext } from '#adapters/compose-context.ts';
import { collectorEvents } from '#adapters/compose-messaging.ts';
import { mailer, payLinks, texter } from '#adapters/compose-sending.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { taskResponder, timers } from '#adapters/compose-workflow.ts';
import { advanceTaskSchema } from '#contracts/workflow.ts';
import { advanceInvoice } from '#use-cases/advance-invoice.ts';

const app = functionContext('advance');
const table = tableAdapters(app);
const customers = table.customerStore();
const deps = {
  store: table.invoiceStore(),
  clock: app.clock,
  ledger: table.customerLedger(),
  customers,
  companions: customers,
  mailer: mailer(app),
  texter: texter(app),
  links: payLinks(app, table.shortLinkStore()),
  creditor: app.creditor(),
  tasks: table.taskStore(),
  collectors: collectorEvents(app),
  timers: timers(app),
  workflow: taskResponder(app),
  log: app.log,
};

export const handler = async (event: unknown) => {
  const { invoiceId, taskToken } = advanceTaskSchema.parse(event);
  return advanceInvoice(deps, invoiceId, taskToken);
};
