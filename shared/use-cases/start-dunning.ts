import { executionName } from '#domain/executions.ts';
import { withEvent } from '#domain/invoice.ts';
import type { Clock } from '#ports/clock.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Workflow } from '#ports/workflow.ts';
import { InvoiceNotFoundError, mutateInvoice } from './invoice-writes.ts';

export interface StartDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  /** StartExecution only; paced by the start buffer's consumer (shared/use-cases/start-batch.ts). */
  readonly workflow: Pick<Workflow, 'start'>;
}

/** 'started': the invoice's execution runs (started now, or it already was). */
export type StartOutcome = 'started' | 'closed';

/**
 * Makes sure the invoice has a live execution. The name is derived from the invoice id and a
 * generation number, so concurrent or repeated starts converge on one execution; a new
 * generation is taken only when the previous execution has ended. The recorded execution is
 * started by name first: Step Functions answers a running one as started (a no-op) and an ended
 * one as such, so no DescribeExecution call (and its much smaller quota) is spent on it.
 */
export async function startDunning(deps: StartDeps, invoiceId: string): Promise<StartOutcome> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
  if (invoice.closedAt) return 'closed';
  const recorded = invoice.execution;
  // Running, or recorded but never started (or its name free again after 90 days): it runs now.
  if (recorded && (await deps.workflow.start(recorded.name, { invoiceId })) === 'started') return 'started';
  const generation = (recorded?.generation ?? 0) + 1;
  const name = executionName(invoiceId, generation);
  const updated = await mutateInvoice(deps.store, invoiceId, (current) => {
    if (current.closedAt || (current.execution && current.execution.generation >= generation)) return null;
    const at = deps.clock.now().toISOString();
    return withEvent({ ...current, execution: { name, generation, startedAt: at } }, { at, type: 'dunning.started', generation });
  });
  if (updated.closedAt || !updated.execution) return 'closed';
  // Whoever recorded this generation, starting it by name is idempotent. Ended already means
  // another starter's execution of it ran to its end meanwhile: a retry takes the next generation.
  if ((await deps.workflow.start(updated.execution.name, { invoiceId })) === 'ended') {
    throw new Error(
      `Execution ${updated.execution.name} of invoice ${invoiceId} ended before this start; retry to take the next generation`,
    );
  }
  return 'started';
}
