import { type MessageChannelId, messageChannels } from './channels.ts';
import { chooseChannel, type Reachability, type Suppression, type SuppressionReason } from './customers.ts';
import { balanceMinor, type Customer, type Invoice, type StepRecord, withEvent } from './invoice.ts';
import { supersededSteps } from './planner.ts';
import type { Policy, Tone } from './policy.ts';

/**
 * What happens to an invoice's cadence steps, as pure transitions: a step sent, skipped or
 * superseded, the thank-you, the closing record. The use cases apply them inside their
 * conditional writes (shared/use-cases/), and the simulator applies the same ones in memory.
 */

export function setStep(invoice: Invoice, stepId: string, record: StepRecord): Invoice {
  return { ...invoice, steps: { ...invoice.steps, [stepId]: JSON.parse(JSON.stringify(record)) as StepRecord } };
}

/**
 * The earlier steps that `stepId` supersedes (planner's supersededSteps), recorded as skipped:
 * what a send, a combined message's companion and a hand-over to a collector do first.
 */
export function skipSuperseded(invoice: Invoice, policy: Policy, stepId: string, at: string, reachability?: Reachability): Invoice {
  let next = invoice;
  for (const skipped of supersededSteps(invoice, policy, stepId, reachability)) {
    next = withEvent(setStep(next, skipped, { state: 'skipped', at, detail: `superseded by ${stepId}` }), {
      at,
      type: 'reminder.skipped',
      stepId: skipped,
      reason: 'superseded',
    });
  }
  return next;
}

/** The installment a `plan.<planId>.<n>` reminder is about. */
export function installmentFor(
  invoice: Invoice,
  stepId: string,
): { number: number; of: number; dueDate: string; amountMinor: number } | undefined {
  const match = /^plan\.(.+)\.(\d+)$/.exec(stepId);
  if (!match) return undefined;
  const plan = (invoice.holds ?? []).find((hold) => hold.holdId === match[1])?.paymentPlan;
  const number = Number(match[2]);
  const installment = plan?.installments[number - 1];
  return plan && installment ? { number, of: plan.installments.length, ...installment } : undefined;
}

/** A reminder that left: the step sent under its message id, and `reminder.sent` with the balance it asked for. */
export function recordReminderSent(
  invoice: Invoice,
  stepId: string,
  sent: {
    readonly at: string;
    /** The channel it went by (a notice that went by email stays `notice`). */
    readonly channel: string;
    readonly tone: Tone;
    readonly to: string;
    readonly messageId: string;
    readonly claimId?: string | undefined;
    /** Every invoice of a combined message, the lead first. */
    readonly combinedWith?: readonly string[] | undefined;
  },
): Invoice {
  const { at, channel, tone, to, messageId, claimId, combinedWith } = sent;
  return withEvent(setStep(invoice, stepId, { state: 'sent', at, claimId, messageId }), {
    at,
    type: 'reminder.sent',
    stepId,
    channel,
    tone,
    to,
    messageId,
    balanceMinor: balanceMinor(invoice),
    ...(combinedWith ? { combinedWith } : {}),
  });
}

/** A step that will not be sent, and why (`reminder.skipped`); `detail` goes on the step record. */
export function recordReminderSkipped(invoice: Invoice, stepId: string, at: string, detail: string, reason: string): Invoice {
  return withEvent(setStep(invoice, stepId, { state: 'skipped', at, detail }), { at, type: 'reminder.skipped', stepId, reason });
}

/** Why no channel was left for a message that wanted `wanted`: the suppression that blocked it, or the missing consent. */
export function noChannelReason(wanted: MessageChannelId, suppressed: Suppression | undefined): string {
  return suppressed ? suppressedReason[suppressed.reason] : messageChannels[wanted].noConsent;
}

const suppressedReason: Record<SuppressionReason, string> = {
  bounce: 'email_bounced',
  complaint: 'email_complained',
  sms_opt_out: 'sms_opted_out',
};

/** A claim made for a combined message expires after the longest a send can take (a Lambda's 15 minutes). */
const CLAIM_LEASE_MS = 15 * 60_000;

export function claimExpired(record: StepRecord, now: Date): boolean {
  return now.getTime() - Date.parse(record.at) > CLAIM_LEASE_MS;
}

/** Logged whenever a reminder becomes `unconfirmed`: an operations alarm counts these lines. */
export const REMINDER_OUTCOME_UNKNOWN =
  'reminder outcome unknown: an earlier attempt claimed it and did not finish; it will not be re-sent';

/** The step record of the thank-you sent when payments settle an invoice. */
export const THANK_YOU_STEP = 'thank-you';

/** Thanks are for a payment that settled the invoice (not a credit note that did), and go once. */
export function thankYouDue(invoice: Invoice): boolean {
  const settledByPayment = invoice.timeline.some((event) => event.type === 'invoice.paid');
  return invoice.status === 'paid' && settledByPayment && !invoice.steps[THANK_YOU_STEP];
}

/**
 * How the thank-you reaches the customer: by email, as it carries the receipt, unless they will
 * not or cannot get email (consent, a suppressed address, a preference for texts), then by text.
 */
export function thankYouChoice(
  customer: Customer,
  reach: Reachability,
): { kind: 'send'; channel: MessageChannelId } | { kind: 'skip'; reason: string } {
  const email = messageChannels.email;
  const choice = chooseChannel(email.id, customer, reach);
  if (choice.kind === 'none') {
    const blocked = choice.blockedBy;
    return {
      kind: 'skip',
      reason: blocked ? suppressedReason[blocked.reason] : email.address(customer) ? email.noConsent : email.missingAddress,
    };
  }
  if (!messageChannels[choice.channel].address(customer)) return { kind: 'skip', reason: messageChannels[choice.channel].missingAddress };
  return { kind: 'send', channel: choice.channel };
}

export function recordThankYouSent(
  invoice: Invoice,
  sent: {
    readonly at: string;
    readonly channel: MessageChannelId;
    readonly to: string;
    readonly messageId?: string;
    readonly claimId?: string;
  },
): Invoice {
  const { at, channel, to, messageId, claimId } = sent;
  return withEvent(setStep(invoice, THANK_YOU_STEP, { state: 'sent', at, claimId, messageId }), {
    at,
    type: 'thank_you.sent',
    channel,
    to,
    ...(messageId ? { messageId } : {}),
  });
}

export function recordThankYouSkipped(invoice: Invoice, at: string, reason: string): Invoice {
  return withEvent(setStep(invoice, THANK_YOU_STEP, { state: 'skipped', at, detail: reason }), { at, type: 'thank_you.skipped', reason });
}

/** The closing record: the execution's wait is over, `invoice.closed` with why. */
export function recordClosed(invoice: Invoice, at: string, reason: string): Invoice {
  return withEvent({ ...invoice, closedAt: at, wait: undefined }, { at, type: 'invoice.closed', reason });
}
