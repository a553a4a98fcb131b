import { localDate } from '#domain/holds.ts';
import { balanceMinor, type Invoice, isSettled } from '#domain/invoice.ts';
import { findStep, policyFor } from '#domain/policy.ts';
import { type CollectorTask, collectorMessage, collectorTaskId, newCollectorTask, recordTaskOpened, type TaskRisk } from '#domain/tasks.ts';
import type { Clock } from '#ports/clock.ts';
import type { CollectorNotifier } from '#ports/collectors.ts';
import type { CustomerStore } from '#ports/customer-directory.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { TaskStore } from '#ports/task-store.ts';
import { customerRisk } from './customers.ts';
import { InvoiceNotFoundError, mutateInvoice } from './invoice-writes.ts';

/** The workflow hands an invoice to a person: the task stored, published to the collectors topic, and recorded on the invoice. */

export interface OpenTaskDeps {
  readonly store: InvoiceStore;
  readonly tasks: TaskStore;
  readonly collectors: CollectorNotifier;
  readonly clock: Clock;
  /** The customer's invoices, for the risk the task records (the worklist's priority); without it the task has none. */
  readonly customers?: Pick<CustomerStore, 'linkedInvoices'> | undefined;
}

export type OpenTaskOutcome =
  /** The task exists, collectors were told, and the invoice records the step. */
  | { readonly kind: 'opened'; readonly task: CollectorTask }
  /** The invoice already records the step: an earlier attempt finished; nothing was done. */
  | { readonly kind: 'already_done'; readonly taskId: string }
  /** Nothing is owed any more (paid, void, written off, closed): no task. */
  | { readonly kind: 'not_due'; readonly reason: string };

export async function openCollectorTask(
  deps: OpenTaskDeps,
  invoiceId: string,
  stepKey: string,
  reason: string,
  /** Days the collector has to act; by default, the `taskDeadlineDays` of the step in the invoice's policy. */
  deadlineDays?: number,
): Promise<OpenTaskOutcome> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
  const taskId = collectorTaskId(invoiceId, stepKey);
  if (stepDone(invoice, stepKey)) return { kind: 'already_done', taskId };
  // Only what the planner would certainly close on: anything else (a hold that raced the plan)
  // still gets its task, so the workflow can never loop between Plan and OpenTask.
  if (isSettled(invoice.status) || invoice.closedAt) return { kind: 'not_due', reason: `the invoice is ${invoice.status}` };
  if (balanceMinor(invoice) <= 0) return { kind: 'not_due', reason: 'nothing is owed' };

  const now = deps.clock.now();
  const risk = await riskNow(deps, invoice, now);
  let task = newCollectorTask(invoice, stepKey, reason, now, deadlineDays ?? policyDeadlineDays(invoice, stepKey), risk);
  if (!(await deps.tasks.create(task))) task = (await deps.tasks.get(taskId)) ?? task;

  let messageId: string | undefined;
  if (task.status === 'open') ({ messageId } = await deps.collectors.publish(collectorMessage(task, invoice, now)));

  const opened = task;
  await mutateInvoice(deps.store, invoiceId, (current) => {
    if (stepDone(current, stepKey)) return null;
    return recordTaskOpened(current, opened, deps.clock.now().toISOString(), messageId);
  });
  return { kind: 'opened', task };
}

/** The customer's risk today in their own zone, as the customer page assesses it. */
async function riskNow(deps: OpenTaskDeps, invoice: Invoice, now: Date): Promise<TaskRisk | undefined> {
  if (!deps.customers) return undefined;
  const { customerId, timeZone } = invoice.customer;
  const assessedOn = localDate(now, timeZone);
  const { score, tier } = await customerRisk(deps.customers, customerId, assessedOn);
  return { score, tier, assessedOn };
}

/** The days the invoice's policy gives the collector for this step, when it names any (broken-promise tasks have no step). */
function policyDeadlineDays(invoice: Invoice, stepKey: string): number | undefined {
  try {
    return findStep(policyFor(invoice), stepKey)?.taskDeadlineDays;
  } catch {
    // A policy the invoice can no longer resolve: the task simply has no deadline.
    return undefined;
  }
}

/** A failed attempt (recorded by the workflow's catch path) may be retried; anything else is final. */
function stepDone(invoice: Invoice, stepKey: string): boolean {
  const record = invoice.steps[stepKey];
  return record !== undefined && record.state !== 'failed';
}

// ---------------------------------------------------------------------------------------
// Completing
// ---------------------------------------------------------------------------------------
