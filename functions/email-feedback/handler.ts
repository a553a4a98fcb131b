import { composeFunction } from '#adapters/compose.ts';
import { emailFeedbackOf, sesEmailEventSchema } from '#contracts/email-events.ts';
import { recordEmailFeedback } from '#domain/deliverability.ts';

const app = composeFunction('email-feedback');
const deps = {
  store: app.invoiceStore(),
  clock: app.clock,
  customers: app.customerStore(),
  ledger: app.customerLedger(),
  events: app.events(),
  log: app.log,
};

/** SES delivery, bounce and complaint events (through EventBridge) → the invoice timeline. */
export const handler = async (event: unknown) => {
  const parsed = sesEmailEventSchema.parse(event);
  const feedback = emailFeedbackOf(parsed);
  if (!feedback) {
    // Not one of ours (no invoice header) or the headers were cut: nothing to attach it to.
    app.log.warn('email event without Dunwell invoice headers; ignored', { messageId: parsed.detail.mail.messageId });
    return { outcome: 'ignored' };
  }
  return { outcome: await recordEmailFeedback(deps, feedback) };
};
