import type { DisputeOutcome, DisputeReason, Installment } from '#domain/hold-types.ts';
import {
  applyCreditNote,
  type HoldOutcome,
  makePromise,
  openDispute,
  placeManualHold,
  releaseHold,
  resolveDispute,
  startPaymentPlan,
  voidInvoice,
} from '#domain/holds.ts';
import { type CustomerTerms, type Invoice, type InvoiceInput, recordPayment, upsertInvoice, withEvent } from '#domain/invoice.ts';
import { policyFor } from '#domain/policy.ts';
import { applyOutcome, type CollectorTask } from '#domain/tasks.ts';
import { customerOf, type HistoryEvent } from './history.ts';

export type ReplayOutcome =
  | { readonly kind: 'changed'; readonly invoice: Invoice }
  | { readonly kind: 'unchanged' }
  /** The invoice, as this policy left it, does not take the event (a task never opened, a hold already ended...). */
  | { readonly kind: 'refused'; readonly reason: string };

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

/**
 * One event from outside the pipeline, applied to the invoice through the same domain function
 * the API applies it with (recordPayment, openDispute, makePromise, applyOutcome...). The caller
 * signals the workflow when the invoice changed, as the API does.
 */
export function replayEvent(invoice: Invoice, history: HistoryEvent, now: Date, tasks: ReadonlyMap<string, CollectorTask>): ReplayOutcome {
  const event = history.event;
  const rules = policyFor(invoice).holdRules;
  switch (event.type) {
    case 'payment.received': {
      const outcome = recordPayment(
        invoice,
        { paymentId: str(event.paymentId) ?? '', amountMinor: num(event.amountMinor) ?? 0, paidAt: str(event.paidAt) ?? event.at },
        now,
      );
      if (outcome.kind === 'recorded') return { kind: 'changed', invoice: outcome.invoice };
      if (outcome.kind === 'duplicate') return { kind: 'unchanged' };
      return { kind: 'refused', reason: outcome.kind === 'invalid' ? outcome.message : outcome.reason };
    }
    case 'credit_note.applied':
      return held(
        invoice,
        applyCreditNote(invoice, str(event.creditNoteId) ?? '', num(event.amountMinor) ?? 0, str(event.reason) ?? '', now),
      );
    case 'dispute.opened':
      return held(invoice, openDispute(invoice, str(event.disputeId) ?? '', event.reason as DisputeReason, str(event.note), now));
    case 'dispute.resolved':
      return held(
        invoice,
        resolveDispute(invoice, str(event.disputeId) ?? '', event.outcome as DisputeOutcome, num(event.creditMinor), now, rules),
      );
    case 'promise.made':
      return held(
        invoice,
        makePromise(invoice, str(event.promiseId) ?? '', str(event.promisedDate) ?? '', num(event.amountMinor), now, rules),
      );
    case 'hold.placed': {
      const reason = event.reason === 'unmatched_cash' ? 'unmatched_cash' : 'manual';
      return held(invoice, placeManualHold(invoice, str(event.holdId) ?? '', str(event.until) ?? null, str(event.note) ?? '', now, reason));
    }
    case 'hold.released':
      return held(invoice, releaseHold(invoice, str(event.holdId) ?? '', now));
    case 'invoice.voided':
      return held(invoice, voidInvoice(invoice, str(event.reason), now));
    case 'payment_plan.agreed':
      return held(invoice, startPaymentPlan(invoice, str(event.planId) ?? '', event.schedule as Installment[], now, rules));
    case 'invoice.updated': {
      const outcome = upsertInvoice(invoice, updatedInput(invoice, history), now, invoice.policySnapshot ?? invoice.policy);
      if (outcome.kind === 'updated') return { kind: 'changed', invoice: outcome.invoice };
      if (outcome.kind === 'unchanged') return { kind: 'unchanged' };
      return outcome.kind === 'conflict' ? { kind: 'refused', reason: outcome.reason } : { kind: 'unchanged' };
    }
    case 'task.completed': {
      const task = tasks.get(str(event.taskId) ?? '');
      if (!task || !history.completion) return { kind: 'refused', reason: `task ${String(event.taskId)} was not opened` };
      const effect = applyOutcome(invoice, task, history.completion, now);
      if (effect.kind === 'conflict') return { kind: 'refused', reason: effect.reason };
      if (effect.kind === 'invalid') return { kind: 'refused', reason: `${effect.path} ${effect.message}` };
      const note = history.completion.note;
      return {
        kind: 'changed',
        invoice: withEvent(effect.invoice, {
          at: now.toISOString(),
          type: 'task.completed',
          taskId: task.taskId,
          outcome: history.completion.outcome,
          ...(note ? { note } : {}),
          ...effect.refs,
        }),
      };
    }
    default:
      return { kind: 'refused', reason: `${event.type} is not replayed` };
  }
}

function held(invoice: Invoice, outcome: HoldOutcome): ReplayOutcome {
  if (outcome.kind === 'conflict') return { kind: 'refused', reason: outcome.reason };
  if (outcome.kind === 'invalid') return { kind: 'refused', reason: `${outcome.path} ${outcome.message}` };
  return outcome.invoice === invoice ? { kind: 'unchanged' } : { kind: 'changed', invoice: outcome.invoice };
}

/** The invoice as the ERP sent it again: the terms the lake row shows after the change, the customer the event names. */
function updatedInput(invoice: Invoice, history: HistoryEvent): InvoiceInput {
  // The customer as the lake shows them after the change, placeholders as on arrival (readHistory).
  const terms = history.event.customer as CustomerTerms | undefined;
  const customer = terms ? customerOf(terms) : invoice.customer;
  return {
    invoiceId: invoice.invoiceId,
    customer,
    currency: invoice.currency,
    amountMinor: history.terms.amountMinor,
    issueDate: history.terms.issueDate,
    dueDate: history.terms.dueDate,
    ...(invoice.poNumber ? { poNumber: invoice.poNumber } : {}),
    lines: invoice.lines,
  };
}
