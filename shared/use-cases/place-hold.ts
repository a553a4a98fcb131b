import { type HoldOutcome, nextHoldId, placeManualHold } from '#domain/holds.ts';
import { isSettled } from '#domain/invoice.ts';
import { changeInvoice, type WriteDeps } from './invoice-writes.ts';

/** A pause placed by finance (`manual`) or for money not yet matched (`unmatched_cash`), under the next `HLD.<invoiceId>.<n>` id. */
export async function holdInvoice(
  deps: WriteDeps,
  invoiceId: string,
  hold: { readonly until: string | null; readonly note: string; readonly reason?: 'manual' | 'unmatched_cash' | undefined },
): Promise<{ outcome: HoldOutcome; holdId: string }> {
  let holdId = '';
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => {
    holdId = nextHoldId(current, 'HLD');
    return placeManualHold(current, holdId, hold.until, hold.note, now, hold.reason);
  });
  return { outcome, holdId };
}

/** How long dunning waits for finance to apply by hand a payment that could not be applied automatically. */
export const UNMATCHED_CASH_HOLD_DAYS = 14;

/**
 * The customer paid and the money could not be applied automatically: dunning pauses (an
 * unmatched-cash hold) so nobody is chased for what they have paid while finance books it. Once
 * per payment (`marker` names it, e.g. the checkout session), however often its notice comes.
 */
export async function pauseForUnmatchedCash(deps: WriteDeps, invoiceId: string, marker: string, why: string): Promise<HoldOutcome> {
  return changeInvoice(deps, invoiceId, (current, now) => {
    if (current.closedAt || isSettled(current.status)) return { kind: 'ok', invoice: current };
    if ((current.holds ?? []).some((hold) => hold.reason === 'unmatched_cash' && hold.note?.includes(marker))) {
      return { kind: 'ok', invoice: current };
    }
    const until = new Date(now.getTime() + UNMATCHED_CASH_HOLD_DAYS * 86_400_000).toISOString();
    const note = `Card payment (${marker}) could not be applied: ${why}. Apply it by hand, then release this hold.`;
    return placeManualHold(current, nextHoldId(current, 'HLD'), until, note, now, 'unmatched_cash');
  });
}
