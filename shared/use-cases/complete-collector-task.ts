import type { HoldOutcome } from '#domain/holds.ts';
import { type Invoice, type TimelineEvent, withEvent } from '#domain/invoice.ts';
import {
  applyOutcome,
  type CollectorTask,
  completionProblems,
  type FieldProblem,
  type TaskCompletion,
  type TaskOutcome,
} from '#domain/tasks.ts';
import type { Clock } from '#ports/clock.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import type { DomainEvents } from '#ports/messaging.ts';
import type { TaskStore } from '#ports/task-store.ts';
import { changeInvoice } from './invoice-writes.ts';

/** A collector's outcome on a task, fed back into the invoice's lifecycle (applyOutcome) and signalled. */

export class TaskNotFoundError extends Error {
  override readonly name = 'TaskNotFoundError';
}

export interface CompleteTaskDeps {
  readonly store: InvoiceStore;
  readonly tasks: TaskStore;
  readonly clock: Clock;
  readonly events: DomainEvents;
  readonly log: Logger;
}

export type CompletionOutcome =
  | { readonly kind: 'completed'; readonly task: CollectorTask; readonly invoice: Invoice }
  /** Completed before with the same outcome: nothing changed. */
  | { readonly kind: 'unchanged'; readonly task: CollectorTask }
  | { readonly kind: 'conflict'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly errors: readonly FieldProblem[] };

/**
 * Completes a task with an outcome and feeds it back into the invoice's lifecycle. The invoice
 * write is the commit point: one conditional write applies the outcome's effect and appends
 * `task.completed`, then the execution is signalled (changeInvoice does both). The task record
 * is completed after it; a retry after a crash in between finds `task.completed` on the
 * timeline, changes nothing on the invoice, and completes the task record. A second completion
 * with the same outcome is a no-op; with another, a conflict (also when two race).
 */
export async function completeCollectorTask(
  deps: CompleteTaskDeps,
  taskId: string,
  completion: TaskCompletion,
): Promise<CompletionOutcome> {
  const task = await deps.tasks.get(taskId);
  if (!task) throw new TaskNotFoundError(`Task ${taskId} does not exist`);
  if (task.status === 'completed') return sameOutcome(task, completion.outcome);
  const problems = completionProblems(task.kind, completion);
  if (problems.length > 0) return { kind: 'invalid', errors: problems };

  let completedAt = '';
  let refs: { promiseId?: string; disputeId?: string } = {};
  const changed = await changeInvoice(deps, task.invoiceId, (invoice, now): HoldOutcome => {
    const earlier = invoice.timeline.find((event) => event.type === 'task.completed' && event.taskId === taskId);
    if (earlier) {
      // An earlier attempt committed this completion and stopped before the task record.
      if (earlier.outcome !== completion.outcome)
        return { kind: 'conflict', reason: `task ${taskId} was already completed as ${String(earlier.outcome)}` };
      completedAt = earlier.at;
      refs = pickRefs(earlier);
      return { kind: 'ok', invoice };
    }
    completedAt = now.toISOString();
    const effect = applyOutcome(invoice, task, completion, now);
    if (effect.kind !== 'ok') return effect;
    refs = effect.refs;
    const note = completion.note;
    return {
      kind: 'ok',
      invoice: withEvent(effect.invoice, {
        at: completedAt,
        type: 'task.completed',
        taskId,
        outcome: completion.outcome,
        ...(note ? { note } : {}),
        ...refs,
      }),
    };
  });
  if (changed.kind === 'conflict') return { kind: 'conflict', reason: changed.reason };
  if (changed.kind === 'invalid') return { kind: 'invalid', errors: [{ path: changed.path, message: changed.message }] };

  const completed: CollectorTask = {
    ...task,
    status: 'completed',
    completedAt,
    outcome: completion.outcome,
    ...(completion.note ? { note: completion.note } : {}),
    ...refs,
  };
  if (!(await deps.tasks.complete(completed))) {
    // Someone completed the record in between; the invoice write above already agreed with them.
    const stored = await deps.tasks.get(taskId);
    if (stored && stored.outcome !== completion.outcome) return sameOutcome(stored, completion.outcome);
    return { kind: 'completed', task: stored ?? completed, invoice: changed.invoice };
  }
  return { kind: 'completed', task: completed, invoice: changed.invoice };
}

function sameOutcome(task: CollectorTask, outcome: TaskOutcome): CompletionOutcome {
  return task.outcome === outcome
    ? { kind: 'unchanged', task }
    : { kind: 'conflict', reason: `task ${task.taskId} was already completed as ${task.outcome}` };
}

function pickRefs(event: TimelineEvent): { promiseId?: string; disputeId?: string } {
  return {
    ...(typeof event.promiseId === 'string' ? { promiseId: event.promiseId } : {}),
    ...(typeof event.disputeId === 'string' ? { disputeId: event.disputeId } : {}),
  };
}
