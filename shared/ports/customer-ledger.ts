/** A customer-facing message counted against the customer's frequency cap. */
export interface LedgerEntry {
  readonly at: string;
  readonly invoiceId: string;
  readonly stepId: string;
  readonly entryId: string;
}

export interface LedgerSnapshot {
  readonly entries: readonly LedgerEntry[];
  readonly version: number;
}

/**
 * Recent customer-facing messages per customer, across all their invoices: what the frequency
 * cap is checked against. A send reserves its entry before the message leaves.
 */
export interface CustomerLedger {
  read(customerId: string): Promise<LedgerSnapshot>;
  /** Appends the entry if the ledger is still at `expectedVersion`; false when someone got in first. */
  reserve(customerId: string, entry: LedgerEntry, expectedVersion: number, keepSince: Date): Promise<boolean>;
  /** Removes a reservation whose message did not leave. */
  release(customerId: string, entryId: string): Promise<void>;
}
