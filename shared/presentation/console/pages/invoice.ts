import { type ConsoleAction, mayPerform } from '#contracts/console-roles.ts';
import type { FieldError } from '#contracts/field-errors.ts';
import type { invoiceView } from '#contracts/invoice-view.ts';
import { disputeReasons } from '#domain/hold-types.ts';
import { type ConsoleContext, type ConsoleRole, consolePaths } from '../context.ts';
import { consolePage, csrfField } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import {
  amount,
  amountField,
  dataTable,
  dateHtml,
  errorSummary,
  type FormState,
  facts,
  flash,
  heading,
  inputField,
  instantHtml,
  instantText,
  labelFor,
  link,
  postForm,
  selectField,
  text,
  textareaField,
  timelineList,
} from './parts.ts';

export type InvoiceDetail = ReturnType<typeof invoiceView>;

/** Each action posts to `/console/invoices/{id}/{action}`; the handler maps it to the API request of the same name. */
export const invoiceActions = [
  'hold',
  'release',
  'promise',
  'dispute',
  'payment-plan',
  'credit-note',
  'void',
  'replan',
  'write-off',
] as const;
export type InvoiceAction = (typeof invoiceActions)[number];

/**
 * The permission each form needs, from the one table the handler also checks on every post
 * (shared/contracts/console-roles.ts): hiding a form is no permission check.
 */
export const invoiceActionPermission: Readonly<Record<InvoiceAction, ConsoleAction>> = {
  hold: 'invoice.hold',
  release: 'invoice.release',
  promise: 'invoice.promise',
  dispute: 'invoice.dispute',
  'payment-plan': 'invoice.paymentPlan',
  'credit-note': 'invoice.creditNote',
  void: 'invoice.void',
  replan: 'invoice.replan',
  'write-off': 'invoice.approveWriteOff',
};

export function mayAct(role: ConsoleRole, action: InvoiceAction): boolean {
  return mayPerform(role, invoiceActionPermission[action]);
}

export interface InvoicePageView {
  readonly invoice: InvoiceDetail;
  /** The action that just succeeded (post/redirect/get), for the notice at the top. */
  readonly done?: InvoiceAction | undefined;
  /** The action that failed: its form is shown again with what was typed and the API's field errors. */
  readonly failed?:
    | { readonly action: InvoiceAction; readonly errors: readonly FieldError[]; readonly values?: Readonly<Record<string, string>> }
    | undefined;
  /** Policies to re-plan on; the replan form takes a typed id when absent. */
  readonly policies?: readonly { readonly policyId: string; readonly name: string }[] | undefined;
  /** The open write-off proposal task, if dunning proposed one: the write-off form approves it. */
  readonly writeOffTaskId?: string | undefined;
}

const doneMessages: Readonly<Record<InvoiceAction, string>> = {
  hold: w.flash.hold,
  release: w.flash.release,
  promise: w.flash.promise,
  dispute: w.flash.dispute,
  'payment-plan': w.flash.plan,
  'credit-note': w.flash.creditNote,
  void: w.flash.void,
  replan: w.flash.replan,
  'write-off': w.flash.writeOff,
};

const i = w.invoice;
const a = w.actions;

/** A payment plan form shows this many rows (more when more were posted), up to the API's 24. */
const PLAN_ROWS = 4;
const MAX_INSTALLMENTS = 24;

function summary(invoice: InvoiceDetail): string {
  const money = (value: string | undefined) => (value === undefined ? '' : text(amount(value, invoice.currency)));
  return facts([
    [i.customer, link(consolePaths.customer(invoice.customer.customerId), invoice.customer.name)],
    [i.status, text(labelFor(w.statuses, invoice.status))],
    [i.amount, money(invoice.amount)],
    [i.paid, money(invoice.paid)],
    invoice.credited ? [i.credited, money(invoice.credited)] : undefined,
    [i.balance, money(invoice.balance)],
    invoice.overpaid ? [i.overpaid, money(invoice.overpaid)] : undefined,
    [i.issueDate, dateHtml(invoice.issueDate)],
    [i.dueDate, dateHtml(invoice.dueDate)],
    invoice.poNumber ? [i.poNumber, text(invoice.poNumber)] : undefined,
    [i.policy, text(i.policyVersion(invoice.policy.policyId, invoice.policy.version, invoice.policy.tier))],
  ]);
}

function nextAction(invoice: InvoiceDetail): string {
  const next = invoice.nextAction;
  if (!next) return `<p>${text(i.noNextAction)}</p>`;
  const label = labelFor(w.nextActions, next.type) + (next.stepId ? ` (${next.stepId})` : '');
  return `<p>${text(next.at ? i.nextAction(label, instantText(next.at)) : label)}</p>`;
}

type HoldView = InvoiceDetail['holds'][number];

function holdDetails(hold: HoldView, currency: string): string {
  const parts = [
    hold.note,
    hold.disputeReason ? labelFor(w.disputeReasons, hold.disputeReason) : undefined,
    hold.promisedDate ? `${hold.promisedDate}${hold.promisedAmount ? `, ${amount(hold.promisedAmount, currency)}` : ''}` : undefined,
    hold.installments ? `${hold.installmentsPaid ?? 0}/${hold.installments.length}` : undefined,
    hold.outcome,
  ].filter((part): part is string => Boolean(part));
  return text(parts.join(' · '));
}

function releaseForm(invoice: InvoiceDetail, hold: HoldView, ctx: ConsoleContext): string {
  return (
    `<form class="inline" method="post" action="${text(consolePaths.invoiceAction(invoice.invoiceId, 'release'))}">` +
    `${csrfField(ctx.csrfToken)}<input type="hidden" name="holdId" value="${text(hold.holdId)}">` +
    `<button type="submit" class="secondary">${text(a.release.submit(labelFor(i.holdReasons, hold.reason)))}</button></form>`
  );
}

function holds(invoice: InvoiceDetail, ctx: ConsoleContext, canRelease: boolean, releaseState: FormState | undefined): string {
  if (invoice.holds.length === 0) return `<p>${text(i.noHolds)}</p>`;
  const rows = [...invoice.holds]
    .reverse()
    .map((hold) => [
      text(labelFor(i.holdReasons, hold.reason)),
      text(labelFor(i.holdStatus, hold.status)) + (canRelease && hold.status === 'active' ? ` ${releaseForm(invoice, hold, ctx)}` : ''),
      instantHtml(hold.openedAt),
      hold.until ? instantHtml(hold.until) : text(w.notAvailable),
      holdDetails(hold, invoice.currency),
    ]);
  return (
    errorSummary('release', releaseState) +
    dataTable(
      i.holdsCaption,
      [i.holdReason, i.holdState, i.holdOpened, i.holdUntil, i.holdNote].map((label) => ({ header: text(label) })),
      rows,
    )
  );
}

/** Reminders and thank-yous with a message id: each links to the message as the customer saw it. */
function messages(invoice: InvoiceDetail): string {
  const sent = invoice.timeline.filter(
    (event) => (event.type === 'reminder.sent' || event.type === 'thank_you.sent') && typeof event.messageId === 'string',
  );
  if (sent.length === 0) return `<p>${text(i.noMessages)}</p>`;
  const items = sent
    .map((event) => {
      const channel = labelFor(w.channels, String(event.channel ?? ''));
      const label = i.message(`${channel}${event.stepId ? ` ${String(event.stepId)}` : ''}`, instantText(String(event.at ?? '')));
      return `<li>${link(consolePaths.message(invoice.invoiceId, String(event.messageId)), label)}</li>`;
    })
    .join('');
  return `<ul>${items}</ul>`;
}

// ---------------------------------------------------------------------------------------
// Action forms: fields named and bounded as the API's request schemas (shared/contracts/api.ts)
// ---------------------------------------------------------------------------------------

interface FormContext {
  readonly invoice: InvoiceDetail;
  readonly ctx: ConsoleContext;
  readonly state: (action: InvoiceAction) => FormState | undefined;
  readonly view: InvoicePageView;
}

function form(f: FormContext, action: InvoiceAction, headingText: string, body: string, submit: string, danger = false): string {
  return postForm({
    form: action,
    action: consolePaths.invoiceAction(f.invoice.invoiceId, action),
    heading: headingText,
    csrfToken: f.ctx.csrfToken,
    body,
    submit,
    state: f.state(action),
    danger,
  });
}

const disputeOptions = disputeReasons.map((reason) => ({ value: reason, label: w.disputeReasons[reason] }));

/** holdRequestSchema: note (required, ≤ 2000), until (an instant), reason (manual | unmatched_cash). */
function holdForm(f: FormContext): string {
  const state = f.state('hold');
  const body =
    textareaField({ form: 'hold', name: 'note', label: a.hold.note, required: true, maxlength: 2000, state }) +
    inputField({ form: 'hold', name: 'until', label: a.hold.until, hint: a.hold.untilHint, type: 'datetime-local', state }) +
    selectField({
      form: 'hold',
      name: 'reason',
      label: a.hold.reason,
      options: Object.entries(a.hold.reasons).map(([value, label]) => ({ value, label })),
      value: 'manual',
      state,
    });
  return form(f, 'hold', a.hold.heading, body, a.hold.submit);
}

/** promiseRequestSchema: promisedDate (required), amount (optional decimal). */
function promiseForm(f: FormContext): string {
  const state = f.state('promise');
  const body =
    inputField({ form: 'promise', name: 'promisedDate', label: a.promise.promisedDate, type: 'date', required: true, state }) +
    amountField({
      form: 'promise',
      name: 'amount',
      label: a.promise.amount(f.invoice.currency),
      hint: a.promise.amountHint,
      currency: f.invoice.currency,
      state,
    });
  return form(f, 'promise', a.promise.heading, body, a.promise.submit);
}

/** disputeRequestSchema: reason (required, one of disputeReasons), note (optional, ≤ 2000). */
function disputeForm(f: FormContext): string {
  const state = f.state('dispute');
  const body =
    selectField({
      form: 'dispute',
      name: 'reason',
      label: a.dispute.reason,
      options: disputeOptions,
      blank: w.policyEdit.choose,
      required: true,
      state,
    }) + textareaField({ form: 'dispute', name: 'note', label: a.dispute.note, maxlength: 2000, state });
  return form(f, 'dispute', a.dispute.heading, body, a.dispute.submit);
}

/** paymentPlanRequestSchema: 1–24 installments of { dueDate, amount }; the first row is required, empty rows are dropped. */
function planForm(f: FormContext): string {
  const state = f.state('payment-plan');
  const posted = Object.keys(state?.values ?? {})
    .map((key) => /^installments\.(\d+)\./.exec(key)?.[1])
    .filter((index) => index !== undefined)
    .map(Number);
  const rows = Math.min(MAX_INSTALLMENTS, Math.max(PLAN_ROWS, ...posted.map((index) => index + 1)));
  let body = `<p>${text(a.plan.intro)}</p>`;
  for (let row = 0; row < rows; row++) {
    const required = row === 0;
    body +=
      `<fieldset><legend>${text(a.plan.installment(row + 1))}</legend>` +
      inputField({ form: 'payment-plan', name: `installments.${row}.dueDate`, label: a.plan.dueDate, type: 'date', required, state }) +
      amountField({
        form: 'payment-plan',
        name: `installments.${row}.amount`,
        label: a.plan.amount(f.invoice.currency),
        currency: f.invoice.currency,
        required,
        state,
      }) +
      '</fieldset>';
  }
  return form(f, 'payment-plan', a.plan.heading, body, a.plan.submit);
}

const ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}';

/** creditNoteRequestSchema: creditNoteId (an id), amount (required decimal), reason (required, ≤ 500). */
function creditNoteForm(f: FormContext): string {
  const state = f.state('credit-note');
  const body =
    inputField({
      form: 'credit-note',
      name: 'creditNoteId',
      label: a.creditNote.creditNoteId,
      required: true,
      state,
      extra: ` maxlength="100" pattern="${text(ID_PATTERN)}"`,
    }) +
    amountField({
      form: 'credit-note',
      name: 'amount',
      label: a.creditNote.amount(f.invoice.currency),
      currency: f.invoice.currency,
      required: true,
      state,
    }) +
    textareaField({ form: 'credit-note', name: 'reason', label: a.creditNote.reason, required: true, maxlength: 500, state });
  return form(f, 'credit-note', a.creditNote.heading, body, a.creditNote.submit);
}

/** voidRequestSchema: reason (optional, ≤ 500). */
function voidForm(f: FormContext): string {
  const body =
    `<p class="warning">${text(a.void.warning)}</p>` +
    textareaField({ form: 'void', name: 'reason', label: a.void.reason, maxlength: 500, state: f.state('void') });
  return form(f, 'void', a.void.heading, body, a.void.submit, true);
}

/** replanRequestSchema: policyId (optional id; empty: the customer's policy or the default). */
function replanForm(f: FormContext): string {
  const state = f.state('replan');
  const field = f.view.policies
    ? selectField({
        form: 'replan',
        name: 'policyId',
        label: a.replan.policyId,
        options: f.view.policies.map((policy) => ({ value: policy.policyId, label: `${policy.name} (${policy.policyId})` })),
        blank: a.replan.defaultPolicy,
        state,
      })
    : inputField({
        form: 'replan',
        name: 'policyId',
        label: a.replan.policyId,
        hint: a.replan.defaultPolicy,
        state,
        extra: ` maxlength="100" pattern="${text(ID_PATTERN)}"`,
      });
  return form(f, 'replan', a.replan.heading, field, a.replan.submit);
}

/** Approving the proposal completes its task with outcome `approved` (taskCompletionSchema). */
function writeOffForm(f: FormContext, taskId: string): string {
  const body =
    `<p>${text(a.writeOff.intro)}</p><input type="hidden" name="taskId" value="${text(taskId)}">` +
    textareaField({ form: 'write-off', name: 'note', label: a.writeOff.note, maxlength: 2000, state: f.state('write-off') });
  return form(f, 'write-off', a.writeOff.heading, body, a.writeOff.submit, true);
}

function actionForms(f: FormContext): string {
  const role = f.ctx.role;
  const forms: [InvoiceAction, () => string][] = [
    ['hold', () => holdForm(f)],
    ['promise', () => promiseForm(f)],
    ['dispute', () => disputeForm(f)],
    ['payment-plan', () => planForm(f)],
    ['credit-note', () => creditNoteForm(f)],
    ['replan', () => replanForm(f)],
    ['void', () => voidForm(f)],
  ];
  const writeOffTask = f.view.writeOffTaskId;
  if (writeOffTask) forms.push(['write-off', () => writeOffForm(f, writeOffTask)]);
  return `<div class="actions">${forms
    .filter(([action]) => mayAct(role, action))
    .map(([, render]) => render())
    .join('')}</div>`;
}

function section(id: string, title: string, content: string): string {
  return `<section aria-labelledby="${id}-heading">${heading(2, title, `${id}-heading`)}${content}</section>`;
}

/** `GET /console/invoices/{id}`: what is owed and why, what happened, what is next, and the actions the role may take. */
export function renderInvoice(view: InvoicePageView, ctx: ConsoleContext): string {
  const invoice = view.invoice;
  const failed = view.failed;
  const f: FormContext = {
    invoice,
    ctx,
    view,
    state: (action) => (failed?.action === action ? { errors: failed.errors, values: failed.values } : undefined),
  };
  const open = !invoice.closedAt;
  const title = i.title(invoice.invoiceId);
  const body =
    heading(1, title) +
    flash(view.done ? doneMessages[view.done] : undefined) +
    section('summary', i.summary, summary(invoice)) +
    section('next', i.nextActionHeading, nextAction(invoice)) +
    section('holds', i.holdsHeading, holds(invoice, ctx, open && mayAct(ctx.role, 'release'), f.state('release'))) +
    section('actions', i.actionsHeading, open ? actionForms(f) : `<p>${text(i.closed)}</p>`) +
    section('messages', i.messagesHeading, messages(invoice)) +
    section('timeline', i.timelineHeading, timelineList(invoice.timeline, invoice.currency));
  return consolePage(title, body, ctx);
}
