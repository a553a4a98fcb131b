import { type MessageChannelId, messageChannelOf, messageChannels } from '#domain/channels.ts';
import { chooseMessageChannel, type Reachability } from '#domain/customers.ts';
import { reviewHolds } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { NO_CHANNEL, type PlannedAction, planNextAction, resolveStep } from '#domain/planner.ts';
import { policyFor, type Tone } from '#domain/policy.ts';
import {
  installmentFor,
  noChannelReason,
  recordClosed,
  recordReminderSent,
  recordReminderSkipped,
  recordThankYouSent,
  recordThankYouSkipped,
  skipSuperseded,
  thankYouChoice,
  thankYouDue,
} from '#domain/steps.ts';
import { type CollectorTask, newCollectorTask, recordTaskOpened } from '#domain/tasks.ts';

/**
 * The pipeline's steps (shared/domain/lifecycle.ts and tasks.ts) applied to an invoice in memory.
 * Every rule and every state change is the domain's own pure function (planNextAction,
 * skipSuperseded, chooseMessageChannel, recordReminderSent, recordTaskOpened, thankYouChoice,
 * recordClosed...); what is left here is the order sendReminder, claimCompanions,
 * openCollectorTask and closeInvoice call them in, around their I/O. Not repeated: claims and
 * retries (nothing fails in memory), the carrier's opt-out list. The backtest
 * (test/e2e/simulator-backtest.test.ts) proves the order against a run of the real pipeline.
 */

/** What planInvoice does before it plans: holds whose time has come are decided. */
export function reviewForPlan(invoice: Invoice, now: Date): Invoice {
  return reviewHolds(invoice, now, policyFor(invoice).holdRules) ?? invoice;
}

/** planForCustomer: the planner with the customer's recent sends (frequency cap) and channels. */
export function plan(invoice: Invoice, now: Date, recentSends: readonly Date[], reachability: Reachability): PlannedAction {
  return planNextAction(invoice, policyFor(invoice), now, recentSends, reachability);
}

export type SendResult =
  | {
      readonly kind: 'sent';
      readonly invoice: Invoice;
      readonly channel: MessageChannelId;
      readonly tone: Tone;
      readonly formal: boolean;
      /** The other invoices the same message covered, as they stand after it. */
      readonly companions: readonly Invoice[];
    }
  | { readonly kind: 'skipped'; readonly invoice: Invoice; readonly reason: string };

/** sendReminder's state change for a step the planner just said to send: superseded steps skipped, channel chosen, sent. */
export function sendReminderInMemory(
  invoice: Invoice,
  stepId: string,
  now: Date,
  reachability: Reachability,
  companionsOf: (lead: Invoice) => readonly Companion[] = () => [],
): SendResult {
  const at = now.toISOString();
  const policy = policyFor(invoice);
  const next = skipSuperseded(invoice, policy, stepId, at, reachability);
  const step = resolveStep(policy, stepId);
  if (!step) throw new Error(`Step ${stepId} is not in policy ${invoice.policy.policyId}@${invoice.policy.version}`);
  const stepChannel = step.channel;
  const wanted = messageChannelOf(stepChannel) ?? 'email';
  const choice = chooseMessageChannel(stepChannel, invoice.customer, reachability);
  if (choice.kind === 'none') {
    const reason = noChannelReason(wanted, choice.blockedBy);
    return { kind: 'skipped', invoice: recordReminderSkipped(next, stepId, at, NO_CHANNEL, reason), reason };
  }
  const delivery = choice.channel;
  const address = messageChannels[delivery].address(invoice.customer);
  if (!address) {
    const reason = messageChannels[delivery].missingAddress;
    return { kind: 'skipped', invoice: recordReminderSkipped(next, stepId, at, reason, reason), reason };
  }
  const formal = step.channel === 'notice';
  const messageId = `sim-${invoice.invoiceId}-${stepId}`;
  // Other invoices of the customer due for an email now go in the same message.
  const companions =
    messageChannels[delivery].combinesInvoices && step.channel === delivery && !installmentFor(next, stepId) ? companionsOf(next) : [];
  const combinedWith =
    companions.length > 0 ? [invoice.invoiceId, ...companions.map((companion) => companion.invoice.invoiceId)] : undefined;
  const sent = { at, to: address, messageId, combinedWith };
  return {
    kind: 'sent',
    // The channel it actually went by (a notice stays a notice when it went by email).
    invoice: recordReminderSent(next, stepId, { ...sent, channel: formal && delivery === 'email' ? 'notice' : delivery, tone: step.tone }),
    channel: delivery,
    tone: step.tone,
    formal,
    companions: companions.map((companion) =>
      recordReminderSent(companion.invoice, companion.stepId, { ...sent, channel: delivery, tone: companion.tone }),
    ),
  };
}

/** One more invoice in a message: the reminder it was due now, under the lead's message id. */
export interface Companion {
  readonly invoice: Invoice;
  readonly stepId: string;
  readonly tone: Tone;
}

/** claimCompanions's MAX_COMBINED: at most this many invoices in one message. */
const MAX_COMBINED = 20;

/**
 * claimCompanions's choice (lifecycle.ts): the customer's other open invoices at the same email
 * address, in invoice id order, whose plan says to send an email step now (not an installment),
 * each with the steps it supersedes skipped. `others` may include the lead (it is left out).
 */
export function claimCompanionsInMemory(
  lead: Invoice,
  others: readonly Invoice[],
  now: Date,
  recentSends: readonly Date[],
  reachability: Reachability,
): Companion[] {
  const customerId = lead.customer.customerId;
  const at = now.toISOString();
  const companions: Companion[] = [];
  const candidates = others
    .filter((other) => other.invoiceId !== lead.invoiceId && other.customer.customerId === customerId && !other.closedAt)
    .filter((other) => other.customer.email === lead.customer.email)
    .sort((a, b) => a.invoiceId.localeCompare(b.invoiceId))
    .slice(0, MAX_COMBINED - 1);
  for (const invoice of candidates) {
    const policy = policyFor(invoice);
    const action = planNextAction(invoice, policy, now, recentSends, reachability);
    if (action.type !== 'send_email' || invoice.steps[action.stepId]) continue;
    const step = resolveStep(policy, action.stepId);
    if (step?.channel !== 'email' || installmentFor(invoice, action.stepId)) continue;
    companions.push({ invoice: skipSuperseded(invoice, policy, action.stepId, at, reachability), stepId: action.stepId, tone: step.tone });
  }
  return companions;
}

/** openCollectorTask: the task (the policy's deadline for its step), recorded on the invoice as tasks.ts records it. */
export function openCollectorTaskInMemory(
  invoice: Invoice,
  action: Extract<PlannedAction, { type: 'open_task' }>,
  now: Date,
): { invoice: Invoice; task: CollectorTask } {
  const deadline = resolveStep(policyFor(invoice), action.stepId)?.taskDeadlineDays;
  const task = newCollectorTask(invoice, action.stepId, action.reason, now, deadline);
  return { invoice: recordTaskOpened(invoice, task, now.toISOString()), task };
}

/** closeInvoice: a thank-you (once) when a payment settled it, then the closing record. */
export function closeInvoiceInMemory(
  invoice: Invoice,
  reason: string,
  now: Date,
  reachability: Reachability,
): { invoice: Invoice; thankYou: MessageChannelId | undefined } {
  if (invoice.closedAt) return { invoice, thankYou: undefined };
  const at = now.toISOString();
  if (!thankYouDue(invoice)) return { invoice: recordClosed(invoice, at, reason), thankYou: undefined };
  const route = thankYouChoice(invoice.customer, reachability);
  if (route.kind === 'skip') {
    return { invoice: recordClosed(recordThankYouSkipped(invoice, at, route.reason), at, reason), thankYou: undefined };
  }
  const to = messageChannels[route.channel].address(invoice.customer) ?? '';
  const thanked = recordThankYouSent(invoice, { at, channel: route.channel, to });
  return { invoice: recordClosed(thanked, at, reason), thankYou: route.channel };
}
