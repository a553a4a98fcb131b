import { localDate } from '#domain/holds.ts';
import { type Invoice, type InvoiceInput, type UpsertOutcome, upsertInvoice } from '#domain/invoice.ts';
import { defaultPolicyRef, type Policy } from '#domain/policy.ts';
import type { Tier } from '#domain/risk.ts';
import type { CustomerDirectory } from '#ports/customer-directory.ts';
import type { DunningStarts } from '#ports/messaging.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { retryOnFreshRead } from './concurrent-writes.ts';
import { signal, type WriteDeps } from './invoice-writes.ts';

/** An invoice from the ERP: it is written, linked to its customer, and its dunning is started (or signalled). */
export interface IngestDeps extends WriteDeps {
  /** Needed to pin a new invoice's policy version; collections actions do without. */
  readonly policies?: PolicyStore | undefined;
  /** The customer's profile and risk: their policy and starting tier for a new invoice. */
  readonly customers?: CustomerDirectory | undefined;
  readonly starts: DunningStarts;
}

export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
}

export async function ingestInvoice(deps: IngestDeps, input: InvoiceInput, ownPolicyId?: string): Promise<UpsertOutcome> {
  const customerId = input.customer.customerId;
  // Two creates of one id race too: the loser's create is stale, and its fresh read finds the
  // winner's invoice (unchanged, an update, or a conflict).
  return retryOnFreshRead(`Invoice ${input.invoiceId}`, async (): Promise<UpsertOutcome> => {
    const existing = await deps.store.get(input.invoiceId);
    const now = deps.clock.now();
    // A new invoice takes its policy's latest version for good: its own policy, else its
    // customer's, else the default; and starts in the tier its customer's risk says.
    let policy: Policy | undefined;
    let startingTier: Tier = 1;
    if (!existing) {
      const policyId = ownPolicyId ?? (await deps.customers?.policyId(customerId)) ?? defaultPolicyRef.policyId;
      policy = await deps.policies?.get(policyId);
      if (!policy) throw new UnknownPolicyError(`Policy ${policyId} does not exist`);
      startingTier = (await deps.customers?.startingTier(customerId, localDate(now, input.customer.timeZone))) ?? 1;
    }
    const outcome = upsertInvoice(existing, input, now, policy, startingTier);
    if (outcome.kind === 'created') {
      const invoice = await deps.store.create(outcome.invoice);
      await linkToCustomer(deps, invoice);
      await requestStart(deps, invoice.invoiceId);
      return { ...outcome, invoice };
    }
    if (outcome.kind === 'updated') {
      const invoice = await deps.store.save(outcome.invoice);
      await linkToCustomer(deps, invoice);
      await signal(deps, 'invoice.updated', invoice);
      return { ...outcome, invoice };
    }
    // An identical re-send repairs what may have been lost: the customer link and the start.
    if (outcome.kind === 'unchanged') {
      await linkToCustomer(deps, outcome.invoice);
      if (!outcome.invoice.execution) await requestStart(deps, input.invoiceId);
    }
    return outcome;
  });
}

/** Best effort: an accepted invoice never fails on its customer link (a re-send repairs it). */
async function linkToCustomer(deps: IngestDeps, invoice: Invoice): Promise<void> {
  try {
    await deps.customers?.invoiceCreated(invoice);
  } catch (error) {
    deps.log.error('customer link failed; risk will not see this invoice until it is re-sent', {
      invoiceId: invoice.invoiceId,
      error: String(error),
    });
  }
}

/**
 * Buffer and bus failures must not fail an accepted write: the invoice is safe in the table,
 * send-time re-checks keep a paid invoice from being reminded, and the reconciler restarts
 * anything whose start was lost. They are logged for the engineer on call.
 */
async function requestStart(deps: IngestDeps, invoiceId: string): Promise<void> {
  try {
    await deps.starts.request(invoiceId);
  } catch (error) {
    deps.log.error('start request failed; the reconciler will start this invoice', { invoiceId, error: String(error) });
  }
}
