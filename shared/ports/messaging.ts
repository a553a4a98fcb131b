/** Detail types that must wake a sleeping invoice execution so it re-plans at once (contracts/events.ts puts them on the bus). */
export const SignalDetailType = {
  paymentReceived: 'payment.received',
  invoiceUpdated: 'invoice.updated',
  /** Holds, disputes, promises, credit notes, void: anything that changes what to do next. */
  invoiceChanged: 'invoice.changed',
} as const;
export type SignalDetailType = (typeof SignalDetailType)[keyof typeof SignalDetailType];

export interface SignalDetail {
  readonly invoiceId: string;
  /** The invoice version the event was produced at; lets a consumer ignore stale signals. */
  readonly version: number;
}

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
