import { type HoldOutcome, makePromise, nextHoldId } from '#domain/holds.ts';
import { policyFor } from '#domain/policy.ts';
import { changeInvoice, type WriteDeps } from './invoice-writes.ts';

/** A promise to pay by a date (the whole balance, or `amountMinor`), under the next `PRM.<invoiceId>.<n>` id; it replaces an active one. */
export async function promiseToPay(
  deps: WriteDeps,
  invoiceId: string,
  promisedDate: string,
  amountMinor: number | undefined,
): Promise<{ outcome: HoldOutcome; promiseId: string }> {
  let promiseId = '';
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => {
    promiseId = nextHoldId(current, 'PRM');
    return makePromise(current, promiseId, promisedDate, amountMinor, now, policyFor(current).holdRules);
  });
  return { outcome, promiseId };
}
