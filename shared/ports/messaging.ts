import type { SignalDetail, SignalDetailType } from '#contracts/events.ts';

/** The buffer in front of execution starts. */
export interface DunningStarts {
  request(invoiceId: string): Promise<void>;
}

export interface DomainEvents {
  publish(detailType: SignalDetailType, detail: SignalDetail): Promise<void>;
}
