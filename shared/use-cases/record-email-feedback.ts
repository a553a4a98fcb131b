import { applyFeedback, type EmailFeedback, reopenedBy, suppressionReason } from '#domain/deliverability.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory } from '#ports/customer-directory.ts';
import type { CustomerLedger } from '#ports/customer-ledger.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import type { DomainEvents } from '#ports/messaging.ts';
import { InvoiceNotFoundError, mutateInvoice, signal } from './invoice-writes.ts';

/** What the email provider said about a message after accepting it, recorded on the invoice and the customer. */

export interface FeedbackDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly customers: Pick<CustomerDirectory, 'suppress'>;
  /** The frequency cap's ledger: a message that reached nobody gives its place back. */
  readonly ledger?: Pick<CustomerLedger, 'release'> | undefined;
  readonly events: DomainEvents;
  readonly log: Logger;
}

/**
 * Records provider feedback on the timeline of every invoice the message was about, once per
 * message and kind (the provider may deliver an event more than once). The address is
 * suppressed before any invoice re-plans, so the re-send cannot go to it again.
 */
export async function recordEmailFeedback(deps: FeedbackDeps, feedback: EmailFeedback): Promise<'recorded' | 'unknown_invoice'> {
  const invoices = (await Promise.all(feedback.invoiceIds.map((id) => deps.store.get(id)))).filter(
    (invoice): invoice is Invoice => invoice !== undefined,
  );
  const first = invoices[0];
  if (!first) {
    deps.log.warn('email feedback for no known invoice; ignored', { messageId: feedback.messageId, invoiceIds: feedback.invoiceIds });
    return 'unknown_invoice';
  }
  // A send still being recorded has no message id on its step yet: the event could not be tied to
  // it, and once on the timeline it would never be acted on. EventBridge retries the event later.
  const recording = invoices.find((invoice) => Object.values(invoice.steps).some((record) => record.state === 'claimed'));
  if (recording) {
    throw new FeedbackTooEarlyError(
      `Invoice ${recording.invoiceId} has a send still being recorded; email event ${feedback.messageId} is retried later`,
    );
  }
  const reason = suppressionReason(feedback);
  if (reason) {
    for (const address of feedback.recipients) {
      await deps.customers.suppress(first, { channel: 'email', address, reason, at: deps.clock.now().toISOString() });
    }
    deps.log.warn(`email address suppressed after a ${reason}`, { messageId: feedback.messageId, invoiceIds: feedback.invoiceIds });
  }
  for (const invoice of invoices) {
    let updated: Invoice;
    try {
      updated = await mutateInvoice(
        deps.store,
        invoice.invoiceId,
        (current) => applyFeedback(current, feedback, deps.clock.now())?.invoice ?? null,
      );
    } catch (error) {
      if (error instanceof InvoiceNotFoundError) continue;
      throw error;
    }
    // Derived from the stored state, not from whether this call changed it: a retry after a
    // failure below (the ledger, the bus) does the follow-up again; both steps are idempotent.
    const reopened = reopenedBy(updated, feedback.messageId);
    if (!reopened) continue;
    // It reached nobody, so it does not count towards the customer's cap (the ledger entry is the send's claim).
    if (reopened.claimId) await deps.ledger?.release(updated.customer.customerId, reopened.claimId);
    // The execution is asleep until its next step: wake it to send the bounced reminder again.
    await signal(deps, 'invoice.changed', updated);
  }
  return 'recorded';
}

/** The event came before the send that caused it was recorded: retry it (a thrown error makes EventBridge retry). */
export class FeedbackTooEarlyError extends Error {
  override readonly name = 'FeedbackTooEarlyError';
}
