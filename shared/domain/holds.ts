import { addDays, localDateAt, zonedInstant } from './calendar.ts';
import { type ChildKind, childId } from './child-ids.ts';
import type { DisputeOutcome, DisputeReason, Hold, HoldReason, Installment } from './hold-types.ts';
import { balanceMinor, type Invoice, type InvoiceStatus, isSettled, withEvent } from './invoice.ts';
import { sumMinor } from './money.ts';
import type { HoldRules } from './policy.ts';

export { defaultHoldRules, type HoldRules } from './policy.ts';

/** Holds that still let the planner send (installment reminders). */
export const MAX_INSTALLMENTS = 24;

export type HoldOutcome =
  | { kind: 'ok'; invoice: Invoice }
  | { kind: 'conflict'; reason: string }
  | { kind: 'invalid'; path: string; message: string };

export function activeHolds(invoice: Invoice): Hold[] {
  return (invoice.holds ?? []).filter((hold) => hold.status === 'active');
}

/** Status after any change: settled states stay; otherwise on_hold while a hold is active. */
function withStatus(invoice: Invoice): Invoice {
  if (isSettled(invoice.status)) return invoice;
  const status: InvoiceStatus = activeHolds(invoice).length > 0 ? 'on_hold' : invoice.escalatedAt ? 'escalated' : 'open';
  return { ...invoice, status };
}

function replaceHold(invoice: Invoice, hold: Hold): Invoice {
  return { ...invoice, holds: (invoice.holds ?? []).map((existing) => (existing.holdId === hold.holdId ? hold : existing)) };
}

function addHold(invoice: Invoice, hold: Hold): Invoice {
  return withStatus({ ...invoice, holds: [...(invoice.holds ?? []), hold] });
}

function release(invoice: Invoice, hold: Hold, outcome: string, at: string): Invoice {
  return withStatus(replaceHold(invoice, { ...hold, status: 'released', releasedAt: at, outcome }));
}

function notOpenForHolds(invoice: Invoice): HoldOutcome | undefined {
  if (isSettled(invoice.status)) return { kind: 'conflict', reason: `the invoice is ${invoice.status}` };
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Disputes
// ---------------------------------------------------------------------------------------

export function openDispute(
  invoice: Invoice,
  disputeId: string,
  reasonCode: DisputeReason,
  note: string | undefined,
  now: Date,
): HoldOutcome {
  const blocked = notOpenForHolds(invoice);
  if (blocked) return blocked;
  const existing = (invoice.holds ?? []).find((hold) => hold.holdId === disputeId);
  if (existing) return { kind: 'ok', invoice };
  const at = now.toISOString();
  const hold: Hold = { holdId: disputeId, reason: 'dispute', status: 'active', openedAt: at, until: null, note, dispute: { reasonCode } };
  return {
    kind: 'ok',
    invoice: withEvent(addHold(invoice, hold), { at, type: 'dispute.opened', disputeId, reason: reasonCode, ...(note ? { note } : {}) }),
  };
}

/**
 * rejected → reminders resume after the grace period; credited → a credit note lowers the
 * balance (closing the invoice if nothing is left); upheld → the invoice is void and closes.
 */
export function resolveDispute(
  invoice: Invoice,
  disputeId: string,
  outcome: DisputeOutcome,
  creditMinor: number | undefined,
  now: Date,
  rules: HoldRules,
): HoldOutcome {
  const hold = (invoice.holds ?? []).find((candidate) => candidate.holdId === disputeId && candidate.reason === 'dispute');
  if (!hold) return { kind: 'conflict', reason: `dispute ${disputeId} is not on invoice ${invoice.invoiceId}` };
  if (hold.status !== 'active') {
    return hold.outcome === outcome
      ? { kind: 'ok', invoice }
      : { kind: 'conflict', reason: `dispute ${disputeId} was already resolved as ${hold.outcome}` };
  }
  const at = now.toISOString();
  let next = release(invoice, hold, outcome, at);
  if (outcome === 'credited') {
    if (creditMinor === undefined || creditMinor <= 0)
      return { kind: 'invalid', path: 'creditAmount', message: 'is required and must be greater than zero for a credited dispute' };
    if (creditMinor > balanceMinor(invoice)) return { kind: 'invalid', path: 'creditAmount', message: 'must not exceed the balance' };
    next = applyCredit(next, `credit-${disputeId}`, creditMinor, `dispute ${disputeId}`, at);
  }
  if (outcome === 'upheld') next = { ...next, status: 'void' };
  if (outcome === 'rejected') next = { ...next, pausedUntil: new Date(now.getTime() + rules.disputeGraceDays * 86_400_000).toISOString() };
  next = withEvent(next, {
    at,
    type: 'dispute.resolved',
    disputeId,
    outcome,
    ...(creditMinor !== undefined && outcome === 'credited' ? { creditMinor } : {}),
  });
  if (outcome === 'upheld') next = withEvent(next, { at, type: 'invoice.voided', reason: `dispute ${disputeId} upheld` });
  return { kind: 'ok', invoice: next };
}

// ---------------------------------------------------------------------------------------
// Promises to pay
// ---------------------------------------------------------------------------------------

export function makePromise(
  invoice: Invoice,
  promiseId: string,
  promisedDate: string,
  amountMinor: number | undefined,
  now: Date,
  rules: HoldRules,
): HoldOutcome {
  const blocked = notOpenForHolds(invoice);
  if (blocked) return blocked;
  const timeZone = invoice.customer.timeZone;
  const today = localDate(now, timeZone);
  if (promisedDate < today) return { kind: 'invalid', path: 'promisedDate', message: 'must not be in the past' };
  if (promisedDate > addDays(today, rules.maxPromiseDays)) {
    return { kind: 'invalid', path: 'promisedDate', message: `must be within ${rules.maxPromiseDays} days` };
  }
  const balance = balanceMinor(invoice);
  if (amountMinor !== undefined && (amountMinor <= 0 || amountMinor > balance)) {
    return { kind: 'invalid', path: 'amount', message: 'must be greater than zero and not exceed the balance' };
  }
  const at = now.toISOString();
  // One promise at a time: a new one replaces an active one.
  let next = invoice;
  for (const previous of activeHolds(invoice).filter((hold) => hold.reason === 'promise')) {
    next = withEvent(release(next, previous, 'replaced', at), {
      at,
      type: 'hold.released',
      holdId: previous.holdId,
      reason: 'promise',
      outcome: 'replaced',
    });
  }
  // The promise is checked at the end of the grace period, end of day in the customer's zone.
  const until = checkInstant(promisedDate, rules.promiseGraceDays, timeZone);
  const promised = amountMinor ?? balance;
  const hold: Hold = {
    holdId: promiseId,
    reason: 'promise',
    status: 'active',
    openedAt: at,
    until,
    promise: { promisedDate, amountMinor: promised, paidMinorAtPromise: invoice.paidMinor },
  };
  next = addHold(next, hold);
  return { kind: 'ok', invoice: withEvent(next, { at, type: 'promise.made', promiseId, promisedDate, amountMinor: promised }) };
}

// ---------------------------------------------------------------------------------------
// Payment plans
// ---------------------------------------------------------------------------------------

/** End of the grace period after a date, midnight in the customer's zone: when a promise or installment is checked. */
function checkInstant(date: string, graceDays: number, timeZone: string): string {
  return zonedInstant(addDays(date, graceDays + 1), '00:00', timeZone).toISOString();
}

/**
 * A payment plan replaces the cadence with installments: each gets its own reminder, and the
 * plan is checked after each installment's grace period. The installments must add up to the
 * balance, in date order, starting no earlier than today.
 */
export function startPaymentPlan(
  invoice: Invoice,
  planId: string,
  installments: readonly Installment[],
  now: Date,
  rules: HoldRules,
): HoldOutcome {
  const blocked = notOpenForHolds(invoice);
  if (blocked) return blocked;
  const existing = activeHolds(invoice).find((hold) => hold.reason === 'payment_plan');
  if (existing) return { kind: 'conflict', reason: `payment plan ${existing.holdId} is already running` };
  const timeZone = invoice.customer.timeZone;
  const today = localDate(now, timeZone);
  if (installments.length < 1 || installments.length > MAX_INSTALLMENTS) {
    return { kind: 'invalid', path: 'installments', message: `must have 1 to ${MAX_INSTALLMENTS} installments` };
  }
  for (const [index, installment] of installments.entries()) {
    const previous = installments[index - 1];
    if (installment.amountMinor <= 0)
      return { kind: 'invalid', path: `installments.${index}.amount`, message: 'must be greater than zero' };
    if (index === 0 && installment.dueDate < today)
      return { kind: 'invalid', path: 'installments.0.dueDate', message: 'must not be in the past' };
    if (previous && installment.dueDate <= previous.dueDate) {
      return { kind: 'invalid', path: `installments.${index}.dueDate`, message: 'must be after the previous installment' };
    }
  }
  // Exactly, in BigInt: 24 installments of up to MAX_AMOUNT_MINOR each can sum past 2^53.
  const balance = balanceMinor(invoice);
  if (sumMinor(installments.map((installment) => installment.amountMinor)) !== BigInt(balance)) {
    return { kind: 'invalid', path: 'installments', message: 'must add up to the balance' };
  }
  const at = now.toISOString();
  const hold: Hold = {
    holdId: planId,
    reason: 'payment_plan',
    status: 'active',
    openedAt: at,
    until: checkInstant(installments[0]?.dueDate ?? today, rules.promiseGraceDays, timeZone),
    paymentPlan: { installments, paidMinorAtStart: invoice.paidMinor },
  };
  let next = withEvent(addHold(invoice, hold), {
    at,
    type: 'payment_plan.agreed',
    planId,
    installments: installments.length,
    totalMinor: balance,
    // The schedule itself, so the lake can replay the plan (the simulator's --history).
    schedule: installments.map(({ dueDate, amountMinor }) => ({ dueDate, amountMinor })),
  });
  // The agreement answers the customer's request: its review pause ends, so installments lead.
  for (const request of pendingPlanRequests(invoice)) {
    next = withEvent(release(next, request, 'released', at), {
      at,
      type: 'hold.released',
      holdId: request.holdId,
      reason: request.reason,
      outcome: 'released',
      answeredBy: planId,
    });
  }
  return { kind: 'ok', invoice: next };
}

/** The timeline event of a customer's request for a payment plan (plan-requests.ts); it names its review hold. */
export const PLAN_REQUESTED = 'plan.requested';

/** The review holds of payment-plan requests still waiting for finance. */
export function pendingPlanRequests(invoice: Invoice): Hold[] {
  return activeHolds(invoice).filter((hold) =>
    invoice.timeline.some((event) => event.type === PLAN_REQUESTED && event.holdId === hold.holdId),
  );
}

/**
 * How many installments the money received since the plan started covers, in order. Numbers are
 * exact here: the installments add up to a balance, and what arrives is bounded by the invariant
 * at `balanceMinor` (invoice.ts).
 */
export function installmentsCovered(invoice: Invoice, hold: Hold): number {
  const plan = hold.paymentPlan;
  if (!plan) return 0;
  const received = invoice.paidMinor - plan.paidMinorAtStart + creditsSince(invoice, hold.openedAt);
  let cumulative = 0;
  let covered = 0;
  for (const installment of plan.installments) {
    cumulative += installment.amountMinor;
    if (cumulative > received) break;
    covered++;
  }
  return covered;
}

function reviewPaymentPlan(invoice: Invoice, hold: Hold, now: Date, rules: HoldRules): Invoice {
  const plan = hold.paymentPlan;
  if (!plan) return invoice;
  const at = now.toISOString();
  const covered = installmentsCovered(invoice, hold);
  if (covered >= plan.installments.length || balanceMinor(invoice) <= 0) {
    return withEvent(release(invoice, hold, 'kept', at), { at, type: 'payment_plan.completed', planId: hold.holdId });
  }
  const due = plan.installments[covered];
  const checkAt = checkInstant(
    due?.dueDate ?? localDate(now, invoice.customer.timeZone),
    rules.promiseGraceDays,
    invoice.customer.timeZone,
  );
  if (Date.parse(checkAt) <= now.getTime()) {
    const broken = withEvent(release(invoice, hold, 'broken', at), {
      at,
      type: 'payment_plan.broken',
      planId: hold.holdId,
      installment: covered + 1,
      dueDate: due?.dueDate,
    });
    return { ...broken, escalation: (broken.escalation ?? 0) + 1 };
  }
  // An installment was paid: the next check moves to the next installment.
  return checkAt === hold.until ? invoice : replaceHold(invoice, { ...hold, until: checkAt });
}

// ---------------------------------------------------------------------------------------
// Manual holds
// ---------------------------------------------------------------------------------------

/**
 * A pause placed by a person (`manual`), for money that arrived but could not be matched to
 * the invoice yet (`unmatched_cash`: nobody is chased for what they may already have paid), or
 * because the customer replied that they paid (`payment_claimed`, until someone has checked).
 */
export function placeManualHold(
  invoice: Invoice,
  holdId: string,
  until: string | null,
  note: string,
  now: Date,
  reason: 'manual' | 'unmatched_cash' | 'payment_claimed' = 'manual',
): HoldOutcome {
  const blocked = notOpenForHolds(invoice);
  if (blocked) return blocked;
  if ((invoice.holds ?? []).some((hold) => hold.holdId === holdId)) return { kind: 'ok', invoice };
  if (until !== null && Date.parse(until) <= now.getTime()) return { kind: 'invalid', path: 'until', message: 'must be in the future' };
  const at = now.toISOString();
  const hold: Hold = { holdId, reason, status: 'active', openedAt: at, until, note };
  return { kind: 'ok', invoice: withEvent(addHold(invoice, hold), { at, type: 'hold.placed', holdId, reason, until, note }) };
}

/** The number of the next `HLD.<invoiceId>.<n>` hold: manual, unmatched-cash and payment-claimed holds share the numbering. */
export function nextHoldNumber(invoice: Invoice): number {
  return (invoice.holds ?? []).filter((hold) => reasonsOf.HLD.includes(hold.reason)).length + 1;
}

const reasonsOf: Readonly<Record<ChildKind, readonly HoldReason[]>> = {
  DSP: ['dispute'],
  PRM: ['promise'],
  PLN: ['payment_plan'],
  HLD: ['manual', 'unmatched_cash', 'payment_claimed'],
};

/** The id of the invoice's next dispute, promise, payment plan or manual hold: `DSP.<invoiceId>.<n>`, numbered per kind. */
export function nextHoldId(invoice: Invoice, kind: ChildKind): string {
  const reasons = reasonsOf[kind];
  return childId(kind, invoice.invoiceId, (invoice.holds ?? []).filter((hold) => reasons.includes(hold.reason)).length + 1);
}

export function releaseHold(invoice: Invoice, holdId: string, now: Date): HoldOutcome {
  const hold = (invoice.holds ?? []).find((candidate) => candidate.holdId === holdId);
  if (!hold) return { kind: 'conflict', reason: `hold ${holdId} is not on invoice ${invoice.invoiceId}` };
  if (hold.status !== 'active') return { kind: 'ok', invoice };
  if (hold.reason === 'dispute') return { kind: 'conflict', reason: 'a dispute ends through its resolution' };
  const at = now.toISOString();
  return {
    kind: 'ok',
    invoice: withEvent(release(invoice, hold, 'released', at), {
      at,
      type: 'hold.released',
      holdId,
      reason: hold.reason,
      outcome: 'released',
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Credit notes and void
// ---------------------------------------------------------------------------------------

function applyCredit(invoice: Invoice, creditNoteId: string, amountMinor: number, reason: string, at: string): Invoice {
  let next: Invoice = {
    ...invoice,
    creditNotes: { ...(invoice.creditNotes ?? {}), [creditNoteId]: { creditNoteId, amountMinor, reason, appliedAt: at } },
  };
  const balance = balanceMinor(next);
  next = withEvent(next, { at, type: 'credit_note.applied', creditNoteId, amountMinor, reason, balanceMinor: balance });
  if (balance <= 0 && !isSettled(next.status)) next = withEvent({ ...next, status: 'paid' }, { at, type: 'invoice.settled', by: 'credit' });
  return next;
}

export function applyCreditNote(invoice: Invoice, creditNoteId: string, amountMinor: number, reason: string, now: Date): HoldOutcome {
  const previous = invoice.creditNotes?.[creditNoteId];
  if (previous) {
    return previous.amountMinor === amountMinor
      ? { kind: 'ok', invoice }
      : { kind: 'conflict', reason: `credit note ${creditNoteId} was already applied with a different amount` };
  }
  if (invoice.status === 'void' || invoice.status === 'written_off')
    return { kind: 'conflict', reason: `the invoice is ${invoice.status}` };
  if (amountMinor > Math.max(balanceMinor(invoice), 0)) return { kind: 'invalid', path: 'amount', message: 'must not exceed the balance' };
  return { kind: 'ok', invoice: applyCredit(invoice, creditNoteId, amountMinor, reason, now.toISOString()) };
}

export function voidInvoice(invoice: Invoice, reason: string | undefined, now: Date): HoldOutcome {
  if (invoice.status === 'void') return { kind: 'ok', invoice };
  if (invoice.status === 'paid' || invoice.status === 'written_off')
    return { kind: 'conflict', reason: `the invoice is ${invoice.status}` };
  const at = now.toISOString();
  let next: Invoice = { ...invoice, status: 'void' };
  for (const hold of activeHolds(invoice)) next = replaceHold(next, { ...hold, status: 'released', releasedAt: at, outcome: 'voided' });
  return { kind: 'ok', invoice: withEvent(next, { at, type: 'invoice.voided', ...(reason ? { reason } : {}) }) };
}

// ---------------------------------------------------------------------------------------
// Review: what the clock decides
// ---------------------------------------------------------------------------------------

/**
 * Ends the holds whose time has come: a promise is kept when enough money arrived on top of
 * what had been paid when it was made (checked at once when the invoice is settled, else at
 * the end of its grace period), broken otherwise — which moves dunning one tier firmer; a
 * manual hold expires at its deadline. Returns null when nothing changes.
 */
export function reviewHolds(invoice: Invoice, now: Date, rules: HoldRules): Invoice | null {
  const at = now.toISOString();
  let next = invoice;
  for (const hold of activeHolds(invoice)) {
    if (hold.reason === 'payment_plan') {
      next = reviewPaymentPlan(next, hold, now, rules);
    } else if (hold.reason === 'promise' && hold.promise) {
      const arrived = next.paidMinor - hold.promise.paidMinorAtPromise + creditsSince(next, hold.openedAt);
      const kept = arrived >= hold.promise.amountMinor || balanceMinor(next) <= 0;
      if (kept) {
        next = withEvent(release(next, hold, 'kept', at), { at, type: 'promise.kept', promiseId: hold.holdId });
      } else if (hold.until && Date.parse(hold.until) <= now.getTime()) {
        next = withEvent(release(next, hold, 'broken', at), {
          at,
          type: 'promise.broken',
          promiseId: hold.holdId,
          promisedDate: hold.promise.promisedDate,
        });
        next = { ...next, escalation: (next.escalation ?? 0) + 1 };
      }
    } else if (hold.until && Date.parse(hold.until) <= now.getTime()) {
      next = withEvent(release(next, hold, 'expired', at), {
        at,
        type: 'hold.released',
        holdId: hold.holdId,
        reason: hold.reason,
        outcome: 'expired',
      });
    }
  }
  return next === invoice ? null : next;
}

/** Credit applied since an instant: it counts towards a promise like a payment. */
function creditsSince(invoice: Invoice, since: string): number {
  return Object.values(invoice.creditNotes ?? {})
    .filter((note) => note.appliedAt >= since)
    .reduce((sum, note) => sum + note.amountMinor, 0);
}

/** The calendar date at an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return localDateAt(instant.getTime(), timeZone);
}
