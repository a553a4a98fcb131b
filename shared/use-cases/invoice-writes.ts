import type { HoldOutcome } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Clock } from '#ports/clock.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import type { DomainEvents, SignalDetailType } from '#ports/messaging.ts';
import { retryOnFreshRead } from './concurrent-writes.ts';

/**
 * How every use case writes an invoice: read, decide (pure domain), conditional write (re-run
 * on a fresh read when another writer got in first), and a signal so a parked execution
 * re-plans at once. Use cases take their collaborators as ports, so the same code runs in
 * Lambda on AWS and in the embedded runtime, and is tested without AWS.
 */

/** What a change of an invoice needs: the table, the clock, the bus for its signal, and a log. */
export interface WriteDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly events: DomainEvents;
  readonly log: Logger;
}

export class InvoiceNotFoundError extends Error {
  override readonly name = 'InvoiceNotFoundError';
}

/**
 * Read-modify-write with optimistic concurrency. `change` returns the next invoice, or null
 * to leave it as it is; it is re-run on a fresh read whenever another writer got in first
 * (a bounded number of times: ConcurrentChangeError after that).
 */
export async function mutateInvoice(
  store: InvoiceStore,
  invoiceId: string,
  change: (invoice: Invoice) => Invoice | null,
): Promise<Invoice> {
  return retryOnFreshRead(`Invoice ${invoiceId}`, async () => {
    const current = await store.get(invoiceId);
    if (!current) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
    const next = change(current);
    return next === null ? current : store.save(next);
  });
}

/**
 * A collections action on one invoice (dispute, promise, hold, credit note, void): one
 * conditional write, then a signal so a sleeping execution re-plans at once.
 */
export async function changeInvoice(
  deps: WriteDeps,
  invoiceId: string,
  change: (invoice: Invoice, now: Date) => HoldOutcome,
): Promise<HoldOutcome> {
  let outcome: HoldOutcome | undefined;
  let changed = false;
  const invoice = await mutateInvoice(deps.store, invoiceId, (current) => {
    outcome = change(current, deps.clock.now());
    changed = outcome.kind === 'ok' && outcome.invoice !== current;
    return changed && outcome.kind === 'ok' ? outcome.invoice : null;
  });
  if (!outcome) throw new Error('unreachable: change outcome missing');
  if (outcome.kind !== 'ok') return outcome;
  if (changed) await signal(deps, 'invoice.changed', invoice);
  return { kind: 'ok', invoice };
}

export async function signal(deps: Pick<WriteDeps, 'events' | 'log'>, detailType: SignalDetailType, invoice: Invoice): Promise<void> {
  try {
    await deps.events.publish(detailType, { invoiceId: invoice.invoiceId, version: invoice.version });
  } catch (error) {
    deps.log.error('domain event publish failed; the invoice re-plans at its next timer', {
      invoiceId: invoice.invoiceId,
      detailType,
      error: String(error),
    });
  }
}
