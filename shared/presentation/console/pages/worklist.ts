import { daysPastDue } from '#domain/risk.ts';
import type { CollectorTask } from '#domain/tasks.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import type { InvoiceDetail } from './invoice.ts';
import { amount, dataTable, heading, instantHtml, labelFor, link, minorOf, text } from './parts.ts';

/** A task as `GET /v1/tasks` returns it: the task (its step as `stepId`) with its invoice as it is now. */
export type WorklistTask = Omit<CollectorTask, 'stepKey'> & { readonly stepId: string; readonly invoice: InvoiceDetail | null };

/** A customer's risk, from `GET /v1/customers/{id}`. */
export interface CustomerRisk {
  readonly score: number;
  readonly tier: number;
}

export interface WorklistView {
  readonly tasks: readonly WorklistTask[];
  /**
   * Risk by customer id, for tasks that did not record the customer's risk when they were opened
   * (older tasks); a task with neither sorts as risk 0.
   */
  readonly risk?: Readonly<Record<string, CustomerRisk>> | undefined;
  /** The next page (`after` of the API's `link: rel="next"`). */
  readonly next?: string | undefined;
}

const t = w.tasks;

const today = (now: Date) => now.toISOString().slice(0, 10);

function overdueDays(task: WorklistTask, now: Date): number {
  return task.invoice ? Math.max(0, daysPastDue(task.invoice.dueDate, today(now))) : 0;
}

/**
 * Most urgent first: the earliest deadline (tasks without one last), then the larger balance
 * (compared only within one currency: there are no exchange rates here), then the longer
 * overdue, then the riskier customer.
 */
/** The risk the task recorded when it was opened, else the customer's as read for the page. */
const riskOf = (task: WorklistTask, risk: WorklistView['risk'] = {}): CustomerRisk | undefined => task.risk ?? risk[task.customerId];

export function worklistOrder(tasks: readonly WorklistTask[], now: Date, risk: WorklistView['risk'] = {}): WorklistTask[] {
  const balance = (task: WorklistTask) => (task.invoice ? minorOf(task.invoice.balance, task.invoice.currency) : 0);
  return [...tasks].sort((x, y) => {
    const deadline = (x.dueAt ?? '\uffff').localeCompare(y.dueAt ?? '\uffff');
    if (deadline !== 0) return deadline;
    if (x.invoice && y.invoice && x.invoice.currency === y.invoice.currency && balance(x) !== balance(y)) return balance(y) - balance(x);
    const late = overdueDays(y, now) - overdueDays(x, now);
    if (late !== 0) return late;
    return (riskOf(y, risk)?.score ?? 0) - (riskOf(x, risk)?.score ?? 0);
  });
}

function row(task: WorklistTask, now: Date, risk: CustomerRisk | undefined): string[] {
  const invoice = task.invoice;
  const label = `${labelFor(t.kinds, task.kind)}: ${labelFor(t.reasons, task.reason)}`;
  return [
    link(consolePaths.task(task.taskId), label),
    task.dueAt ? instantHtml(task.dueAt) : text(t.noDeadline),
    invoice ? link(consolePaths.customer(task.customerId), invoice.customer.name) : text(task.customerId),
    link(consolePaths.invoice(task.invoiceId), task.invoiceId),
    invoice ? text(amount(invoice.balance, invoice.currency)) : text(w.notAvailable),
    String(overdueDays(task, now)),
    risk ? text(t.riskScore(risk.score, risk.tier)) : text(w.notAvailable),
  ];
}

/** `GET /console/tasks`: open collector tasks, most urgent first. */
export function renderWorklist(view: WorklistView, ctx: ConsoleContext): string {
  const ordered = worklistOrder(view.tasks, ctx.now, view.risk);
  const columns = [
    { header: text(t.task) },
    { header: text(t.dueAt) },
    { header: text(t.customer) },
    { header: text(t.invoice) },
    { header: text(t.balance), numeric: true },
    { header: text(t.daysPastDue), numeric: true },
    { header: text(t.risk), numeric: true },
  ];
  const table = ordered.length
    ? dataTable(
        t.caption,
        columns,
        ordered.map((task) => row(task, ctx.now, riskOf(task, view.risk))),
      )
    : `<p>${text(t.empty)}</p>`;
  const next = view.next
    ? `<nav class="pager" aria-label="${text(w.invoices.pager)}"><ul><li><a rel="next" href="${text(`${consolePaths.tasks}?after=${encodeURIComponent(view.next)}`)}">${text(w.invoices.next)}</a></li></ul></nav>`
    : '';
  return consolePage(t.title, `${heading(1, t.title)}${table}${next}`, ctx);
}
