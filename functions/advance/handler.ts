import { functionContext } from '#adapters/compose-context.ts';
import { letterPost } from '#adapters/compose-letters.ts';
import { messageArchive } from '#adapters/compose-messages.ts';
import { collectorEvents } from '#adapters/compose-messaging.ts';
import { mailer, payLinks, replyAddresses, texter } from '#adapters/compose-sending.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { taskResponder, timers } from '#adapters/compose-workflow.ts';
import { taskHandler } from '#adapters/handlers.ts';
import { MetricName } from '#contracts/metrics.ts';
import { advanceTaskSchema } from '#contracts/workflow.ts';
import { advanceInvoice } from '#use-cases/advance-invoice.ts';
import { emptyReminderTally } from '#use-cases/reminder-tally.ts';

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
  letters: letterPost(app),
  archive: messageArchive(app),
  links: payLinks(app, table.shortLinkStore()),
  replyAddresses: replyAddresses(app, table.replyRoutes()),
  creditor: app.creditor(),
  tasks: table.taskStore(),
  collectors: collectorEvents(app),
  timers: timers(app),
  workflow: taskResponder(app),
  log: app.log,
};

const { telemetry } = app;

/** The state machine's Advance task: one wake-up of an invoice's execution; what it did with reminders becomes metrics. */
export const handler = taskHandler(telemetry, async (event) => {
  const { invoiceId, taskToken } = advanceTaskSchema.parse(event);
  const tally = emptyReminderTally();
  try {
    return await advanceInvoice(deps, invoiceId, taskToken, tally);
  } finally {
    telemetry.metrics.addMetadata('invoiceId', invoiceId);
    telemetry.count(MetricName.remindersSent, tally.sent);
    telemetry.count(MetricName.remindersFailed, tally.failed);
    telemetry.count(MetricName.remindersUnconfirmed, tally.unconfirmed);
  }
});
