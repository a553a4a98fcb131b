import type { Cadence, CadenceStep } from './cadence.ts';
import { addDays, zonedInstant } from './calendar.ts';
import { activeHolds } from './holds.ts';
import { balanceMinor, type Invoice, isSettled } from './invoice.ts';

/**
 * What the workflow should do next for an invoice. The planner is pure: the same invoice,
 * cadence and clock always give the same action, so a restarted execution picks up exactly
 * where the last one left off.
 */
export type PlannedAction =
  | { readonly type: 'send_email'; readonly stepId: string; readonly dueAt: string }
  | {
      readonly type: 'sleep';
      /** When to plan again; null means "until a signal" (nothing left to send, or an open-ended hold). */
      readonly until: string | null;
      readonly nextStepId: string | null;
      /** Why nothing is sent meanwhile, when it is not just waiting for the next step. */
      readonly pausedBy?: 'hold' | 'grace' | undefined;
    }
  | { readonly type: 'close'; readonly reason: CloseReason };

export type CloseReason = 'paid' | 'void' | 'written_off' | 'nothing_due';

/** A step is given up after this many failed send attempts (each already retried by the workflow). */
export const MAX_STEP_FAILURES = 3;

export interface ScheduledStep {
  readonly step: CadenceStep;
  readonly dueAt: Date;
}

/** The cadence laid out on the calendar for this invoice's due date and customer time zone. */
export function scheduleSteps(invoice: Pick<Invoice, 'dueDate' | 'customer'>, cadence: Cadence): ScheduledStep[] {
  return cadence.steps
    .map((step) => ({
      step,
      dueAt: zonedInstant(addDays(invoice.dueDate, step.offsetDays), cadence.sendAt, invoice.customer.timeZone),
    }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** True when a step has been dealt with and must never be attempted again. */
export function stepSettled(invoice: Invoice, stepId: string): boolean {
  const record = invoice.steps[stepId];
  if (!record) return false;
  if (record.state === 'failed') return (record.failures ?? 0) >= MAX_STEP_FAILURES;
  return true;
}

export function planNextAction(invoice: Invoice, cadence: Cadence, now: Date): PlannedAction {
  if (isSettled(invoice.status)) {
    return { type: 'close', reason: invoice.status as Exclude<CloseReason, 'nothing_due'> };
  }
  if (balanceMinor(invoice) <= 0) return { type: 'close', reason: 'nothing_due' };

  // On hold: nothing leaves until the earliest hold deadline (or a signal, for open-ended holds).
  const holds = activeHolds(invoice);
  if (holds.length > 0) {
    // Wake at the earliest deadline to review that hold, even if another one is open-ended.
    const deadlines = holds.map((hold) => hold.until).filter((until): until is string => until !== null);
    const until = deadlines.sort()[0] ?? null;
    return { type: 'sleep', until, nextStepId: null, pausedBy: 'hold' };
  }
  if (invoice.pausedUntil && Date.parse(invoice.pausedUntil) > now.getTime()) {
    return { type: 'sleep', until: invoice.pausedUntil, nextStepId: null, pausedBy: 'grace' };
  }

  const schedule = scheduleSteps(invoice, cadence);
  // Of the steps already due, only the latest is sent: an invoice that arrives late, or a
  // pipeline that was down, never fires a burst of stale reminders.
  const due = schedule.filter((entry) => entry.dueAt.getTime() <= now.getTime());
  const latestDue = due.at(-1);
  const laterSettled = (index: number) => schedule.slice(index + 1).some((entry) => invoice.steps[entry.step.stepId]);
  if (latestDue && !stepSettled(invoice, latestDue.step.stepId) && !laterSettled(due.length - 1)) {
    return { type: 'send_email', stepId: latestDue.step.stepId, dueAt: latestDue.dueAt.toISOString() };
  }
  const next = schedule.find((entry) => entry.dueAt.getTime() > now.getTime() && !invoice.steps[entry.step.stepId]);
  if (next) return { type: 'sleep', until: next.dueAt.toISOString(), nextStepId: next.step.stepId };
  return { type: 'sleep', until: null, nextStepId: null };
}

/** The step ids that a send of `stepId` supersedes: earlier steps never attempted. */
export function supersededSteps(invoice: Invoice, cadence: Cadence, stepId: string): string[] {
  const schedule = scheduleSteps(invoice, cadence);
  const index = schedule.findIndex((entry) => entry.step.stepId === stepId);
  return schedule
    .slice(0, Math.max(index, 0))
    .map((entry) => entry.step.stepId)
    .filter((id) => !invoice.steps[id]);
}
