/** The shape of a hold (a pause of dunning) as the invoice carries it; what holds do is in holds.ts. */

/**
 * One model for every pause: a hold has a reason, an optional deadline and a status. While an
 * invoice has an active hold, the planner sends nothing; when the hold ends (released,
 * resolved, expired, kept or broken) dunning resumes, or the invoice closes.
 */
export const HOLD_REASONS = ['dispute', 'promise', 'payment_plan', 'unmatched_cash', 'manual', 'payment_claimed'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export const disputeReasons = ['pricing', 'missing_po', 'short_delivery', 'damaged_goods', 'duplicate_billing', 'other'] as const;

export type DisputeReason = (typeof disputeReasons)[number];

export type DisputeOutcome = 'rejected' | 'credited' | 'upheld';

export interface Hold {
  readonly holdId: string;
  readonly reason: HoldReason;
  readonly status: 'active' | 'released';
  readonly openedAt: string;
  /** When the hold needs a decision (promise check, manual hold end); null: until someone acts. */
  readonly until: string | null;
  readonly note?: string | undefined;
  readonly releasedAt?: string | undefined;
  /** How it ended: released, expired, rejected, credited, upheld, kept, broken. */
  readonly outcome?: string | undefined;
  readonly dispute?: { readonly reasonCode: DisputeReason } | undefined;
  readonly paymentPlan?:
    | {
        readonly installments: readonly Installment[];
        /** Payments recorded when the plan was agreed: what arrives on top of this pays the installments. */
        readonly paidMinorAtStart: number;
      }
    | undefined;
  readonly promise?:
    | {
        readonly promisedDate: string;
        /** The amount promised; the whole balance at the time when absent. */
        readonly amountMinor: number;
        /** Payments recorded when the promise was made: what arrives on top of this counts. */
        readonly paidMinorAtPromise: number;
      }
    | undefined;
}

export interface Installment {
  readonly dueDate: string;
  readonly amountMinor: number;
}
