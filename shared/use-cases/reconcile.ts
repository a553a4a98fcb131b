import { RECONCILE_CONCURRENCY, RECONCILE_REQUEST_BATCH } from '#contracts/reconcile-pacing.ts';
import { executionKey, executionKeyOfName } from '#domain/executions.ts';
import type { OpenInvoices } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import type { DunningStartBatches } from '#ports/messaging.ts';
import type { RunningExecutions } from '#ports/workflow.ts';

export interface ReconcileDeps {
  readonly openInvoices: OpenInvoices;
  readonly runningExecutions: RunningExecutions;
  readonly starts: DunningStartBatches;
  readonly log: Logger;
}

export interface ReconcileReport {
  /** Invoices whose lifecycle has not closed. */
  readonly open: number;
  /** Of those, the ones with a running execution: left alone. */
  readonly running: number;
  /** Start requests the buffer took. */
  readonly requested: number;
  /** Invoices whose start request the buffer did not take: the next run requests them again. */
  readonly failed: readonly string[];
}

/**
 * The daily safety net (and the local runtime's start-up): every open invoice whose execution is
 * not running gets a start request; running ones are not disturbed. Which executions run comes
 * from one listing of the running executions (matched to invoices by their names' key) instead
 * of one DescribeExecution per invoice; the open invoices come from every shard of the active
 * index at once, meanwhile. Requests go out in batches, a few calls in flight
 * (shared/contracts/reconcile-pacing.ts); start-dunning still checks each one, so an execution
 * that started meanwhile costs a no-op start, and one that ended meanwhile waits for the next run.
 *
 * A batch the buffer refused does not stop the others: the report names its invoices. A failed
 * listing fails the run, before anything is requested: what runs is not known then.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const [running, open] = await Promise.all([runningKeys(deps.runningExecutions), openInvoiceIds(deps.openInvoices)]);
  const idle = open.filter((invoiceId) => !running.has(executionKey(invoiceId)));
  const batches: string[][] = [];
  for (let at = 0; at < idle.length; at += RECONCILE_REQUEST_BATCH) batches.push(idle.slice(at, at + RECONCILE_REQUEST_BATCH));

  const failed: string[] = [];
  let next = 0;
  const sender = async () => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
      try {
        const refused = await deps.starts.requestBatch(batch);
        if (refused.length > 0) {
          deps.log.error('the start buffer refused requests; the next reconcile requests them again', {
            invoices: refused.length,
            firstInvoiceId: refused[0],
          });
        }
        failed.push(...refused);
      } catch (error) {
        failed.push(...batch);
        deps.log.error('start requests failed; the next reconcile requests them again', {
          invoices: batch.length,
          firstInvoiceId: batch[0],
          error: String(error),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECONCILE_CONCURRENCY, batches.length) }, sender));
  return { open: open.length, running: open.length - idle.length, requested: idle.length - failed.length, failed };
}

async function runningKeys(executions: RunningExecutions): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const page of executions.pages()) for (const name of page) keys.add(executionKeyOfName(name));
  return keys;
}

/** Every partition read at once; an id is listed once even if a partition repeated it. */
async function openInvoiceIds(invoices: OpenInvoices): Promise<string[]> {
  const parts = await Promise.all(
    invoices.partitions().map(async (partition) => {
      const ids: string[] = [];
      for await (const page of partition) for (const invoiceId of page) ids.push(invoiceId);
      return ids;
    }),
  );
  return [...new Set(parts.flat())];
}
