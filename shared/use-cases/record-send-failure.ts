import { withEvent } from '#domain/invoice.ts';
import { MAX_STEP_FAILURES } from '#domain/planner.ts';
import { REMINDER_OUTCOME_UNKNOWN, setStep } from '#domain/steps.ts';
import type { Clock } from '#ports/clock.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import { mutateInvoice } from './invoice-writes.ts';

export interface FailureDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  /** Where a send that may have reached the provider is reported (the reminder-outcome-unknown alarm counts the line). */
  readonly log?: Logger | undefined;
}

/** What was recorded: a failed attempt, an unconfirmed step (it may have reached the provider), or nothing (the step had moved on). */
export type FailureRecord = 'failed' | 'unconfirmed' | 'unchanged';

/** A send or task failed: recorded against its step. The planner retries it a few times, after a delay each, then gives up on it. */
export async function recordSendFailure(
  deps: FailureDeps,
  invoiceId: string,
  stepId: string,
  error: string,
  cause: string,
): Promise<FailureRecord> {
  // Reported once the write went through (the closure may run again on a fresh read).
  let recorded = 'unchanged' as FailureRecord;
  await mutateInvoice(deps.store, invoiceId, (invoice) => {
    const at = deps.clock.now().toISOString();
    const record = invoice.steps[stepId];
    recorded = 'unchanged';
    if (record && record.state !== 'failed' && record.state !== 'claimed') return null;
    recorded = record?.state === 'claimed' ? 'unconfirmed' : 'failed';
    if (record?.state === 'claimed') {
      return withEvent(setStep(invoice, stepId, { state: 'unconfirmed', at, claimId: record.claimId }), {
        at,
        type: 'reminder.unconfirmed',
        stepId,
      });
    }
    const failures = (record?.failures ?? 0) + 1;
    return withEvent(setStep(invoice, stepId, { state: 'failed', at, failures, detail: `${error}: ${cause}`.slice(0, 500) }), {
      at,
      type: 'reminder.failed',
      stepId,
      error,
      attempt: failures,
      final: failures >= MAX_STEP_FAILURES,
    });
  });
  if (recorded === 'unconfirmed') deps.log?.error(REMINDER_OUTCOME_UNKNOWN, { invoiceId, stepId, error, cause });
  return recorded;
}
