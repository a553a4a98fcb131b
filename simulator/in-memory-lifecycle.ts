import { chooseChannel, chooseMessageChannel, type Reachability } from '#domain/customers.ts';
import { reviewHolds } from '#domain/holds.ts';
import { balanceMinor, type Invoice, withEvent } from '#domain/invoice.ts';
import { setStep } from '#domain/lifecycle.ts';
import { NO_CHANNEL, type PlannedAction, planNextAction, resolveStep, supersededSteps } from '#domain/planner.ts';
import { policyFor, type Tone } from '#domain/policy.ts';
import { newCollectorTask } from '#domain/tasks.ts';

/**
 * The pipeline's steps (shared/domain/lifecycle.ts and tasks.ts) applied to an invoice in memory.
 * Where the domain has a pure function, it is called; the state changes that lifecycle.ts makes
 * inside its I/O (inside `mutateInvoice` closures around the mailer, texter, task store) are
 * repeated here, kept line for line in the same order. DUPLICATION RISK: a change to those
 * closures in lifecycle.ts (sendReminder, closeInvoice) or tasks.ts (openCollectorTask) must be
 * made here too; the simulator tests pin the behaviours that matter (see test/unit/simulator*).
 * Not repeated: claims and retries (nothing fails in memory), combined emails to one customer
 * (each invoice's reminder counts as its own message), the carrier's opt-out list.
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
  | { readonly kind: 'sent'; readonly invoice: Invoice; readonly channel: 'email' | 'sms'; readonly tone: Tone; readonly formal: boolean }
  | { readonly kind: 'skipped'; readonly invoice: Invoice; readonly reason: string };

/** sendReminder's state change for a step the planner just said to send: superseded steps skipped, channel chosen, sent. */
export function sendReminderInMemory(invoice: Invoice, stepId: string, now: Date, reachability: Reachability): SendResult {
  const at = now.toISOString();
  const policy = policyFor(invoice);
  let next = invoice;
  for (const skipped of supersededSteps(invoice, policy, stepId, reachability)) {
    next = withEvent(setStep(next, skipped, { state: 'skipped', at, detail: `superseded by ${stepId}` }), {
      at,
      type: 'reminder.skipped',
      stepId: skipped,
      reason: 'superseded',
    });
  }
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
  });
  return { kind: 'sent', invoice: sent, channel: delivery, tone: step.tone, formal };
}

/** openCollectorTask's state change (tasks.ts): the task, superseded hand-overs skipped, the step recorded, agency → escalated. */
export function openCollectorTaskInMemory(
  invoice: Invoice,
  action: Extract<PlannedAction, { type: 'open_task' }>,
  now: Date,
): { invoice: Invoice; kind: string } {
  const policy = policyFor(invoice);
  const deadline = resolveStep(policy, action.stepId)?.taskDeadlineDays;
  const task = newCollectorTask(invoice, action.stepId, action.reason, now, deadline);
  const at = now.toISOString();
  let next = invoice;
  for (const skipped of supersededSteps(invoice, policy, action.stepId)) {
    next = withEvent(setStep(next, skipped, { state: 'skipped', at, detail: `superseded by ${action.stepId}` }), {
      at,
      type: 'reminder.skipped',
      stepId: skipped,
      reason: 'superseded',
    });
  }
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
  return { invoice: opened, kind: task.kind };
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
