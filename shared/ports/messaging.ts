import type { SignalDetail, SignalDetailType } from '#contracts/events.ts';

/** The buffer in front of execution starts. */
export interface DunningStarts {
  request(invoiceId: string): Promise<void>;
}

/** Start requests in bulk, for the reconciler. */
export interface DunningStartBatches {
  /**
   * Requests a start for each of the invoices (at most RECONCILE_REQUEST_BATCH) in one call;
   * returns the ids the buffer did not take. Throws when the call itself failed (none taken).
   */
  requestBatch(invoiceIds: readonly string[]): Promise<readonly string[]>;
}

export interface DomainEvents {
  publish(detailType: SignalDetailType, detail: SignalDetail): Promise<void>;
}
