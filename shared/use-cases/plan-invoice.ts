import { reviewHolds } from '#domain/holds.ts';
import { type Invoice, withEvent } from '#domain/invoice.ts';
import { type PlannedAction, planNextAction } from '#domain/planner.ts';
import { policyFor } from '#domain/policy.ts';
import { claimExpired, REMINDER_OUTCOME_UNKNOWN, setStep } from '#domain/steps.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory } from '#ports/customer-directory.ts';
import type { CustomerLedger } from '#ports/customer-ledger.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import { mutateInvoice } from './invoice-writes.ts';
import type { ReminderTally } from './reminder-tally.ts';

export interface PlanDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  /** Where a send found dead mid-way is reported (the reminder-outcome-unknown alarm counts the line). */
  readonly log?: Logger | undefined;
  /** The customer's recent messages, for the frequency cap; without it the cap is not applied. */
  readonly ledger?: CustomerLedger | undefined;
  /** The customer's channels (preference, consent, suppressed addresses); without it the policy's channels. */
  readonly customers?: Pick<CustomerDirectory, 'reachability'> | undefined;
}

/** The instants of the customer's recent customer-facing messages, across all their invoices. */
export async function recentSends(ledger: CustomerLedger | undefined, customerId: string): Promise<{ sends: Date[]; version: number }> {
  if (!ledger) return { sends: [], version: 0 };
  const snapshot = await ledger.read(customerId);
  return { sends: snapshot.entries.map((entry) => new Date(entry.at)), version: snapshot.version };
}

/** The ledger keeps a little more than the weekly cap's rolling window. */
export const LEDGER_KEEP_MS = 8 * 86_400_000;

export type WorkflowAction = PlannedAction & { readonly version: number };

/** `tally` (optional) counts the steps found dead mid-send, recorded unconfirmed here. */
export async function planInvoice(deps: PlanDeps, invoiceId: string, tally?: Pick<ReminderTally, 'unconfirmed'>): Promise<WorkflowAction> {
  // Reported once the write went through (the closure may run again on a fresh read).
  let unconfirmed: string[] = [];
  const invoice = await mutateInvoice(deps.store, invoiceId, (current) => {
    const now = deps.clock.now();
    const at = now.toISOString();
    // Holds whose time has come are decided first (promise kept or broken, hold expired).
    let next = reviewHolds(current, now, policyFor(current).holdRules) ?? current;
    // Plan runs only after the previous task finished, so a claim still open here belongs to an
    // attempt that died mid-send (a crash, a lost process): record that its outcome is unknown.
    const stale = Object.entries(next.steps).filter(
      ([, record]) => record.state === 'claimed' && (!record.claimedBy || claimExpired(record, now)),
    );
    for (const [stepId, record] of stale) {
      next = withEvent(setStep(next, stepId, { ...record, state: 'unconfirmed', at }), { at, type: 'reminder.unconfirmed', stepId });
    }
    unconfirmed = stale.map(([stepId]) => stepId);
    return next === current ? null : next;
  });
  for (const stepId of unconfirmed) deps.log?.error(REMINDER_OUTCOME_UNKNOWN, { invoiceId, stepId });
  if (tally) tally.unconfirmed += unconfirmed.length;
  return { ...(await planForCustomer(deps, invoice)), version: invoice.version };
}

/** The planner's answer with what it weighs besides the invoice: the customer's cap and channels. */
export async function planForCustomer(deps: Omit<PlanDeps, 'store'>, invoice: Invoice): Promise<PlannedAction> {
  const customerId = invoice.customer.customerId;
  const [{ sends }, reachability] = await Promise.all([
    recentSends(deps.ledger, customerId),
    deps.customers ? deps.customers.reachability(customerId) : undefined,
  ]);
  return planNextAction(invoice, policyFor(invoice), deps.clock.now(), sends, reachability);
}
