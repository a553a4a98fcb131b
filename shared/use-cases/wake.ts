import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Workflow } from '#ports/workflow.ts';

export interface WakeDeps {
  readonly store: InvoiceStore;
  readonly workflow: Workflow;
}

/** The timer fired. A timer left over from an earlier sleep (another sleepId) is ignored. */
export async function wake(deps: WakeDeps, invoiceId: string, sleepId: string): Promise<'resumed' | 'stale' | 'gone'> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice?.wait || invoice.wait.sleepId !== sleepId) return 'stale';
  return deps.workflow.resume(invoice.wait.taskToken, { reason: 'timer' });
}
