import type { DisputeReason } from '#domain/hold-types.ts';
import { activeHolds, type HoldOutcome, nextHoldId, openDispute } from '#domain/holds.ts';
import { changeInvoice, type WriteDeps } from './invoice-writes.ts';

/**
 * A dispute on an invoice, under the next `DSP.<invoiceId>.<n>` id: dunning pauses until it is
 * resolved. With one already open, finance gets a conflict (`refuse`) and a customer's second
 * click changes nothing (`keep`).
 */
export async function openInvoiceDispute(
  deps: WriteDeps,
  invoiceId: string,
  dispute: { readonly reason: DisputeReason; readonly note?: string | undefined },
  whenOpen: 'refuse' | 'keep',
): Promise<{ outcome: HoldOutcome; disputeId: string }> {
  let disputeId = '';
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => {
    const open = activeHolds(current).find((hold) => hold.reason === 'dispute');
    if (open) {
      disputeId = open.holdId;
      return whenOpen === 'keep'
        ? { kind: 'ok', invoice: current }
        : { kind: 'conflict', reason: `dispute ${open.holdId} is already open` };
    }
    disputeId = nextHoldId(current, 'DSP');
    return openDispute(current, disputeId, dispute.reason, dispute.note, now);
  });
  return { outcome, disputeId };
}
