import type { HoldOutcome } from '#domain/holds.ts';
import { type PlanRequest, requestPaymentPlan } from '#domain/plan-requests.ts';
import type { WriteDeps } from './invoice-writes.ts';
import { changeInvoice } from './invoice-writes.ts';

/** The use case: one conditional write, then the signal that makes a sleeping execution re-plan (and open the task) at once. */
export function askForPaymentPlan(deps: WriteDeps, invoiceId: string, request: PlanRequest): Promise<HoldOutcome> {
  return changeInvoice(deps, invoiceId, (current, now) => requestPaymentPlan(current, request, now));
}
