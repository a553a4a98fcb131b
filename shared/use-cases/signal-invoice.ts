import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Timers } from '#ports/timers.ts';
import type { Workflow } from '#ports/workflow.ts';

export interface SignalDeps {
  readonly store: InvoiceStore;
  readonly workflow: Workflow;
  readonly timers: Timers;
}

/** Something happened to the invoice (payment, update): cancel its timer and let it re-plan now. */
export async function signalInvoice(deps: SignalDeps, invoiceId: string, reason: string): Promise<'resumed' | 'gone' | 'not_waiting'> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice?.wait || invoice.closedAt) return 'not_waiting';
  if (invoice.wait.scheduleName) await deps.timers.cancel(invoice.wait.scheduleName);
  return deps.workflow.resume(invoice.wait.taskToken, { reason });
}
