import type { HoldOutcome } from '#domain/holds.ts';
import { withEvent } from '#domain/invoice.ts';
import type { IngestDeps } from './ingest-invoice.ts';
import { changeInvoice, InvoiceNotFoundError } from './invoice-writes.ts';

/**
 * Explicit re-plan: the invoice moves to the latest version of a policy (its own by default).
 * Steps already done stay done; the planner lays out the new version from now on.
 */
export async function replanInvoice(deps: IngestDeps, invoiceId: string, policyId?: string): Promise<HoldOutcome> {
  const current = await deps.store.get(invoiceId);
  if (!current) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
  const wanted = policyId ?? current.policy.policyId;
  const policy = await deps.policies?.get(wanted);
  if (!policy) return { kind: 'invalid', path: 'policyId', message: 'is not a known policy' };
  return changeInvoice(deps, invoiceId, (invoice, now) => {
    if (invoice.closedAt) return { kind: 'conflict', reason: 'the invoice is closed' };
    const at = now.toISOString();
    const from = invoice.policy;
    const next = { ...invoice, policy: { policyId: policy.policyId, version: policy.version }, policySnapshot: policy };
    return {
      kind: 'ok',
      invoice: withEvent(next, {
        at,
        type: 'policy.replanned',
        from: `${from.policyId}@${from.version}`,
        to: `${policy.policyId}@${policy.version}`,
      }),
    };
  });
}
