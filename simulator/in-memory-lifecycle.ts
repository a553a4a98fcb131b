import { chooseChannel, chooseMessageChannel, type Reachability } from '#domain/customers.ts';
import { reviewHolds } from '#domain/holds.ts';
import { balanceMinor, type Invoice, withEvent } from '#domain/invoice.ts';
import { installmentFor, setStep, skipSuperseded } from '#domain/lifecycle.ts';
import { NO_CHANNEL, type PlannedAction, planNextAction, resolveStep } from '#domain/planner.ts';
import { policyFor, type Tone } from '#domain/policy.ts';
import { type CollectorTask, newCollectorTask } from '#domain/tasks.ts';

/**
 * The pipeline's steps (shared/domain/lifecycle.ts and tasks.ts) applied to an invoice in memory.
 * Where the domain has a pure function, it is called; the state changes that lifecycle.ts makes
 * inside its I/O (inside `mutateInvoice` closures around the mailer, texter, task store) are
 * repeated here, kept line for line in the same order. DUPLICATION RISK: a change to those
 * closures in lifecycle.ts (sendReminder, closeInvoice) or tasks.ts (openCollectorTask) must be
 * made here too; the simulator tests pin the behaviours that matter (see test/unit/simulator*).
 * Not repeated: claims and retries (nothing fails in memory), the carrier's opt-out list.
 */

/** lifecycle.ts's THANK_YOU_STEP (not exported). */
const THANK_YOU_STEP = 'thank-you';

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
      readonly channel: 'email' | 'sms';
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
  const wanted: 'email' | 'sms' = stepChannel === 'sms' ? 'sms' : 'email';
  const choice = chooseMessageChannel(
    stepChannel === 'sms' || stepChannel === 'notice' ? stepChannel : 'email',
    invoice.customer,
    reachability,
  );
  if (choice.kind === 'none') {
    const reason = wanted === 'sms' ? 'no_sms_consent' : 'no_email_consent';
    const skipped = withEvent(setStep(next, stepId, { state: 'skipped', at, detail: NO_CHANNEL }), {
      at,
      type: 'reminder.skipped',
      stepId,
      reason,
    });
    return { kind: 'skipped', invoice: skipped, reason };
  }
  const delivery = choice.channel;
  const address = delivery === 'sms' ? invoice.customer.phone : invoice.customer.email;
  if (!address) {
    const reason = delivery === 'sms' ? 'no_phone_number' : 'no_email_address';
    const skipped = withEvent(setStep(next, stepId, { state: 'skipped', at, detail: reason }), {
      at,
      type: 'reminder.skipped',
      stepId,
      reason,
    });
    return { kind: 'skipped', invoice: skipped, reason };
  }
  const formal = step.channel === 'notice';
  const messageId = `sim-${invoice.invoiceId}-${stepId}`;
  // Other invoices of the customer due for an email now go in the same message.
  const companions = delivery === 'email' && step.channel === 'email' && !installmentFor(next, stepId) ? companionsOf(next) : [];
  const combinedWith = [invoice.invoiceId, ...companions.map((companion) => companion.invoice.invoiceId)];
  const combined = companions.length > 0 ? { combinedWith } : {};
  const sent = withEvent(setStep(next, stepId, { state: 'sent', at, messageId }), {
    at,
    type: 'reminder.sent',
    stepId,
    // The channel it actually went by (a notice stays a notice when it went by email).
    channel: formal && delivery === 'email' ? 'notice' : delivery,
    tone: step.tone,
    to: address,
    messageId,
    balanceMinor: balanceMinor(next),
    ...combined,
  });
  const included = companions.map((companion) => recordCompanionSent(companion, address, messageId, combinedWith, now));
  return { kind: 'sent', invoice: sent, channel: delivery, tone: step.tone, formal, companions: included };
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
 * each with the steps it supersedes skipped. `others` excludes the lead.
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
    const next = skipSuperseded(invoice, policy, action.stepId, at, reachability);
    companions.push({ invoice: next, stepId: action.stepId, tone: step.tone });
  }
  return companions;
}

/** recordSent for a companion: its step sent by email in the lead's message. */
function recordCompanionSent(companion: Companion, to: string, messageId: string, combinedWith: readonly string[], now: Date): Invoice {
  const at = now.toISOString();
  const { invoice, stepId, tone } = companion;
  return withEvent(setStep(invoice, stepId, { state: 'sent', at, messageId }), {
    at,
    type: 'reminder.sent',
    stepId,
    channel: 'email',
    tone,
    to,
    messageId,
    balanceMinor: balanceMinor(invoice),
    combinedWith,
  });
}

/** openCollectorTask's state change (tasks.ts): the task, superseded hand-overs skipped, the step recorded, agency → escalated. */
export function openCollectorTaskInMemory(
  invoice: Invoice,
  action: Extract<PlannedAction, { type: 'open_task' }>,
  now: Date,
): { invoice: Invoice; task: CollectorTask } {
  const policy = policyFor(invoice);
  const deadline = resolveStep(policy, action.stepId)?.taskDeadlineDays;
  const task = newCollectorTask(invoice, action.stepId, action.reason, now, deadline);
  const at = now.toISOString();
  const next = skipSuperseded(invoice, policy, action.stepId, at);
  // tasks.ts's `escalated` (not exported): handed to an agency, the invoice is escalated unless on hold.
  const escalation: Partial<Invoice> =
    task.kind === 'agency_referral'
      ? { escalatedAt: invoice.escalatedAt ?? at, status: invoice.status === 'open' ? 'escalated' : invoice.status }
      : {};
  const recorded: Invoice = { ...setStep(next, action.stepId, { state: 'sent', at, detail: task.taskId }), ...escalation };
  const opened = withEvent(recorded, {
    at,
    type: 'task.opened',
    taskId: task.taskId,
    stepId: action.stepId,
    reason: task.reason,
    kind: task.kind,
    ...(task.dueAt ? { dueAt: task.dueAt } : {}),
  });
  return { invoice: opened, task };
}

/** closeInvoice's state change: a thank-you (once) when a payment settled it, then the closing record. */
export function closeInvoiceInMemory(
  invoice: Invoice,
  reason: string,
  now: Date,
  reachability: Reachability,
): { invoice: Invoice; thankYou: 'email' | 'sms' | undefined } {
  if (invoice.closedAt) return { invoice, thankYou: undefined };
  const at = now.toISOString();
  let next = invoice;
  let thankYou: 'email' | 'sms' | undefined;
  const settledByPayment = invoice.timeline.some((event) => event.type === 'invoice.paid');
  if (invoice.status === 'paid' && settledByPayment && !invoice.steps[THANK_YOU_STEP]) {
    const choice = chooseChannel('email', invoice.customer, reachability);
    const address = choice.kind === 'channel' ? (choice.channel === 'sms' ? invoice.customer.phone : invoice.customer.email) : undefined;
    if (choice.kind === 'channel' && address) {
      thankYou = choice.channel;
      next = withEvent(setStep(next, THANK_YOU_STEP, { state: 'sent', at }), {
        at,
        type: 'thank_you.sent',
        channel: thankYou,
        to: address,
      });
    } else {
      next = withEvent(setStep(next, THANK_YOU_STEP, { state: 'skipped', at, detail: 'no_channel' }), {
        at,
        type: 'thank_you.skipped',
        reason: 'no_channel',
      });
    }
  }
  return { invoice: withEvent({ ...next, closedAt: at, wait: undefined }, { at, type: 'invoice.closed', reason }), thankYou };
}
