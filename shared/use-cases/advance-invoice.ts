import type { Invoice } from '#domain/invoice.ts';
import { type InvoiceStore, StaleWriteError } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import { armTimer, type TimerDeps } from './arm-timer.ts';
import { type CloseDeps, closeInvoice } from './close-invoice.ts';
import { type OpenTaskDeps, openCollectorTask } from './open-collector-task.ts';
import { type PlanDeps, planInvoice } from './plan-invoice.ts';
import { type FailureDeps, recordSendFailure } from './record-send-failure.ts';
import { emptyReminderTally, type ReminderTally } from './reminder-tally.ts';
import { type SendDeps, sendReminder } from './send-reminder.ts';

/**
 * One wake-up of an invoice's execution, in one invocation: plan, act on the plan (send a
 * reminder, open a collector task, close), plan again, until the plan is to wait; then park
 * the execution on its task token with a timer (`armTimer`), or resume it at once when it
 * closed. The state machine around it is one task that loops on itself, so a wake-up costs one
 * state transition whatever it does (statemachines/invoice-dunning.asl.json); a closed lifecycle
 * ends the task with LIFECYCLE_CLOSED, which the machine catches into its Succeed state.
 *
 * Every action keeps its own guarantees (claims, conditional writes): a crash anywhere leaves the
 * execution's task to time out or be retried, and the next invocation plans from what was
 * recorded. A send or task that fails is recorded as a failed attempt (`reminder.failed`, or
 * `reminder.unconfirmed` when it may have reached the provider); the planner retries it after a
 * delay (`RETRY_DELAYS_MS`) and gives it up after `MAX_STEP_FAILURES`. Anything else that fails
 * (the table, the scheduler) fails the invocation, and the state machine retries it.
 */

export type AdvanceDeps = PlanDeps & SendDeps & OpenTaskDeps & CloseDeps & TimerDeps & FailureDeps & { readonly log: Logger };

export interface AdvanceResult {
  /** `parked`: waiting on its timer or a signal; `closed`: the lifecycle ended (the execution with it); `resumed`: the execution goes on at once. */
  readonly outcome: 'parked' | 'closed' | 'resumed';
  /** What was done, in order ("send_email post-3", "open_task t2-call-38", "close paid"). */
  readonly actions: readonly string[];
}

/**
 * At most this many actions in one invocation. A wake-up rarely takes more than two (a task and
 * a message); a longer run means something keeps failing fast, and the next invocation (after
 * the state machine's choice) gets a fresh time budget.
 */
export const MAX_ACTIONS_PER_WAKE = 10;

/**
 * `tally` (optional) counts the reminders sent, failed and recorded unconfirmed as they happen,
 * also when the wake-up then fails: the caller reads it in any case.
 */
export async function advanceInvoice(
  deps: AdvanceDeps,
  invoiceId: string,
  taskToken: string,
  tally: ReminderTally = emptyReminderTally(),
): Promise<AdvanceResult> {
  return advanceWith({ ...deps, store: new RememberingInvoiceStore(deps.store) }, invoiceId, taskToken, tally);
}

async function advanceWith(deps: AdvanceDeps, invoiceId: string, taskToken: string, tally: ReminderTally): Promise<AdvanceResult> {
  const actions: string[] = [];
  for (let round = 0; round < MAX_ACTIONS_PER_WAKE; round++) {
    const action = await planInvoice(deps, invoiceId, tally);
    switch (action.type) {
      case 'sleep': {
        const armed = await armTimer(deps, { invoiceId, until: action.until, planVersion: action.version, taskToken });
        // Changed while planning: armTimer has resumed the execution to plan again.
        return { outcome: armed === 'armed' ? 'parked' : 'resumed', actions };
      }
      case 'close':
        await closeInvoice(deps, invoiceId, action.reason);
        actions.push(`close ${action.reason}`);
        await deps.workflow.finish(taskToken);
        return { outcome: 'closed', actions };
      case 'send_email':
      case 'send_sms':
      case 'send_letter':
        await attempt(deps, invoiceId, action.stepId, tally, async () => {
          const outcome = await sendReminder(deps, invoiceId, action.stepId);
          if (outcome === 'sent') tally.sent += 1;
          else if (outcome === 'unconfirmed') tally.unconfirmed += 1;
        });
        actions.push(`${action.type} ${action.stepId}`);
        break;
      case 'open_task':
        await attempt(
          deps,
          invoiceId,
          action.stepId,
          tally,
          () => openCollectorTask(deps, invoiceId, action.stepId, action.reason),
          'task',
        );
        actions.push(`open_task ${action.stepId}`);
        break;
    }
  }
  deps.log.warn('many actions in one wake-up; continuing in a new invocation', { invoiceId, actions });
  await deps.workflow.resume(taskToken, { reason: 'more' });
  return { outcome: 'resumed', actions };
}

/** Runs one send or task; a failure is recorded against its step for the planner to retry later. */
async function attempt(
  deps: AdvanceDeps,
  invoiceId: string,
  stepId: string,
  tally: ReminderTally,
  act: () => Promise<unknown>,
  kind: 'reminder' | 'task' = 'reminder',
): Promise<void> {
  try {
    await act();
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error('reminder or task failed; recorded for a later retry', { invoiceId, stepId, error: name, cause: message });
    const recorded = await recordSendFailure(deps, invoiceId, stepId, name, message);
    // Unconfirmed counts for tasks too, as the reminder-outcome-unknown alarm always did; failed only for reminders.
    if (recorded === 'unconfirmed') tally.unconfirmed += 1;
    else if (recorded === 'failed' && kind === 'reminder') tally.failed += 1;
  }
}

/**
 * The invoice store of one wake-up: the first read of an invoice goes to the table, later reads
 * answer with what this wake-up last read or wrote. Every write is still conditional on the
 * version, so a change made meanwhile by anyone else (a payment, a signal) makes the write fail,
 * the entry is forgotten, and the command runs again on a fresh read: a decision can be no staler
 * than before, and a send reads the invoice once instead of four times (planning, reachability,
 * the cap, the claim, the record).
 */
export class RememberingInvoiceStore implements InvoiceStore {
  private readonly store: InvoiceStore;
  private readonly known = new Map<string, Invoice>();

  constructor(store: InvoiceStore) {
    this.store = store;
  }

  async get(invoiceId: string): Promise<Invoice | undefined> {
    const known = this.known.get(invoiceId);
    if (known) return known;
    const read = await this.store.get(invoiceId);
    if (read) this.known.set(invoiceId, read);
    return read;
  }

  async create(invoice: Invoice): Promise<Invoice> {
    return this.remember(await this.store.create(invoice));
  }

  async save(invoice: Invoice): Promise<Invoice> {
    try {
      return this.remember(await this.store.save(invoice));
    } catch (error) {
      if (error instanceof StaleWriteError) this.known.delete(invoice.invoiceId);
      throw error;
    }
  }

  private remember(invoice: Invoice): Invoice {
    this.known.set(invoice.invoiceId, invoice);
    return invoice;
  }
}
