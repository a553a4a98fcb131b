import type { FieldError } from '#contracts/field-errors.ts';
import { disputeReasons } from '#domain/hold-types.ts';
import { outcomesFor } from '#domain/tasks.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { type CustomerDetail, contactFacts } from './customer.ts';
import type { InvoiceDetail } from './invoice.ts';
import {
  amount,
  amountField,
  dateHtml,
  type FormState,
  facts,
  flash,
  heading,
  inputField,
  instantHtml,
  labelFor,
  link,
  postForm,
  selectField,
  text,
  textareaField,
  timelineList,
} from './parts.ts';
import type { WorklistTask } from './worklist.ts';

export interface TaskPageView {
  readonly task: WorklistTask;
  /** `GET /v1/customers/{id}`; the contacts on the task's invoice when absent. */
  readonly customer?: CustomerDetail | undefined;
  /** Every invoice of the customer (`GET /v1/invoices/{id}` each), the task's own included. */
  readonly history: readonly InvoiceDetail[];
  readonly done?: boolean | undefined;
  readonly failed?: { readonly errors: readonly FieldError[]; readonly values?: Readonly<Record<string, string>> } | undefined;
}

const k = w.task;
/** The history shows the latest few events of each invoice; the invoice's page has them all. */
const EXCERPT = 5;

function details(task: WorklistTask): string {
  return facts([
    [w.tasks.reason, text(labelFor(w.tasks.reasons, task.reason))],
    [w.tasks.invoice, link(consolePaths.invoice(task.invoiceId), task.invoiceId)],
    [k.opened, instantHtml(task.openedAt)],
    [w.tasks.dueAt, task.dueAt ? instantHtml(task.dueAt) : text(w.tasks.noDeadline)],
    [k.step, text(task.stepId)],
    task.outcome ? [k.outcome, text(k.completed(labelFor(k.outcomes, task.outcome)))] : undefined,
  ]);
}

function history(view: TaskPageView): string {
  const own = view.task.invoiceId;
  const ordered = [...view.history].sort((x, y) => Number(y.invoiceId === own) - Number(x.invoiceId === own));
  return ordered
    .map((invoice) => {
      const summary = facts([
        [w.invoice.status, text(labelFor(w.statuses, invoice.status))],
        [w.invoice.balance, text(amount(invoice.balance, invoice.currency))],
        [w.invoice.dueDate, dateHtml(invoice.dueDate)],
      ]);
      const title = `<h3>${link(consolePaths.invoice(invoice.invoiceId), k.invoiceHistory(invoice.invoiceId))}</h3>`;
      return `<article>${title}${summary}<h4>${text(k.recentEvents)}</h4>${timelineList(invoice.timeline.slice(-EXCERPT), invoice.currency)}</article>`;
    })
    .join('');
}

/** taskCompletionSchema: outcome (required), note; promisedDate and amount for a promise; disputeReason for a dispute. */
function completionForm(view: TaskPageView, ctx: ConsoleContext): string {
  const task = view.task;
  const state: FormState | undefined = view.failed;
  const form = 'complete';
  const currency = task.invoice?.currency;
  const outcomes = outcomesFor(task.kind).map((outcome) => ({ value: outcome, label: labelFor(k.outcomes, outcome) }));
  let body =
    selectField({ form, name: 'outcome', label: k.outcome, options: outcomes, blank: w.policyEdit.choose, required: true, state }) +
    textareaField({ form, name: 'note', label: k.note, maxlength: 2000, state });
  if (task.kind !== 'write_off_proposal') {
    const amountInput = currency
      ? amountField({ form, name: 'amount', label: k.amount(currency), hint: k.amountHint, currency, state })
      : '';
    body +=
      `<fieldset><legend>${text(k.promiseFields)}</legend>` +
      inputField({ form, name: 'promisedDate', label: k.promisedDate, type: 'date', state }) +
      `${amountInput}</fieldset>` +
      `<fieldset><legend>${text(k.disputeFields)}</legend>` +
      selectField({
        form,
        name: 'disputeReason',
        label: k.disputeReason,
        options: disputeReasons.map((reason) => ({ value: reason, label: w.disputeReasons[reason] })),
        blank: w.policyEdit.choose,
        state,
      }) +
      '</fieldset>';
  }
  return postForm({
    form,
    action: consolePaths.taskComplete(task.taskId),
    heading: k.completeHeading,
    csrfToken: ctx.csrfToken,
    body,
    submit: k.submit,
    state,
    level: 2,
  });
}

function section(id: string, title: string, content: string): string {
  return `<section aria-labelledby="${id}-heading">${heading(2, title, `${id}-heading`)}${content}</section>`;
}

/** `GET /console/tasks/{id}`: the task, how to reach the customer, their whole history, and the completion form. */
export function renderTask(view: TaskPageView, ctx: ConsoleContext): string {
  const task = view.task;
  const contacts = view.customer ?? task.invoice?.customer;
  const title = k.title(labelFor(w.tasks.kinds, task.kind), task.invoiceId);
  const body =
    heading(1, title) +
    flash(view.done ? w.flash.taskCompleted : undefined) +
    section('task', k.details, details(task)) +
    (task.status === 'open' ? completionForm(view, ctx) : '') +
    (contacts ? section('contacts', k.contactsHeading, contactFacts(contacts)) : '') +
    section('history', k.historyHeading, history(view));
  return consolePage(title, body, ctx);
}
