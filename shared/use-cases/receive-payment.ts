import { type PaymentInput, type PaymentOutcome, recordPayment } from '#domain/invoice.ts';
import type { WriteDeps } from './invoice-writes.ts';
import { mutateInvoice, signal } from './invoice-writes.ts';

/** The one payment command: ERP payments and payment-provider webhooks both record through it. */
export async function receivePayment(deps: WriteDeps, invoiceId: string, input: PaymentInput): Promise<PaymentOutcome> {
  let outcome: PaymentOutcome | undefined;
  const invoice = await mutateInvoice(deps.store, invoiceId, (current) => {
    outcome = recordPayment(current, input, deps.clock.now());
    return outcome.kind === 'recorded' ? outcome.invoice : null;
  });
  if (!outcome) throw new Error('unreachable: payment outcome missing');
  if (outcome.kind === 'recorded') {
    await signal(deps, 'payment.received', invoice);
    return { ...outcome, invoice };
  }
  return outcome;
}
