import { randomUUID } from 'node:crypto';
import { timerName } from '#domain/executions.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory } from '#ports/customer-directory.ts';
import type { CustomerLedger } from '#ports/customer-ledger.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Timers } from '#ports/timers.ts';
import type { Workflow } from '#ports/workflow.ts';
import { mutateInvoice } from './invoice-writes.ts';
import { planForCustomer } from './plan-invoice.ts';

export interface TimerDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly workflow: Workflow;
  /** As for planInvoice: the re-check must plan with the same inputs, or it sees a change that is not there. */
  readonly ledger?: CustomerLedger | undefined;
  readonly customers?: Pick<CustomerDirectory, 'reachability'> | undefined;
}

export interface ArmRequest {
  readonly invoiceId: string;
  readonly until: string | null;
  readonly taskToken: string;
  /** The invoice version the sleep was planned at. */
  readonly planVersion?: number | undefined;
}

/**
 * Parks the execution: stores its task token and arms the timer that resumes it. If the
 * invoice changed after the plan was made (a payment raced the planner), the sleep may be
 * wrong, so the execution is resumed at once to plan again.
 */
export async function armTimer(deps: TimerDeps, request: ArmRequest): Promise<'armed' | 'replan'> {
  const sleepId = randomUUID();
  const scheduleName = request.until ? timerName(request.invoiceId, sleepId) : null;
  let previousTimer: string | null = null;
  const invoice = await mutateInvoice(deps.store, request.invoiceId, (current) => {
    previousTimer = current.wait?.scheduleName ?? null;
    return { ...current, wait: { sleepId, taskToken: request.taskToken, until: request.until, scheduleName } };
  });
  // A timer left by an earlier sleep would only be ignored by wake; delete it to keep things tidy.
  if (previousTimer) await deps.timers.cancel(previousTimer);
  const changedSincePlan = request.planVersion !== undefined && invoice.version !== request.planVersion + 1;
  if (changedSincePlan) {
    const action = await planForCustomer(deps, invoice);
    const stillSleeping = action.type === 'sleep' && action.until === request.until;
    if (!stillSleeping) {
      await deps.workflow.resume(request.taskToken, { reason: 'changed_while_planning' });
      return 'replan';
    }
  }
  if (request.until && scheduleName) {
    const at = new Date(Math.max(Date.parse(request.until), deps.clock.now().getTime()));
    await deps.timers.arm(scheduleName, at, { invoiceId: request.invoiceId, sleepId });
  }
  return 'armed';
}
