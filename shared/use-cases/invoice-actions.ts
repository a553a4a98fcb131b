import type * as z from 'zod';
import {
  type creditNoteRequestSchema,
  type disputeRequestSchema,
  type disputeResolutionSchema,
  type FieldError,
  type holdRequestSchema,
  optionalMinor,
  type PaymentRequest,
  type paymentPlanRequestSchema,
  type promiseRequestSchema,
  type replanRequestSchema,
  toPaymentInput,
  type voidRequestSchema,
} from '#contracts/api.ts';
import { parseChildId } from '#domain/child-ids.ts';
import { applyCreditNote, type HoldOutcome, releaseHold, resolveDispute, voidInvoice } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { policyFor } from '#domain/policy.ts';
import { agreePaymentPlan } from './agree-payment-plan.ts';
import type { IngestDeps } from './ingest-invoice.ts';
import { changeInvoice, type WriteDeps } from './invoice-writes.ts';
import { openInvoiceDispute } from './open-dispute.ts';
import { holdInvoice } from './place-hold.ts';
import { promiseToPay } from './promise-to-pay.ts';
import { receivePayment } from './receive-payment.ts';
import { replanInvoice } from './replan-invoice.ts';

/**
 * The invoice actions finance takes, as the HTTP API and the console both perform them: the
 * request (already checked against its schema) is read in the invoice's currency, the action is
 * run, and its outcome comes back as a result each caller words its own way (problem+json, a page).
 * Each reads the invoice first: a missing one is not found, and only it knows the currency of
 * the request's amounts.
 */

/** What the actions need: a write of the invoice, and for a re-plan the policies (replanInvoice takes IngestDeps). */
export type InvoiceActionDeps = WriteDeps & Pick<IngestDeps, 'policies' | 'starts'>;

export type ActionDone<T extends object = object> = { kind: 'done'; invoice: Invoice; created: boolean } & T;
export type ActionNotFound = { kind: 'not_found'; detail: string };

/** `created`: something new was recorded (the API's 201); false for a change, a release or a repeat (200). */
export type ActionResult<T extends object = object> =
  | ActionDone<T>
  | ActionNotFound
  | { kind: 'conflict'; detail: string; errors?: FieldError[] }
  | { kind: 'invalid'; errors: FieldError[] };

export type HoldRequest = z.infer<typeof holdRequestSchema>;
export type PromiseRequest = z.infer<typeof promiseRequestSchema>;
export type DisputeRequest = z.infer<typeof disputeRequestSchema>;
export type DisputeResolution = z.infer<typeof disputeResolutionSchema>;
export type PaymentPlanRequest = z.infer<typeof paymentPlanRequestSchema>;
export type CreditNoteRequest = z.infer<typeof creditNoteRequestSchema>;
export type VoidRequest = z.infer<typeof voidRequestSchema>;
export type ReplanRequest = z.infer<typeof replanRequestSchema>;

const invoiceNotFound = (invoiceId: string): ActionNotFound => ({ kind: 'not_found', detail: `Invoice ${invoiceId} does not exist` });
const disputeNotFound = (disputeId: string): ActionNotFound => ({ kind: 'not_found', detail: `Dispute ${disputeId} does not exist` });

/** A collections action's outcome as a result: `created` and the action's ids when it was done. */
function resultOf<T extends object>(invoiceId: string, outcome: HoldOutcome, created: boolean, extra: T): ActionResult<T> {
  if (outcome.kind === 'conflict') return { kind: 'conflict', detail: `Invoice ${invoiceId}: ${outcome.reason}` };
  if (outcome.kind === 'invalid') return { kind: 'invalid', errors: [{ path: outcome.path, message: outcome.message }] };
  return { kind: 'done', invoice: outcome.invoice, created, ...extra };
}

/** A pause placed by finance (`manual`, or `unmatched_cash` while money is booked by hand). */
export async function placeHold(
  deps: InvoiceActionDeps,
  invoiceId: string,
  request: HoldRequest,
): Promise<ActionResult<{ holdId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const until = request.until ? new Date(request.until).toISOString() : null;
  const { outcome, holdId } = await holdInvoice(deps, invoiceId, { until, note: request.note, reason: request.reason });
  return resultOf(invoiceId, outcome, true, { holdId });
}

/** Ends a hold; releasing one no longer active changes nothing. */
export async function releaseInvoiceHold(
  deps: InvoiceActionDeps,
  invoiceId: string,
  holdId: string,
): Promise<ActionResult<{ holdId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => releaseHold(current, holdId, now));
  return resultOf(invoiceId, outcome, false, { holdId });
}

export async function recordPromise(
  deps: InvoiceActionDeps,
  invoiceId: string,
  request: PromiseRequest,
): Promise<ActionResult<{ promiseId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const amount = optionalMinor(request.amount, invoice.currency, 'amount');
  if (typeof amount === 'object') return { kind: 'invalid', errors: [amount] };
  const { outcome, promiseId } = await promiseToPay(deps, invoiceId, request.promisedDate, amount);
  return resultOf(invoiceId, outcome, true, { promiseId });
}

/** Finance opens a dispute: with one already open, it is a conflict (a customer's click keeps it instead). */
export async function openDispute(
  deps: InvoiceActionDeps,
  invoiceId: string,
  request: DisputeRequest,
): Promise<ActionResult<{ disputeId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const { outcome, disputeId } = await openInvoiceDispute(deps, invoiceId, request, 'refuse');
  return resultOf(invoiceId, outcome, true, { disputeId });
}

/**
 * Not found for an id that cannot be a dispute's (`DSP.<invoiceId>.<n>`): decidable before the
 * request is read, so a caller may answer it first (the API answers 404 before a bad body's 400).
 */
export function unknownDisputeId(disputeId: string): ActionNotFound | undefined {
  return parseChildId(disputeId)?.kind === 'DSP' ? undefined : disputeNotFound(disputeId);
}

export async function resolveInvoiceDispute(
  deps: InvoiceActionDeps,
  disputeId: string,
  request: DisputeResolution,
): Promise<ActionResult<{ disputeId: string; outcome: DisputeResolution['outcome'] }>> {
  const parsedId = parseChildId(disputeId);
  if (parsedId?.kind !== 'DSP') return disputeNotFound(disputeId);
  const invoice = await deps.store.get(parsedId.invoiceId);
  if (!invoice?.holds?.some((hold) => hold.holdId === disputeId)) return disputeNotFound(disputeId);
  const credit = optionalMinor(request.creditAmount, invoice.currency, 'creditAmount');
  if (typeof credit === 'object') return { kind: 'invalid', errors: [credit] };
  const outcome = await changeInvoice(deps, parsedId.invoiceId, (current, now) =>
    resolveDispute(current, disputeId, request.outcome, credit, now, policyFor(current).holdRules),
  );
  return resultOf(parsedId.invoiceId, outcome, false, { disputeId, outcome: request.outcome });
}

/** Installments replace the cadence; every bad amount is named (`installments.<n>.amount`). */
export async function agreeInvoicePaymentPlan(
  deps: InvoiceActionDeps,
  invoiceId: string,
  request: PaymentPlanRequest,
): Promise<ActionResult<{ planId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const errors: FieldError[] = [];
  const installments = request.installments.map((installment, index) => {
    const amount = optionalMinor(installment.amount, invoice.currency, `installments.${index}.amount`);
    if (typeof amount === 'object') errors.push(amount);
    return { dueDate: installment.dueDate, amountMinor: typeof amount === 'number' ? amount : 0 };
  });
  if (errors.length > 0) return { kind: 'invalid', errors };
  const { outcome, planId } = await agreePaymentPlan(deps, invoiceId, installments);
  return resultOf(invoiceId, outcome, true, { planId });
}

/** Idempotent per credit note id: the same note again is done with `created` false. */
export async function applyInvoiceCreditNote(
  deps: InvoiceActionDeps,
  invoiceId: string,
  request: CreditNoteRequest,
): Promise<ActionResult<{ creditNoteId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const amount = optionalMinor(request.amount, invoice.currency, 'amount');
  if (typeof amount === 'object' || amount === undefined) {
    return { kind: 'invalid', errors: [amount ?? { path: 'amount', message: 'is required' }] };
  }
  // Decided on the read the write is made at: of two requests applying one credit note at once, one is the repeat.
  let repeated = false;
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => {
    repeated = current.creditNotes?.[request.creditNoteId] !== undefined;
    return applyCreditNote(current, request.creditNoteId, amount, request.reason, now);
  });
  return resultOf(invoiceId, outcome, !repeated, { creditNoteId: request.creditNoteId });
}

export async function voidInvoiceAction(deps: InvoiceActionDeps, invoiceId: string, request: VoidRequest): Promise<ActionResult> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => voidInvoice(current, request.reason, now));
  return resultOf(invoiceId, outcome, false, {});
}

/** Moves the invoice to the latest version of a policy (its own by default). */
export async function replan(deps: InvoiceActionDeps, invoiceId: string, request: ReplanRequest): Promise<ActionResult> {
  let outcome: HoldOutcome;
  try {
    outcome = await replanInvoice(deps, invoiceId, request.policyId);
  } catch (error) {
    if (error instanceof Error && error.name === 'InvoiceNotFoundError') return invoiceNotFound(invoiceId);
    throw error;
  }
  return resultOf(invoiceId, outcome, false, {});
}

/**
 * A payment from the ERP. `created` is true when it was recorded (a metric for the caller),
 * false for an exact repeat. Its conflicts are worded by the domain alone.
 */
export async function recordPayment(
  deps: InvoiceActionDeps,
  invoiceId: string,
  request: PaymentRequest,
): Promise<ActionResult<{ paymentId: string }>> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) return invoiceNotFound(invoiceId);
  const input = toPaymentInput(request, invoice.currency, deps.clock.now());
  if ('path' in input) return { kind: 'invalid', errors: [input] };
  const outcome = await receivePayment(deps, invoiceId, input);
  if (outcome.kind === 'conflict') return { kind: 'conflict', detail: outcome.reason };
  if (outcome.kind === 'invalid') return { kind: 'invalid', errors: [{ path: outcome.path, message: outcome.message }] };
  return { kind: 'done', invoice: outcome.invoice, created: outcome.kind === 'recorded', paymentId: outcome.payment.paymentId };
}
