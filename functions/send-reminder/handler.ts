import { composeFunction } from '#adapters/compose.ts';
import { sendTaskSchema } from '#contracts/workflow.ts';
import { sendReminder } from '#domain/lifecycle.ts';

const app = composeFunction('send-reminder');
const deps = {
  store: app.invoiceStore(),
  clock: app.clock,
  mailer: app.mailer(),
  texter: app.texter(),
  ledger: app.customerLedger(),
  customers: app.customerStore(),
  companions: app.customerStore(),
  links: app.payLinks(),
  creditor: app.creditor(),
  log: app.log,
};

export const handler = async (event: unknown) => {
  const { invoiceId, stepId } = sendTaskSchema.parse(event);
  return { outcome: await sendReminder(deps, invoiceId, stepId) };
};
