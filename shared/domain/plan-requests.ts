import type { Hold } from './hold-types.ts';
import { activeHolds, type HoldOutcome, nextHoldId, PLAN_REQUESTED, pendingPlanRequests, placeManualHold } from './holds.ts';
import { type Invoice, isSettled, withEvent } from './invoice.ts';

/**
 * A customer asks for a payment plan from the hosted page. A debtor cannot impose a plan, so the
 * request goes to a person: dunning pauses for a short review window (a manual hold with a
 * deadline, so it resumes by itself if nobody acts), the timeline records `plan.requested`, and
 * the planner opens one collector task for it (`payment_plan_request`, exactly once: it is keyed
 * by the hold). Finance then agrees a plan (`POST /v1/invoices/{id}/payment-plans`) or not, and
 * releases the hold.
 */

export const MIN_REQUESTED_INSTALLMENTS = 2;
export const MAX_REQUESTED_INSTALLMENTS = 12;
export const MAX_PLAN_REQUEST_NOTE = 500;
/** How long dunning waits for finance to answer a request. */
export const PLAN_REQUEST_REVIEW_DAYS = 7;
/**
 * Requests per invoice that pause dunning: a second one (say after finance said no to the first)
 * is heard, but a customer cannot keep dunning paused by asking again and again.
 */
export const MAX_PLAN_REQUESTS = 2;

export interface PlanRequest {
  /** How many monthly installments the customer proposes. */
  readonly installments: number;
  readonly note?: string | undefined;
}

/** The hold of a request still waiting for finance, if any. */
export function pendingPlanRequest(invoice: Invoice): Hold | undefined {
  return pendingPlanRequests(invoice)[0];
}

/** The request as one conditional change of the invoice (pure). A second request while one is pending changes nothing. */
export function requestPaymentPlan(invoice: Invoice, request: PlanRequest, now: Date): HoldOutcome {
  if (isSettled(invoice.status)) return { kind: 'conflict', reason: `the invoice is ${invoice.status}` };
  if (pendingPlanRequest(invoice)) return { kind: 'ok', invoice };
  if (activeHolds(invoice).some((hold) => hold.reason === 'payment_plan')) {
    return { kind: 'conflict', reason: 'a payment plan is already agreed for this invoice' };
  }
  if (invoice.timeline.filter((event) => event.type === PLAN_REQUESTED).length >= MAX_PLAN_REQUESTS) {
    return { kind: 'conflict', reason: `a payment plan was already requested ${MAX_PLAN_REQUESTS} times for this invoice` };
  }
  const { installments } = request;
  if (!Number.isInteger(installments) || installments < MIN_REQUESTED_INSTALLMENTS || installments > MAX_REQUESTED_INSTALLMENTS) {
    return {
      kind: 'invalid',
      path: 'installments',
      message: `must be a whole number from ${MIN_REQUESTED_INSTALLMENTS} to ${MAX_REQUESTED_INSTALLMENTS}`,
    };
  }
  const note = request.note?.trim() || undefined;
  if (note && note.length > MAX_PLAN_REQUEST_NOTE) {
    return { kind: 'invalid', path: 'note', message: `must be at most ${MAX_PLAN_REQUEST_NOTE} characters` };
  }
  // Numbered with the manual holds, so finance releases it through the same API.
  const holdId = nextHoldId(invoice, 'HLD');
  const until = new Date(now.getTime() + PLAN_REQUEST_REVIEW_DAYS * 86_400_000).toISOString();
  const holdNote = `Payment plan requested by the customer: ${installments} installments${note ? `. Customer: ${note}` : ''}`;
  const held = placeManualHold(invoice, holdId, until, holdNote, now);
  if (held.kind !== 'ok') return held;
  return {
    kind: 'ok',
    invoice: withEvent(held.invoice, { at: now.toISOString(), type: PLAN_REQUESTED, holdId, installments, ...(note ? { note } : {}) }),
  };
}
