import type { SuppressionReason } from './customers.ts';
import { type Invoice, type StepRecord, withEvent } from './invoice.ts';
import { setStep } from './steps.ts';

/**
 * What the email provider said about a message after it accepted it: delivered to the
 * recipient's server, bounced, or marked as spam. A hard bounce or a complaint stops that
 * address for good; a reminder that hard-bounced did not reach anyone, so it goes again by the
 * customer's other channel (or to a collector when there is none).
 */
export interface EmailFeedback {
  readonly kind: 'delivered' | 'bounced' | 'complained';
  readonly messageId: string;
  /** When the provider saw it happen. */
  readonly occurredAt: string;
  /** The recipients it is about (bounced or complaining ones; the delivered-to ones). */
  readonly recipients: readonly string[];
  /** The invoices the message was about (one, or several for a combined reminder). */
  readonly invoiceIds: readonly string[];
  readonly stepId: string | undefined;
  readonly bounceType?: 'permanent' | 'transient' | 'undetermined' | undefined;
  /** The remote server's diagnostic, for the timeline (truncated). */
  readonly diagnostic?: string | undefined;
}

const MAX_DIAGNOSTIC = 300;

/** A hard bounce or a complaint: the address must not be mailed again. */
export function suppressionReason(feedback: EmailFeedback): SuppressionReason | undefined {
  if (feedback.kind === 'complained') return 'complaint';
  if (feedback.kind === 'bounced' && feedback.bounceType === 'permanent') return 'bounce';
  return undefined;
}

/** The record of the step a hard bounce of `messageId` reopened and that has not been sent again yet. */
export function reopenedBy(invoice: Invoice, messageId: string): StepRecord | undefined {
  return Object.values(invoice.steps).find(
    (record) => record.state === 'failed' && record.detail === BOUNCED && record.messageId === messageId,
  );
}

const BOUNCED = 'email_bounced';

/** The invoice with the feedback on its timeline, or null when it is already there. */
export function applyFeedback(invoice: Invoice, feedback: EmailFeedback, now: Date): { invoice: Invoice; resend: boolean } | null {
  const type = `email.${feedback.kind}`;
  const seen = invoice.timeline.some(
    (event) => event.type === type && event.messageId === feedback.messageId && event.bounceType === feedback.bounceType,
  );
  if (seen) return null;
  const at = now.toISOString();
  const suppressed = suppressionReason(feedback) !== undefined;
  // The step this message carried on this invoice: found by the provider's message id (for a
  // combined message that is each invoice's own step), else a step whose send outcome was
  // unknown (the response was lost): the provider's event now proves it left.
  const byMessage = Object.entries(invoice.steps).find(([, record]) => record.messageId === feedback.messageId)?.[0];
  const unconfirmed =
    !byMessage && feedback.stepId && invoice.steps[feedback.stepId]?.state === 'unconfirmed' ? feedback.stepId : undefined;
  const stepId = byMessage ?? unconfirmed ?? feedback.stepId;
  let next = withEvent(invoice, {
    at,
    type,
    messageId: feedback.messageId,
    ...(stepId ? { stepId } : {}),
    to: feedback.recipients,
    occurredAt: feedback.occurredAt,
    ...(feedback.bounceType ? { bounceType: feedback.bounceType } : {}),
    ...(feedback.diagnostic ? { diagnostic: feedback.diagnostic.slice(0, MAX_DIAGNOSTIC) } : {}),
    ...(suppressed ? { addressSuppressed: true } : {}),
  });
  if (unconfirmed) {
    const record = invoice.steps[unconfirmed];
    next = setStep(next, unconfirmed, { ...record, state: 'sent', at: record?.at ?? at, messageId: feedback.messageId });
    next = withEvent(next, { at, type: 'reminder.confirmed', stepId: unconfirmed, messageId: feedback.messageId });
  }
  const record = stepId ? next.steps[stepId] : undefined;
  const undelivered =
    feedback.kind === 'bounced' &&
    feedback.bounceType === 'permanent' &&
    stepId !== undefined &&
    record?.state === 'sent' &&
    record.messageId === feedback.messageId &&
    !invoice.closedAt &&
    isLatestContact(next, stepId);
  if (!undelivered || !stepId || !record) return { invoice: next, resend: false };
  // Not settled: the planner offers the step again, and the send picks a channel that still works.
  // The claim id stays: it names the send's place under the frequency cap, given back by the caller.
  next = setStep(next, stepId, { state: 'failed', at, failures: 0, messageId: record.messageId, claimId: record.claimId, detail: BOUNCED });
  next = withEvent(next, { at, type: 'reminder.undelivered', stepId, reason: BOUNCED });
  return { invoice: next, resend: true };
}

/** True when no other reminder went out after this one (a later one already carries the message). */
function isLatestContact(invoice: Invoice, stepId: string): boolean {
  const sentAt = invoice.steps[stepId]?.at ?? '';
  return Object.entries(invoice.steps).every(
    ([id, record]) => id === stepId || !['sent', 'claimed', 'unconfirmed'].includes(record.state) || record.at <= sentAt,
  );
}
