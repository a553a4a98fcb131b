import { functionContext } from '#adapters/compose-context.ts';
import { domainEvents } from '#adapters/compose-messaging.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { appendCorrelation } from '#adapters/correlation.ts';
import { eventHandler } from '#adapters/handlers.ts';
import { emailFeedbackOf, sesEmailEventSchema } from '#contracts/email-events.ts';
import { recordEmailFeedback } from '#use-cases/record-email-feedback.ts';

const app = functionContext('email-feedback');
const table = tableAdapters(app);
const deps = {
  store: table.invoiceStore(),
  clock: app.clock,
  customers: table.customerStore(),
  ledger: table.customerLedger(),
  events: domainEvents(app),
  log: app.log,
};

/** SES delivery, bounce and complaint events (through EventBridge) → the invoice timeline. */
export const handler = eventHandler(app.telemetry, async (event) => {
  const parsed = sesEmailEventSchema.parse(event);
  const feedback = emailFeedbackOf(parsed);
  // One email can be about several invoices (a digest): `invoiceId` then lists them.
  appendCorrelation({ invoiceId: feedback?.invoiceIds.join(',') });
  if (!feedback) {
    // Not one of ours (no invoice header) or the headers were cut: nothing to attach it to.
    app.log.warn('email event without Dunwell invoice headers; ignored', { messageId: parsed.detail.mail.messageId });
    return { outcome: 'ignored' };
  }
  return { outcome: await recordEmailFeedback(deps, feedback) };
});
