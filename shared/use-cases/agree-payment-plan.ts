import type { Installment } from '#domain/hold-types.ts';
import { type HoldOutcome, nextHoldId, startPaymentPlan } from '#domain/holds.ts';
import { policyFor } from '#domain/policy.ts';
import { changeInvoice, type WriteDeps } from './invoice-writes.ts';

/** A payment plan agreed with the customer, under the next `PLN.<invoiceId>.<n>` id: installments replace the cadence. */
export async function agreePaymentPlan(
  deps: WriteDeps,
  invoiceId: string,
  installments: readonly Installment[],
): Promise<{ outcome: HoldOutcome; planId: string }> {
  let planId = '';
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => {
    planId = nextHoldId(current, 'PLN');
    return startPaymentPlan(current, planId, installments, now, policyFor(current).holdRules);
  });
  return { outcome, planId };
}
