import { messageChannelOf } from '#domain/channels.ts';
import { chooseMessageChannel, type Reachability } from '#domain/customers.ts';
import { installmentsCovered } from '#domain/holds.ts';
import { balanceMinor, creditedMinor, type Invoice, type TimelineEvent } from '#domain/invoice.ts';
import { formatAmount } from '#domain/money.ts';
import { invoiceTier, planNextAction } from '#domain/planner.ts';
import { findStep, policyFor } from '#domain/policy.ts';
import { daysPastDue } from '#domain/risk.ts';

export interface NextActionView {
  readonly type: 'email' | 'sms' | 'letter' | 'task' | 'close' | 'await_payment' | 'hold' | 'grace';
  readonly at: string | null;
  readonly stepId?: string;
}

/**
 * What the send will take into account besides the invoice: the customer's recent messages (the
 * frequency cap) and their consent and suppressed addresses (the channel). Without it, the view
 * shows the policy's plan as if the customer had no other invoices and every channel worked.
 */
export interface CustomerContext {
  readonly recentSends: readonly Date[];
  readonly reachability: Reachability;
}

/** What the planner would do next, in the API's words; null once the lifecycle has closed. */
export function nextActionView(invoice: Invoice, now: Date, context?: CustomerContext): NextActionView | null {
  if (invoice.closedAt) return null;
  const policy = policyFor(invoice);
  const action = planNextAction(invoice, policy, now, context?.recentSends, context?.reachability);
  const typeOf = (stepId: string): NextActionView['type'] => {
    const channel = findStep(policy, stepId)?.channel ?? (stepId.startsWith('plan.') ? 'email' : undefined);
    const messageChannel = channel && messageChannelOf(channel);
    if (!channel || !messageChannel) return 'task';
    if (!context) return messageChannel;
    // A message no channel can carry goes to a collector instead.
    const choice = chooseMessageChannel(channel, invoice.customer, context.reachability);
    return choice.kind === 'channel' ? choice.channel : 'task';
  };
  switch (action.type) {
    case 'send_email':
    case 'send_sms':
    case 'send_letter':
    case 'open_task':
      return { type: typeOf(action.stepId), at: now.toISOString(), stepId: action.stepId };
    case 'close':
      return { type: 'close', at: now.toISOString() };
    case 'sleep':
      if (action.pausedBy) return { type: action.pausedBy, at: action.until };
      return action.nextStepId
        ? { type: typeOf(action.nextStepId), at: action.until, stepId: action.nextStepId }
        : { type: 'await_payment', at: null };
  }
}

/** Timeline amounts are kept in minor units; the API shows them as decimal strings. */
function timelineView(event: TimelineEvent, currency: string): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('Minor') && typeof value === 'number') view[key.slice(0, -'Minor'.length)] = formatAmount(value, currency);
    else view[key] = value;
  }
  return view;
}

export function invoiceView(invoice: Invoice, now: Date, context?: CustomerContext) {
  const money = (minor: number) => formatAmount(minor, invoice.currency);
  const balance = balanceMinor(invoice);
  return {
    invoiceId: invoice.invoiceId,
    status: invoice.status,
    customer: invoice.customer,
    currency: invoice.currency,
    amount: money(invoice.amountMinor),
    paid: money(invoice.paidMinor),
    balance: money(Math.max(balance, 0)),
    ...(balance < 0 ? { overpaid: money(-balance) } : {}),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    ...(invoice.poNumber ? { poNumber: invoice.poNumber } : {}),
    lines: invoice.lines.map((line) => ({ description: line.description, quantity: line.quantity, unitPrice: money(line.unitPriceMinor) })),
    ...(creditedMinor(invoice) > 0 ? { credited: money(creditedMinor(invoice)) } : {}),
    holds: (invoice.holds ?? []).map((hold) => ({
      holdId: hold.holdId,
      reason: hold.reason,
      status: hold.status,
      openedAt: hold.openedAt,
      until: hold.until,
      ...(hold.note ? { note: hold.note } : {}),
      ...(hold.dispute ? { disputeReason: hold.dispute.reasonCode } : {}),
      ...(hold.promise ? { promisedDate: hold.promise.promisedDate, promisedAmount: money(hold.promise.amountMinor) } : {}),
      ...(hold.paymentPlan
        ? {
            installments: hold.paymentPlan.installments.map((installment) => ({
              dueDate: installment.dueDate,
              amount: money(installment.amountMinor),
            })),
            installmentsPaid: installmentsCovered(invoice, hold),
          }
        : {}),
      ...(hold.releasedAt ? { releasedAt: hold.releasedAt, outcome: hold.outcome } : {}),
    })),
    ...(invoice.pausedUntil ? { pausedUntil: invoice.pausedUntil } : {}),
    policy: { ...invoice.policy, tier: invoiceTier(invoice, daysPastDue(invoice.dueDate, now.toISOString().slice(0, 10))) },
    nextAction: nextActionView(invoice, now, context),
    payments: Object.values(invoice.payments)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
      .map((payment) => ({ ...payment, amountMinor: undefined, amount: money(payment.amountMinor) })),
    createdAt: invoice.createdAt,
    updatedAt: invoice.updatedAt,
    ...(invoice.closedAt ? { closedAt: invoice.closedAt } : {}),
    timeline: invoice.timeline.map((event) => timelineView(event, invoice.currency)),
  };
}
