import type { Hold } from './hold-types.ts';
import { formatAmount, MAX_AMOUNT_MINOR } from './money.ts';
import { builtInPolicy, defaultPolicyRef, type Policy, type PolicyRef } from './policy.ts';
import type { Tier } from './risk.ts';

export type InvoiceStatus = 'open' | 'on_hold' | 'paid' | 'void' | 'written_off' | 'escalated';

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  /** Where letters go: the lines of the postal address as printed on an envelope. */
  readonly postalAddress?: string | undefined;
  readonly timeZone: string;
  readonly locale: string;
  readonly segment?: string | undefined;
  /** ISO 3166-1 alpha-2 ("DE"): whose public holidays are no send days. Absent: the country of timeZone (holidays.ts). */
  readonly country?: string | undefined;
  /** The part after the dash of an ISO 3166-2 code ("BY" for DE-BY): its own holidays too. Only with country. */
  readonly subdivision?: string | undefined;
}

export interface InvoiceLine {
  readonly description: string;
  readonly quantity: string;
  readonly unitPriceMinor: number;
}

export interface Payment {
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly paidAt: string;
  readonly method?: string | undefined;
  readonly recordedAt: string;
}

/**
 * What happened to one cadence step. `claimed` is written just before the provider call;
 * a claim found by a later attempt means the outcome is unknown, and the step is never
 * sent again (it becomes `unconfirmed`): a possible miss is preferred to a duplicate.
 */
export type StepOutcome = 'claimed' | 'sent' | 'unconfirmed' | 'skipped' | 'failed';

export interface StepRecord {
  readonly state: StepOutcome;
  readonly at: string;
  readonly claimId?: string | undefined;
  /** Set when another invoice's send claimed this step to include it in one combined message. */
  readonly claimedBy?: string | undefined;
  readonly messageId?: string | undefined;
  readonly failures?: number | undefined;
  readonly detail?: string | undefined;
}

export interface TimelineEvent {
  readonly at: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The parked execution of an invoice: its task token and the timer that will resume it. */
export interface WaitState {
  readonly sleepId: string;
  readonly taskToken: string;
  readonly until: string | null;
  readonly scheduleName: string | null;
}

export interface ExecutionRef {
  readonly name: string;
  readonly generation: number;
  readonly arn?: string | undefined;
  readonly startedAt: string;
}

export interface Invoice {
  readonly invoiceId: string;
  /** Credit notes applied, by id (minor units); they lower the balance like payments. */
  readonly creditNotes?: Readonly<Record<string, CreditNote>> | undefined;
  /** Holds, active and past (see holds.ts); absent on invoices stored before holds existed. */
  readonly holds?: readonly Hold[] | undefined;
  /** Dunning stays paused until this instant (e.g. the grace period after a rejected dispute). */
  readonly pausedUntil?: string | undefined;
  /** When the invoice was handed to a collection agency: its status is `escalated` from then on. */
  readonly escalatedAt?: string | undefined;
  /** Extra firmness after broken promises: raises the dunning tier (capped at 4). */
  readonly escalation?: number | undefined;
  readonly customer: Customer;
  readonly currency: string;
  readonly amountMinor: number;
  readonly paidMinor: number;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly poNumber?: string | undefined;
  readonly lines: readonly InvoiceLine[];
  readonly status: InvoiceStatus;
  /** The policy version this invoice follows for its whole life (unless explicitly re-planned). */
  readonly policy: PolicyRef;
  /** The policy version itself, copied when the invoice arrived: later edits never reach it. */
  readonly policySnapshot?: Policy | undefined;
  /** The dunning tier the customer's risk put the invoice in when it arrived. */
  readonly startingTier?: Tier | undefined;
  readonly payments: Readonly<Record<string, Payment>>;
  readonly steps: Readonly<Record<string, StepRecord>>;
  readonly timeline: readonly TimelineEvent[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic-concurrency version: every write is conditional on the version it read. */
  readonly version: number;
  readonly closedAt?: string | undefined;
  readonly wait?: WaitState | undefined;
  readonly execution?: ExecutionRef | undefined;
}

export interface CreditNote {
  readonly creditNoteId: string;
  readonly amountMinor: number;
  readonly reason: string;
  readonly appliedAt: string;
}

/** The credit notes applied, in minor units: at most MAX_AMOUNT_MINOR by the invariant at `balanceMinor`. */
export function creditedMinor(invoice: Pick<Invoice, 'creditNotes'>): number {
  return Object.values(invoice.creditNotes ?? {}).reduce((sum, note) => sum + note.amountMinor, 0);
}

function isBuiltInRef(ref: PolicyRef): boolean {
  return builtInPolicy(ref) !== undefined;
}

/**
 * What the customer still owes: amount less payments and credit notes (negative when overpaid).
 *
 * Invariant: payments plus credit notes never exceed MAX_AMOUNT_MINOR (2^53 − 1). A payment that
 * would pass it is refused (`recordPayment`); a credit note never exceeds the balance (holds.ts),
 * so it keeps paid + credited within the amount. With the amount at most MAX_AMOUNT_MINOR too,
 * every balance lies in [−MAX, MAX] and number arithmetic on one invoice is exact. Sums across
 * invoices are not bounded: they are BigInt (`sumMinor` in money.ts).
 */
export function balanceMinor(invoice: Pick<Invoice, 'amountMinor' | 'paidMinor' | 'creditNotes'>): number {
  return invoice.amountMinor - invoice.paidMinor - creditedMinor(invoice);
}

/**
 * Why adding `addedMinor` to the money received (payments and credit notes) would break the
 * invariant at `balanceMinor`, or undefined when it keeps it. Decided in BigInt, exactly.
 */
export function receivedBoundProblem(
  invoice: Pick<Invoice, 'paidMinor' | 'creditNotes' | 'currency'>,
  addedMinor: number,
): string | undefined {
  const received = BigInt(invoice.paidMinor) + BigInt(creditedMinor(invoice));
  if (received + BigInt(addedMinor) <= BigInt(MAX_AMOUNT_MINOR)) return undefined;
  const room = BigInt(MAX_AMOUNT_MINOR) - received;
  const money = (minor: number | bigint) => `${formatAmount(minor, invoice.currency)} ${invoice.currency}`;
  return (
    `${money(addedMinor)} would bring payments and credit notes on this invoice above ${money(MAX_AMOUNT_MINOR)}: ` +
    `at most ${money(room > 0n ? room : 0n)} more can be recorded`
  );
}

/** Statuses in which the lifecycle is over and nothing may be sent but the closing message. */
export function isSettled(status: InvoiceStatus): boolean {
  return status === 'paid' || status === 'void' || status === 'written_off';
}

/** True once any reminder has gone out (or may have): from then on, billing terms are frozen. */
export function dunningStarted(invoice: Invoice): boolean {
  return Object.values(invoice.steps).some((step) => step.state === 'sent' || step.state === 'claimed' || step.state === 'unconfirmed');
}

export function withEvent(invoice: Invoice, event: TimelineEvent): Invoice {
  return { ...invoice, timeline: [...invoice.timeline, event], updatedAt: event.at };
}

// ---------------------------------------------------------------------------------------
// Upsert from the ERP
// ---------------------------------------------------------------------------------------

export interface InvoiceInput {
  readonly invoiceId: string;
  readonly customer: Customer;
  readonly currency: string;
  readonly amountMinor: number;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly poNumber?: string | undefined;
  readonly lines: readonly InvoiceLine[];
}

/** Fields (named as in the API) that may not change once dunning has started or money has moved. */
const billingTerms = ['currency', 'amount', 'issueDate', 'dueDate', 'customer.customerId'];

export type UpsertOutcome =
  | { kind: 'created'; invoice: Invoice }
  | { kind: 'unchanged'; invoice: Invoice }
  | { kind: 'updated'; invoice: Invoice; changed: string[] }
  | { kind: 'conflict'; invoice: Invoice; fields: string[]; reason: string };

export function upsertInvoice(
  existing: Invoice | undefined,
  input: InvoiceInput,
  now: Date,
  policy: PolicyRef | Policy = defaultPolicyRef,
  startingTier: Tier = 1,
): UpsertOutcome {
  const policyRef: PolicyRef = { policyId: policy.policyId, version: policy.version };
  const snapshot = 'tiers' in policy && !isBuiltInRef(policyRef) ? { policySnapshot: policy } : {};
  const at = now.toISOString();
  if (!existing) {
    const invoice: Invoice = {
      ...stripUndefined(input),
      paidMinor: 0,
      status: 'open',
      policy: policyRef,
      ...snapshot,
      startingTier,
      payments: {},
      steps: {},
      timeline: [],
      createdAt: at,
      updatedAt: at,
      version: 0,
    };
    return {
      kind: 'created',
      invoice: withEvent(invoice, {
        at,
        type: 'invoice.received',
        policyId: policyRef.policyId,
        policyVersion: policyRef.version,
        startingTier,
        customer: customerTerms(invoice.customer),
      }),
    };
  }

  const changed = changedFields(existing, input);
  if (changed.length === 0) return { kind: 'unchanged', invoice: existing };

  if (isSettled(existing.status)) {
    return { kind: 'conflict', invoice: existing, fields: changed, reason: `the invoice is ${existing.status}` };
  }
  const frozen = changed.filter((field) => billingTerms.includes(field));
  const moneyMoved = existing.paidMinor !== 0;
  if (frozen.length > 0 && (dunningStarted(existing) || moneyMoved)) {
    return {
      kind: 'conflict',
      invoice: existing,
      fields: frozen,
      reason: dunningStarted(existing) ? 'dunning has started' : 'payments have been recorded',
    };
  }
  // Spread first, then strip: a field the ERP removed (poNumber) is removed here too.
  const next: Invoice = stripUndefined({ ...existing, ...input });
  const customerChanged = changed.some((field) => field.startsWith('customer.'));
  return {
    kind: 'updated',
    invoice: withEvent(next, {
      at,
      type: 'invoice.updated',
      fields: changed,
      ...(customerChanged ? { customer: customerTerms(next.customer) } : {}),
    }),
    changed,
  };
}

/**
 * What the planner weighs of a customer, without their name or addresses (only whether there is
 * one): recorded on `invoice.received` (and `invoice.updated` when it changes) so that the lake
 * holds what a replay of the invoice needs (the simulator's `--history`).
 */
export interface CustomerTerms {
  readonly customerId: string;
  readonly timeZone: string;
  readonly locale: string;
  readonly segment?: string | undefined;
  readonly country?: string | undefined;
  readonly subdivision?: string | undefined;
  readonly hasEmail: boolean;
  readonly hasPhone: boolean;
  readonly hasPostalAddress?: boolean | undefined;
}

export function customerTerms(customer: Customer): CustomerTerms {
  const { customerId, timeZone, locale, segment, country, subdivision } = customer;
  return stripUndefined({
    customerId,
    timeZone,
    locale,
    segment,
    country,
    subdivision,
    hasEmail: Boolean(customer.email),
    hasPhone: Boolean(customer.phone),
    ...(customer.postalAddress ? { hasPostalAddress: true } : {}),
  });
}

/** The fields that differ, named as in the API. */
function changedFields(existing: Invoice, input: InvoiceInput): string[] {
  const changed: string[] = [];
  if (existing.amountMinor !== input.amountMinor) changed.push('amount');
  for (const field of ['currency', 'issueDate', 'dueDate', 'poNumber'] as const) {
    if (existing[field] !== input[field]) changed.push(field);
  }
  if (!sameLines(existing.lines, input.lines)) changed.push('lines');
  const customerFields = [
    'customerId',
    'name',
    'email',
    'phone',
    'postalAddress',
    'timeZone',
    'locale',
    'segment',
    'country',
    'subdivision',
  ] as const;
  for (const field of customerFields) {
    if (existing.customer[field] !== input.customer[field]) changed.push(`customer.${field}`);
  }
  return changed;
}

/** Field by field: a stored map's key order is not preserved by DynamoDB. */
function sameLines(a: readonly InvoiceLine[], b: readonly InvoiceLine[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (line, index) =>
        line.description === b[index]?.description &&
        line.quantity === b[index]?.quantity &&
        line.unitPriceMinor === b[index]?.unitPriceMinor,
    )
  );
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------

export interface PaymentInput {
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly paidAt: string;
  readonly method?: string | undefined;
}

export type PaymentOutcome =
  | { kind: 'recorded'; invoice: Invoice; payment: Payment }
  | { kind: 'duplicate'; invoice: Invoice; payment: Payment }
  | { kind: 'conflict'; invoice: Invoice; reason: string }
  /** The payment would break the invariant at `balanceMinor`; nothing is recorded. `path` names the request field. */
  | { kind: 'invalid'; invoice: Invoice; path: 'amount'; message: string };

export function recordPayment(invoice: Invoice, input: PaymentInput, now: Date): PaymentOutcome {
  const previous = invoice.payments[input.paymentId];
  if (previous) {
    const same = previous.amountMinor === input.amountMinor && previous.paidAt === input.paidAt;
    return same
      ? { kind: 'duplicate', invoice, payment: previous }
      : { kind: 'conflict', invoice, reason: `payment ${input.paymentId} was already recorded with a different amount or date` };
  }
  if (invoice.status === 'void' || invoice.status === 'written_off') {
    return { kind: 'conflict', invoice, reason: `the invoice is ${invoice.status}` };
  }
  // Overpayments are accepted, but only as far as the invariant at balanceMinor allows.
  const tooLarge = receivedBoundProblem(invoice, input.amountMinor);
  if (tooLarge) return { kind: 'invalid', invoice, path: 'amount', message: tooLarge };
  const at = now.toISOString();
  const payment: Payment = { ...stripUndefined(input), recordedAt: at };
  const paidMinor = invoice.paidMinor + input.amountMinor;
  const balance = balanceMinor({ ...invoice, paidMinor });
  const status: InvoiceStatus = balance <= 0 ? 'paid' : invoice.status;
  let next: Invoice = {
    ...invoice,
    paidMinor,
    status,
    payments: { ...invoice.payments, [input.paymentId]: payment },
  };
  next = withEvent(next, {
    at,
    type: 'payment.received',
    paymentId: input.paymentId,
    amountMinor: input.amountMinor,
    paidAt: input.paidAt,
    balanceMinor: balance,
    ...(balance < 0 ? { overpaidMinor: -balance } : {}),
  });
  if (status === 'paid' && invoice.status !== 'paid') next = withEvent(next, { at, type: 'invoice.paid' });
  return { kind: 'recorded', invoice: next, payment };
}
