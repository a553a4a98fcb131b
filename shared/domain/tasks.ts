import { isIsoDate } from './calendar.ts';
import { type DisputeReason, disputeReasons } from './hold-types.ts';
import { activeHolds, makePromise, nextHoldId, openDispute } from './holds.ts';
import { balanceMinor, creditedMinor, type Invoice, isSettled, type TimelineEvent, withEvent } from './invoice.ts';
import { formatAmount, parseAmount } from './money.ts';
import { policyFor } from './policy.ts';
import { daysPastDue, type Tier } from './risk.ts';
import { setStep, skipSuperseded } from './steps.ts';

/**
 * Collector tasks: where automation hands an invoice to a person (a call, an agency referral,
 * a write-off proposal). A task is opened by the workflow, published to the collectors topic,
 * listed on the worklist, and completed with an outcome that feeds back into the invoice's
 * lifecycle (a promise, a dispute, firmer dunning, a write-off).
 */

export type TaskKind = 'call' | 'agency_referral' | 'write_off_proposal';
export type TaskStatus = 'open' | 'completed';

/** Outcomes of a call (and of an agency referral: the agency reports the same things). */
export const callOutcomes = ['promise_obtained', 'dispute_found', 'no_answer', 'paid', 'other'] as const;
/** A write-off proposal is decided by a person. */
export const writeOffOutcomes = ['approved', 'rejected'] as const;
export const taskOutcomes = [...callOutcomes, ...writeOffOutcomes] as const;
export type TaskOutcome = (typeof taskOutcomes)[number];

export function outcomesFor(kind: TaskKind): readonly TaskOutcome[] {
  return kind === 'write_off_proposal' ? writeOffOutcomes : callOutcomes;
}

/** What the collector needs to know about the invoice at a glance; money as decimal strings. */
export interface InvoiceSummary {
  readonly invoiceId: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly status: Invoice['status'];
  readonly currency: string;
  readonly amount: string;
  readonly paid: string;
  readonly credited?: string | undefined;
  readonly balance: string;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly poNumber?: string | undefined;
}

/** What an agency receives: the invoice, how to reach the customer, and everything that happened. */
export interface HandoverPackage {
  readonly preparedAt: string;
  readonly invoice: InvoiceSummary & {
    readonly lines: readonly { description: string; quantity: string; unitPrice: string }[];
    readonly payments: readonly { paymentId: string; amount: string; paidAt: string; method?: string | undefined }[];
    readonly holds: readonly { holdId: string; reason: string; status: string; openedAt: string; outcome?: string | undefined }[];
  };
  readonly contacts: {
    readonly customerId: string;
    readonly name: string;
    readonly email?: string | undefined;
    readonly phone?: string | undefined;
    readonly timeZone: string;
    readonly locale: string;
    readonly segment?: string | undefined;
  };
  /** The invoice's whole timeline, oldest first; `…Minor` amounts as decimal strings without the suffix. */
  readonly timeline: readonly Record<string, unknown>[];
}

export interface CollectorTask {
  /** `TSK.<invoiceId>.<stepKey>`: one task per invoice and step, so opening is idempotent. */
  readonly taskId: string;
  readonly invoiceId: string;
  readonly customerId: string;
  readonly kind: TaskKind;
  /** Why the task was opened: broken_promise, no_response, final_notice, high_value, policy_step... */
  readonly reason: string;
  /** The policy step that opened it. */
  readonly stepKey: string;
  readonly status: TaskStatus;
  readonly openedAt: string;
  /** When the collector should have acted; null: no deadline. */
  readonly dueAt: string | null;
  readonly completedAt?: string | undefined;
  readonly outcome?: TaskOutcome | undefined;
  readonly note?: string | undefined;
  /** The promise or dispute the completion created (or found open). */
  readonly promiseId?: string | undefined;
  readonly disputeId?: string | undefined;
  /** Agency referrals only: the hand-over package, as it was when the task was opened. */
  readonly handover?: HandoverPackage | undefined;
  /**
   * The customer's risk when the task was opened: the worklist's priority, read with the task
   * (the task page shows the risk as it is now). Absent on tasks opened before it was recorded.
   */
  readonly risk?: TaskRisk | undefined;
}

/** A customer's risk score and tier as of a day (`assessedOn`, YYYY-MM-DD in the customer's zone). */
export interface TaskRisk {
  readonly score: number;
  readonly tier: Tier;
  readonly assessedOn: string;
}

/** What the collectors topic carries: the task (with its hand-over package when it fits) and the invoice. */
export interface CollectorMessage {
  readonly type: 'collector_task.opened';
  readonly task: CollectorTask;
  readonly invoice: InvoiceSummary;
  /** False when the hand-over package was left out to fit the topic's message size; read it from the worklist API. */
  readonly handoverIncluded: boolean;
}

export function collectorTaskId(invoiceId: string, stepKey: string): string {
  return `TSK.${invoiceId}.${stepKey}`;
}

export function taskKindFor(reason: string): TaskKind {
  if (reason === 'agency_referral') return 'agency_referral';
  if (reason === 'write_off_proposal') return 'write_off_proposal';
  return 'call';
}

// ---------------------------------------------------------------------------------------
// Views of the invoice a task carries
// ---------------------------------------------------------------------------------------

export function invoiceSummary(invoice: Invoice, now: Date): InvoiceSummary {
  const money = (minor: number) => formatAmount(minor, invoice.currency);
  const credited = creditedMinor(invoice);
  return {
    invoiceId: invoice.invoiceId,
    customerId: invoice.customer.customerId,
    customerName: invoice.customer.name,
    status: invoice.status,
    currency: invoice.currency,
    amount: money(invoice.amountMinor),
    paid: money(invoice.paidMinor),
    ...(credited > 0 ? { credited: money(credited) } : {}),
    balance: money(Math.max(balanceMinor(invoice), 0)),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    daysPastDue: Math.max(daysPastDue(invoice.dueDate, now.toISOString().slice(0, 10)), 0),
    ...(invoice.poNumber ? { poNumber: invoice.poNumber } : {}),
  };
}

/** Timeline amounts are kept in minor units; outside the system they are decimal strings. */
function timelineWithAmounts(events: readonly TimelineEvent[], currency: string): Record<string, unknown>[] {
  return events.map((event) => {
    const view: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) {
      if (key.endsWith('Minor') && typeof value === 'number') view[key.slice(0, -'Minor'.length)] = formatAmount(value, currency);
      else view[key] = value;
    }
    return view;
  });
}

export function handoverPackage(invoice: Invoice, now: Date): HandoverPackage {
  const money = (minor: number) => formatAmount(minor, invoice.currency);
  const { customer } = invoice;
  return {
    preparedAt: now.toISOString(),
    invoice: {
      ...invoiceSummary(invoice, now),
      lines: invoice.lines.map((line) => ({
        description: line.description,
        quantity: line.quantity,
        unitPrice: money(line.unitPriceMinor),
      })),
      payments: Object.values(invoice.payments)
        .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
        .map((payment) => ({
          paymentId: payment.paymentId,
          amount: money(payment.amountMinor),
          paidAt: payment.paidAt,
          ...(payment.method ? { method: payment.method } : {}),
        })),
      holds: (invoice.holds ?? []).map((hold) => ({
        holdId: hold.holdId,
        reason: hold.reason,
        status: hold.status,
        openedAt: hold.openedAt,
        ...(hold.outcome ? { outcome: hold.outcome } : {}),
      })),
    },
    contacts: {
      customerId: customer.customerId,
      name: customer.name,
      ...(customer.email ? { email: customer.email } : {}),
      ...(customer.phone ? { phone: customer.phone } : {}),
      timeZone: customer.timeZone,
      locale: customer.locale,
      ...(customer.segment ? { segment: customer.segment } : {}),
    },
    timeline: timelineWithAmounts(invoice.timeline, invoice.currency),
  };
}

/** A new open task for a step of an invoice (pure). */
export function newCollectorTask(
  invoice: Invoice,
  stepKey: string,
  reason: string,
  now: Date,
  deadlineDays?: number,
  risk?: TaskRisk,
): CollectorTask {
  const kind = taskKindFor(reason);
  const openedAt = now.toISOString();
  return {
    taskId: collectorTaskId(invoice.invoiceId, stepKey),
    invoiceId: invoice.invoiceId,
    customerId: invoice.customer.customerId,
    kind,
    reason,
    stepKey,
    status: 'open',
    openedAt,
    dueAt: deadlineDays !== undefined ? new Date(now.getTime() + deadlineDays * 86_400_000).toISOString() : null,
    ...(kind === 'agency_referral' ? { handover: handoverPackage(invoice, now) } : {}),
    ...(risk ? { risk } : {}),
  };
}

/** SNS takes at most 256 KiB per message (attributes included); this leaves room for them. */
export const MAX_COLLECTOR_MESSAGE_BYTES = 240 * 1024;

/** The topic message for a task; a hand-over package too large for one message is left out (the worklist has it). */
export function collectorMessage(
  task: CollectorTask,
  invoice: Invoice,
  now: Date,
  maxBytes = MAX_COLLECTOR_MESSAGE_BYTES,
): CollectorMessage {
  const full: CollectorMessage = { type: 'collector_task.opened', task, invoice: invoiceSummary(invoice, now), handoverIncluded: true };
  if (!task.handover || new TextEncoder().encode(JSON.stringify(full)).length <= maxBytes) return full;
  const { handover: _left, ...withoutHandover } = task;
  return { ...full, task: withoutHandover, handoverIncluded: false };
}

// ---------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------

/**
 * Opens the collector task of one step, idempotently. Three writes in a fixed order, each safe
 * to repeat, so a retry after a crash at any point converges:
 *   1. the task (a conditional create: a retry finds the task an earlier attempt created);
 *   2. the collectors topic: published whenever the task is still open and the invoice does not
 *      record the step yet, so a retry after a crash between 1 and 3 publishes again. That is
 *      at-least-once delivery by design: subscribers dedupe on taskId. (Not publishing on retry
 *      could lose the message for good if the crash came before the publish.)
 *   3. the invoice: `steps[stepKey]` = sent (the step's completion mark) and `task.opened` on the
 *      timeline. A retry that finds the step recorded does nothing at all.
 */
function escalated(invoice: Invoice, at: string): Pick<Invoice, 'escalatedAt' | 'status'> {
  const status = invoice.status === 'open' ? 'escalated' : invoice.status;
  return { escalatedAt: invoice.escalatedAt ?? at, status };
}

/**
 * What opening a task does to the invoice (pure): earlier hand-overs of the cadence never opened
 * are passed over (the invoice starts at its present), the step is recorded with the task, an
 * agency referral escalates the invoice (a hold still wins while active), and `task.opened`.
 */
export function recordTaskOpened(invoice: Invoice, task: CollectorTask, at: string, messageId?: string): Invoice {
  const stepKey = task.stepKey;
  const passedOver = skipSuperseded(invoice, policyFor(invoice), stepKey, at);
  const recorded: Invoice = {
    ...setStep(passedOver, stepKey, { state: 'sent', at, detail: task.taskId, ...(messageId ? { messageId } : {}) }),
    ...(task.kind === 'agency_referral' ? escalated(invoice, at) : {}),
  };
  return withEvent(recorded, {
    at,
    type: 'task.opened',
    taskId: task.taskId,
    stepId: stepKey,
    reason: task.reason,
    kind: task.kind,
    ...(task.dueAt ? { dueAt: task.dueAt } : {}),
  });
}

export interface TaskCompletion {
  readonly outcome: TaskOutcome;
  readonly note?: string | undefined;
  /** promise_obtained: the date the customer promised to pay by (YYYY-MM-DD). */
  readonly promisedDate?: string | undefined;
  /** promise_obtained: the amount promised, a decimal string in the invoice's currency; the whole balance when absent. */
  readonly amount?: string | undefined;
  /** dispute_found: the reason code. */
  readonly disputeReason?: string | undefined;
}

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** The fields each outcome needs or allows, checked before anything is written. */
export function completionProblems(kind: TaskKind, completion: TaskCompletion): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const allowed = outcomesFor(kind);
  if (!allowed.includes(completion.outcome)) {
    problems.push({ path: 'outcome', message: `must be one of ${allowed.join(', ')} for a ${kind} task` });
  }
  const { outcome } = completion;
  if (outcome === 'promise_obtained') {
    if (completion.promisedDate === undefined) problems.push({ path: 'promisedDate', message: 'is required for promise_obtained' });
    else if (!isIsoDate(completion.promisedDate))
      problems.push({ path: 'promisedDate', message: 'must be a calendar date in YYYY-MM-DD form' });
  } else {
    if (completion.promisedDate !== undefined) problems.push({ path: 'promisedDate', message: 'only applies to promise_obtained' });
    if (completion.amount !== undefined) problems.push({ path: 'amount', message: 'only applies to promise_obtained' });
  }
  if (outcome === 'dispute_found') {
    if (completion.disputeReason === undefined) {
      problems.push({ path: 'disputeReason', message: `is required for dispute_found: one of ${disputeReasons.join(', ')}` });
    } else if (!(disputeReasons as readonly string[]).includes(completion.disputeReason)) {
      problems.push({ path: 'disputeReason', message: `must be one of ${disputeReasons.join(', ')}` });
    }
  } else if (completion.disputeReason !== undefined) {
    problems.push({ path: 'disputeReason', message: 'only applies to dispute_found' });
  }
  return problems;
}

type Effect =
  | { kind: 'ok'; invoice: Invoice; refs: { promiseId?: string; disputeId?: string } }
  | { kind: 'conflict'; reason: string }
  | { kind: 'invalid'; path: string; message: string };

/** What an outcome does to the invoice (pure); `task.completed` is appended by the caller. */
export function applyOutcome(invoice: Invoice, task: CollectorTask, completion: TaskCompletion, now: Date): Effect {
  switch (completion.outcome) {
    case 'promise_obtained': {
      let amountMinor: number | undefined;
      if (completion.amount !== undefined) {
        const parsed = parseAmount(completion.amount, invoice.currency);
        if (!parsed.ok) return { kind: 'invalid', path: 'amount', message: parsed.message };
        amountMinor = parsed.minor;
      }
      const promiseId = nextHoldId(invoice, 'PRM');
      const made = makePromise(invoice, promiseId, completion.promisedDate ?? '', amountMinor, now, policyFor(invoice).holdRules);
      return made.kind === 'ok' ? { kind: 'ok', invoice: made.invoice, refs: { promiseId } } : made;
    }
    case 'dispute_found': {
      // The customer disputes an invoice that already has an open dispute: point at that one.
      const open = activeHolds(invoice).find((hold) => hold.reason === 'dispute');
      if (open) return { kind: 'ok', invoice, refs: { disputeId: open.holdId } };
      const disputeId = nextHoldId(invoice, 'DSP');
      const opened = openDispute(invoice, disputeId, completion.disputeReason as DisputeReason, completion.note, now);
      return opened.kind === 'ok' ? { kind: 'ok', invoice: opened.invoice, refs: { disputeId } } : opened;
    }
    case 'no_answer':
      // Later messages are one step firmer (the planner and the message tone read `escalation`).
      return { kind: 'ok', invoice: { ...invoice, escalation: (invoice.escalation ?? 0) + 1 }, refs: {} };
    case 'approved':
      return writeOff(invoice, task, now);
    // paid: the money itself arrives through the payments API; other, rejected: dunning goes on.
    case 'paid':
    case 'other':
    case 'rejected':
      return { kind: 'ok', invoice, refs: {} };
  }
}

/** An approved write-off proposal: the balance is written off and the workflow closes the invoice. */
function writeOff(invoice: Invoice, task: CollectorTask, now: Date): Effect {
  if (invoice.status === 'written_off') return { kind: 'ok', invoice, refs: {} };
  if (isSettled(invoice.status)) return { kind: 'conflict', reason: `the invoice is ${invoice.status}` };
  const balance = balanceMinor(invoice);
  if (balance <= 0) return { kind: 'conflict', reason: 'nothing is owed, so there is nothing to write off' };
  const at = now.toISOString();
  // Holds end with the debt: nothing is left to pause for.
  const holds = (invoice.holds ?? []).map((hold) =>
    hold.status === 'active' ? { ...hold, status: 'released' as const, releasedAt: at, outcome: 'written_off' } : hold,
  );
  return {
    kind: 'ok',
    invoice: withEvent(
      { ...invoice, holds, status: 'written_off' },
      { at, type: 'invoice.written_off', taskId: task.taskId, balanceMinor: balance },
    ),
    refs: {},
  };
}

// ---------------------------------------------------------------------------------------
// The worklist
// ---------------------------------------------------------------------------------------
