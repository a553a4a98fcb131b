import type { Invoice } from '#domain/invoice.ts';
import type { CollectorTask } from '#domain/tasks.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { TaskPage, TaskQuery, TaskStore } from '#ports/task-store.ts';

/** The worklist: tasks with their invoices as they are now. */

export interface ListTaskDeps {
  readonly store: InvoiceStore;
  readonly tasks: TaskStore;
}

export interface ListedTask {
  readonly task: CollectorTask;
  /** The invoice as it is now (its whole timeline included); undefined only if it vanished. */
  readonly invoice: Invoice | undefined;
}

/** Reads at most this many invoices at once while listing. */
const INVOICE_READ_CONCURRENCY = 16;

/** One page of tasks, each with its invoice as it is now. One invoice read per distinct invoice on the page. */
export async function listCollectorTasks(
  deps: ListTaskDeps,
  query: TaskQuery,
): Promise<{ items: ListedTask[]; next?: string | undefined }> {
  const page: TaskPage = await deps.tasks.list(query);
  const ids = [...new Set(page.tasks.map((task) => task.invoiceId))];
  const invoices = new Map<string, Invoice | undefined>();
  for (let start = 0; start < ids.length; start += INVOICE_READ_CONCURRENCY) {
    const batch = ids.slice(start, start + INVOICE_READ_CONCURRENCY);
    const read = await Promise.all(batch.map((id) => deps.store.get(id)));
    batch.forEach((id, index) => {
      invoices.set(id, read[index]);
    });
  }
  return { items: page.tasks.map((task) => ({ task, invoice: invoices.get(task.invoiceId) })), next: page.next };
}

/**
 * The tasks an invoice has had, found through its own timeline: each `task.opened` event names
 * the task it opened, so this is one read per task of the invoice (a handful), however long the
 * worklist is — not a walk through every open task filtered by invoice.
 */
export async function tasksOfInvoice(tasks: TaskStore, invoice: Invoice): Promise<CollectorTask[]> {
  const ids = new Set<string>();
  for (const event of invoice.timeline) {
    if (event.type === 'task.opened' && typeof event.taskId === 'string') ids.add(event.taskId);
  }
  const found = await Promise.all([...ids].map((taskId) => tasks.get(taskId)));
  return found.filter((task): task is CollectorTask => task !== undefined);
}
