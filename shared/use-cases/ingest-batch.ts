import { tiersOncePerCustomer } from './customers.ts';
import type { IngestDeps } from './ingest-invoice.ts';

/** Items of one batch upserted at once: enough to finish 500 well inside the timeout, gentle on the table. */
export const BATCH_CONCURRENCY = 8;

/** One item of a batch: a repeat of an earlier item's invoiceId (not processed), or what `ingestItem` made of it. */
export type BatchItemOutcome<R> =
  | { readonly index: number; readonly invoiceId: string; readonly kind: 'duplicate'; readonly firstIndex: number }
  | { readonly index: number; readonly invoiceId: string | undefined; readonly kind: 'processed'; readonly result: R };

/**
 * The batch rules of `POST /v1/invoices:batch`: each item is ingested as a single invoice would be
 * (`ingestItem`, which validates, upserts and must not throw); a repeated invoiceId is processed
 * once, at its first index — decided up front, in request order, so the first copy wins whichever
 * finishes first; at most BATCH_CONCURRENCY items at once; each customer's risk is assessed once
 * for the whole batch. Outcomes come back in request order.
 */
export async function ingestBatch<R>(
  deps: IngestDeps,
  items: readonly unknown[],
  ingestItem: (item: unknown, deps: IngestDeps) => Promise<R>,
): Promise<BatchItemOutcome<R>[]> {
  const firstIndex = new Map<string, number>();
  const duplicateOf = items.map((item, index) => {
    const invoiceId = claimedId(item);
    if (invoiceId === undefined) return undefined;
    const first = firstIndex.get(invoiceId);
    if (first === undefined) firstIndex.set(invoiceId, index);
    return first;
  });
  const batchDeps = { ...deps, customers: deps.customers && tiersOncePerCustomer(deps.customers) };
  return mapBounded(items, BATCH_CONCURRENCY, async (item, index): Promise<BatchItemOutcome<R>> => {
    const invoiceId = claimedId(item);
    const first = duplicateOf[index];
    if (first !== undefined && invoiceId !== undefined) return { index, invoiceId, kind: 'duplicate', firstIndex: first };
    return { index, invoiceId, kind: 'processed', result: await ingestItem(item, batchDeps) };
  });
}

/** The invoiceId an item names, valid or not, so every result can be matched up by the client. */
export function claimedId(item: unknown): string | undefined {
  const invoiceId = typeof item === 'object' && item !== null ? (item as { invoiceId?: unknown }).invoiceId : undefined;
  return typeof invoiceId === 'string' ? invoiceId : undefined;
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. `work` must not throw. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
