import { createHash } from 'node:crypto';
import { disputeReasons } from '#domain/hold-types.ts';
import { activeHolds, PLAN_REQUESTED } from '#domain/holds.ts';
import { balanceMinor, creditedMinor, type Invoice } from '#domain/invoice.ts';
import { displayAmount } from '#domain/money.ts';
import {
  MAX_PLAN_REQUEST_NOTE,
  MAX_PLAN_REQUESTS,
  MAX_REQUESTED_INSTALLMENTS,
  MIN_REQUESTED_INSTALLMENTS,
  pendingPlanRequest,
} from '#domain/plan-requests.ts';
import { escapeHtml } from './html.ts';
import { quantity } from './templates/format.ts';
import { pageLang, pageWordingFor } from './templates/page-language.ts';
import type { PageWording } from './templates/page-wording.ts';
import type { Creditor } from './templates/wording.ts';

/**
 * The hosted page behind every pay link: server-rendered, mobile-first, no scripts at all.
 * Forms post back to the same path with a per-form token. The pay button posts to
 * `/checkout`, which redirects to the payment provider's hosted checkout (Stripe Checkout; the
 * sandbox locally) — hence that one extra origin in `form-action` (browsers apply it to the
 * redirect after a form post).
 */
const styles = `body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;color:#1a1a1a;background:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}
.amount{font-size:1.6rem;font-weight:700}
.notice{padding:.75rem;border:2px solid #1a5e20;background:#eef7ee}
.error{padding:.75rem;border:2px solid #8a1010;background:#fbeaea}
.error:focus{outline:3px solid #f5a623;outline-offset:2px}.error a{color:#8a1010;font-weight:600}
.field-error{margin:.25rem 0 0;color:#8a1010;font-weight:600}
[aria-invalid=true]{border:2px solid #8a1010}
label{display:block;margin-top:.75rem;font-weight:600}
input,select,textarea,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin-top:.25rem}
button{background:#0b4f8a;color:#fff;border:0;border-radius:4px;margin-top:1rem;cursor:pointer}
button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a623;outline-offset:2px}
a{color:#0b4f8a}a:focus{outline:3px solid #f5a623;outline-offset:2px}
.from{margin:0;font-weight:600}
.num{text-align:right}td.num{white-space:nowrap}
@media (max-width:30rem){.lines th,.lines td{padding:.3rem .15rem;font-size:.9rem}}
.totals th{font-weight:400}.totals tr.due th,.totals tr.due td{font-weight:700;border-top:2px solid #1a1a1a}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
@media print{body{color:#000;font-size:11pt}main{max-width:none;padding:0}.noprint{display:none}a{color:#000;text-decoration:none}th,td{border-color:#000}h2{margin-top:1.2rem}}`;

export const styleHash = `sha256-${createHash('sha256').update(styles).digest('base64')}`;

export const securityHeaders: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': `default-src 'none'; style-src '${styleHash}'; form-action 'self' https://checkout.stripe.com; base-uri 'none'; frame-ancestors 'none'`,
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function shell(title: string, body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${styles}</style></head><body><main>${body}</main></body></html>`;
}

/**
 * A field error as the customer reads it: the field's label (empty for the form as a whole) and
 * what is wrong; `field` names the posted field it belongs to, so the page can tie the two together.
 */
export interface FieldError {
  readonly label: string;
  readonly message: string;
  readonly field?: string | undefined;
}

/** The page's own forms (each posts to `<path>/<form action>`). */
export type FormName = 'dispute' | 'promise' | 'plan';

/** The form a customer posted and what they typed into it, to show again beside the errors. */
export interface PostedForm {
  readonly name: FormName;
  readonly values: Readonly<Record<string, string>>;
}

export interface PageState {
  readonly done?: 'dispute' | 'promise' | 'plan' | 'paid' | 'cancelled' | undefined;
  readonly errors?: readonly FieldError[] | undefined;
  readonly posted?: PostedForm | undefined;
}

export const MAX_DISPUTE_NOTE = 2000;

/**
 * What a customer types into each form: the element that holds the field and the most
 * characters the page ever echoes back (the field's own limit; nothing longer is redisplayed).
 */
const formFields: Readonly<Record<FormName, Readonly<Record<string, { readonly id: string; readonly max: number }>>>> = {
  dispute: { reason: { id: 'reason', max: 40 }, note: { id: 'note', max: MAX_DISPUTE_NOTE } },
  promise: { promisedDate: { id: 'promisedDate', max: 'YYYY-MM-DD'.length } },
  plan: {
    installments: { id: 'installments', max: String(MAX_REQUESTED_INSTALLMENTS).length },
    note: { id: 'planNote', max: MAX_PLAN_REQUEST_NOTE },
  },
};

/** At most `max` UTF-16 units (the unit of `maxlength`), never half a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const valueAttribute = (value: string) => (value ? ` value="${escapeHtml(value)}"` : '');

/** One form as the page draws it again: the values typed into it and its errors tied to their fields. */
interface FormView {
  /** What was typed into the field, bounded, not yet escaped ('' for a form that was not posted). */
  readonly value: (field: string) => string;
  /** ` aria-invalid="true" aria-describedby="…"` on an invalid field, '' otherwise. */
  readonly invalid: (field: string) => string;
  /** The error text an invalid field's `aria-describedby` points at, placed between its label and the field. */
  readonly error: (field: string) => string;
}

function formView(name: FormName, state: PageState): FormView {
  const fields = formFields[name];
  const posted = state.posted?.name === name ? state.posted : undefined;
  const errorOf = (field: string) => (posted ? state.errors?.find((error) => error.field === field) : undefined);
  const errorId = (field: string) => `${fields[field]?.id ?? field}-error`;
  return {
    value: (field) => {
      const spec = fields[field];
      const typed = posted && spec && Object.hasOwn(posted.values, field) ? posted.values[field] : undefined;
      return typed && spec ? clip(typed, spec.max) : '';
    },
    invalid: (field) => (errorOf(field) ? ` aria-invalid="true" aria-describedby="${escapeHtml(errorId(field))}"` : ''),
    error: (field) => {
      const error = errorOf(field);
      return error ? `<p class="field-error" id="${escapeHtml(errorId(field))}">${escapeHtml(error.message)}</p>\n` : '';
    },
  };
}

/**
 * The error summary at the top of the page, focused when the page loads so it is read first;
 * each error of a field on the page links to that field.
 */
function errorSummary(w: PageWording, state: PageState, shown: ReadonlySet<FormName>): string {
  const errors = state.errors ?? [];
  if (errors.length === 0) return '';
  const posted = state.posted && shown.has(state.posted.name) ? formFields[state.posted.name] : undefined;
  const items = errors.map((error) => {
    const text = `${error.label ? `${escapeHtml(error.label)}: ` : ''}${escapeHtml(error.message)}`;
    const target = error.field && posted && Object.hasOwn(posted, error.field) ? posted[error.field] : undefined;
    return `<li>${target ? `<a href="#${escapeHtml(target.id)}">${text}</a>` : text}</li>`;
  });
  return `<div class="error" role="alert" tabindex="-1" autofocus><p>${escapeHtml(w.errorsHeading)}</p><ul>${items.join('')}</ul></div>`;
}

/** A link to the creditor's contact: mailto for an address, the page itself for a URL, tel otherwise. */
export function contactHref(contact: string): string {
  if (/^https:\/\//i.test(contact)) return contact;
  if (contact.includes('@')) return `mailto:${contact}`;
  return `tel:${contact.replace(/[^\d+]/g, '')}`;
}

function contactLine(w: PageWording, creditor: Creditor): string {
  if (!creditor.contact) return '';
  return `<p>${escapeHtml(w.questions)} <a href="${escapeHtml(contactHref(creditor.contact))}">${escapeHtml(creditor.contact)}</a></p>`;
}

function formatDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

export function invoicePage(
  invoice: Invoice,
  path: string,
  formToken: string,
  today: string,
  maxPromiseDate: string,
  state: PageState,
  creditor: Creditor,
): string {
  const locale = invoice.customer.locale;
  const w = pageWordingFor(locale);
  const money = (minor: number) => displayAmount(minor, invoice.currency, locale);
  const balance = Math.max(balanceMinor(invoice), 0);
  const settled = invoice.status === 'paid' || invoice.status === 'void' || invoice.status === 'written_off';
  const onHold = activeHolds(invoice);
  const parts: string[] = [];
  parts.push(`<p class="from">${escapeHtml(w.invoiceFrom(creditor.name))}</p>`);
  parts.push(`<h1>${escapeHtml(w.invoiceTitle(invoice.invoiceId))}</h1>`);
  parts.push(`<p>${escapeHtml(w.forCustomer(invoice.customer.name))}</p>`);
  if (state.done) parts.push(`<p class="notice" role="status">${escapeHtml(w.done[state.done])}</p>`);
  const shown = new Set<FormName>(settled ? [] : ['dispute', 'promise', ...(planOpen(invoice) ? (['plan'] as const) : [])]);
  const summary = errorSummary(w, state, shown);
  if (summary) parts.push(summary);
  if (settled) {
    const label = invoice.status === 'paid' ? w.settled.paid : invoice.status === 'void' ? w.settled.void : w.settled.closed;
    parts.push(`<p class="notice" role="status">${escapeHtml(label)}</p>`);
  } else {
    parts.push(`<p>${escapeHtml(w.amountDue)}</p><p class="amount">${escapeHtml(money(balance))}</p>`);
    parts.push(`<p>${escapeHtml(w.dueDate(formatDate(invoice.dueDate, locale)))}</p>`);
    if (onHold.length > 0) parts.push(`<p class="notice">${escapeHtml(w.remindersPaused)}</p>`);
    if (balance > 0 && state.done !== 'paid') {
      parts.push(`<form method="post" action="${escapeHtml(path)}/checkout">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<button type="submit">${escapeHtml(w.pay(money(balance)))}</button>
</form>`);
    }
  }
  if (invoice.lines.length > 0) {
    parts.push(
      `<h2>${escapeHtml(w.lines.heading)}</h2><table><thead><tr><th scope="col">${escapeHtml(w.lines.description)}</th><th scope="col">${escapeHtml(w.lines.quantity)}</th><th scope="col">${escapeHtml(w.lines.unitPrice)}</th></tr></thead><tbody>${invoice.lines
        .map(
          (line) =>
            `<tr><td>${escapeHtml(line.description)}</td><td>${escapeHtml(line.quantity)}</td><td>${escapeHtml(money(line.unitPriceMinor))}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  parts.push(`<p><a href="${escapeHtml(path)}/invoice">${escapeHtml(w.print.link)}</a></p>`);
  if (!settled) {
    const dispute = formView('dispute', state);
    const chosen = dispute.value('reason');
    const promise = formView('promise', state);
    // A textarea's content starts after one newline the parser drops, so a note that begins with one keeps it.
    parts.push(`<h2 id="dispute">${escapeHtml(w.dispute.heading)}</h2>
<form method="post" action="${escapeHtml(path)}/dispute">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<label for="reason">${escapeHtml(w.dispute.reason)}</label>
${dispute.error('reason')}<select id="reason" name="reason" required${dispute.invalid('reason')}>${disputeReasons.map((reason) => `<option value="${reason}"${reason === chosen ? ' selected' : ''}>${escapeHtml(w.dispute.reasons[reason])}</option>`).join('')}</select>
<label for="note">${escapeHtml(w.dispute.note)}</label>
${dispute.error('note')}<textarea id="note" name="note" rows="3" maxlength="${MAX_DISPUTE_NOTE}"${dispute.invalid('note')}>
${escapeHtml(dispute.value('note'))}</textarea>
<button type="submit">${escapeHtml(w.dispute.submit)}</button>
</form>
<h2 id="promise">${escapeHtml(w.promise.heading)}</h2>
<form method="post" action="${escapeHtml(path)}/promise">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<label for="promisedDate">${escapeHtml(w.promise.date)}</label>
${promise.error('promisedDate')}<input id="promisedDate" name="promisedDate" type="date" min="${escapeHtml(today)}" max="${escapeHtml(maxPromiseDate)}"${valueAttribute(promise.value('promisedDate'))} required${promise.invalid('promisedDate')}>
<button type="submit">${escapeHtml(w.promise.submit)}</button>
</form>`);
    parts.push(planSection(invoice, path, formToken, w, formView('plan', state)));
  }
  parts.push(contactLine(w, creditor));
  return shell(w.invoiceTitle(invoice.invoiceId), parts.join('\n'), pageLang(locale));
}

const planAgreed = (invoice: Invoice) => activeHolds(invoice).some((hold) => hold.reason === 'payment_plan');

/** The customer asked as often as a request may pause dunning (plan-requests.ts). */
const askedEnough = (invoice: Invoice) => invoice.timeline.filter((event) => event.type === PLAN_REQUESTED).length >= MAX_PLAN_REQUESTS;

/** Whether the page offers the plan form (not while a plan is agreed or a request is pending, nor once asked enough). */
const planOpen = (invoice: Invoice) => !planAgreed(invoice) && !pendingPlanRequest(invoice) && !askedEnough(invoice);

/** Ask for a payment plan: the form, or why there is none (a request pending, a plan agreed). */
function planSection(invoice: Invoice, path: string, formToken: string, w: PageWording, plan: FormView): string {
  const heading = `<h2 id="plan">${escapeHtml(w.plan.heading)}</h2>`;
  if (planAgreed(invoice)) return `${heading}\n<p class="notice">${escapeHtml(w.plan.agreed)}</p>`;
  if (pendingPlanRequest(invoice)) return `${heading}\n<p class="notice">${escapeHtml(w.plan.pending)}</p>`;
  if (askedEnough(invoice)) return `${heading}\n<p class="notice">${escapeHtml(w.plan.askedBefore)}</p>`;
  return `${heading}
<p>${escapeHtml(w.plan.intro)}</p>
<form method="post" action="${escapeHtml(path)}/plan-request">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<label for="installments">${escapeHtml(w.plan.installments)}</label>
${plan.error('installments')}<input id="installments" name="installments" type="number" inputmode="numeric" min="${MIN_REQUESTED_INSTALLMENTS}" max="${MAX_REQUESTED_INSTALLMENTS}" step="1"${valueAttribute(plan.value('installments'))} required${plan.invalid('installments')}>
<label for="planNote">${escapeHtml(w.plan.note)}</label>
${plan.error('note')}<textarea id="planNote" name="note" rows="3" maxlength="${MAX_PLAN_REQUEST_NOTE}"${plan.invalid('note')}>
${escapeHtml(plan.value('note'))}</textarea>
<button type="submit">${escapeHtml(w.plan.submit)}</button>
</form>`;
}

/**
 * quantity × unit price in minor units, in BigInt (decimal quantities included), rounded half up:
 * the API takes only lines that land on whole minor units, invoices stored before that rule may
 * not. `undefined` (an empty cell, never "NaN") when there is no exact number to show.
 */
export function lineAmountMinor(quantityText: string, unitPriceMinor: number): number | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(quantityText);
  if (!match || !Number.isSafeInteger(unitPriceMinor)) return undefined;
  const decimals = match[2] ?? '';
  const scale = 10n ** BigInt(decimals.length);
  const product = BigInt(`${match[1]}${decimals}`) * BigInt(unitPriceMinor);
  const rounded = (product * 2n + scale) / (scale * 2n);
  return rounded <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(rounded) : undefined;
}

/**
 * The printable invoice: who bills whom, the numbers and dates, the lines with their amounts,
 * the total, what was credited and paid, and the balance. Plain HTML with print CSS (the
 * browser prints it or saves it as a PDF); the same styles, headers and CSP as the page.
 */
export function printableInvoice(invoice: Invoice, payPath: string, creditor: Creditor): string {
  const locale = invoice.customer.locale;
  const w = pageWordingFor(locale);
  const p = w.print;
  const money = (minor: number) => displayAmount(minor, invoice.currency, locale);
  const credited = creditedMinor(invoice);
  const facts: [string, string][] = [
    [p.invoiceNumber, invoice.invoiceId],
    ...(invoice.poNumber ? ([[p.poNumber, invoice.poNumber]] as [string, string][]) : []),
    [p.issueDate, formatDate(invoice.issueDate, locale)],
    [p.dueDate, formatDate(invoice.dueDate, locale)],
  ];
  const lines = invoice.lines
    .map((line) => {
      const amount = lineAmountMinor(line.quantity, line.unitPriceMinor);
      return `<tr><td>${escapeHtml(line.description)}</td><td class="num">${escapeHtml(quantity(line.quantity, locale))}</td><td class="num">${escapeHtml(money(line.unitPriceMinor))}</td><td class="num">${amount === undefined ? '' : escapeHtml(money(amount))}</td></tr>`;
    })
    .join('');
  const lineTable =
    invoice.lines.length === 0
      ? ''
      : `<h2>${escapeHtml(w.lines.heading)}</h2><table class="lines"><thead><tr><th scope="col">${escapeHtml(w.lines.description)}</th><th scope="col" class="num">${escapeHtml(w.lines.quantity)}</th><th scope="col" class="num">${escapeHtml(w.lines.unitPrice)}</th><th scope="col" class="num">${escapeHtml(p.amount)}</th></tr></thead><tbody>${lines}</tbody></table>`;
  const totals: [string, string, string][] = [
    ['', p.total, money(invoice.amountMinor)],
    ...(credited > 0 ? ([['', p.credited, `−${money(credited)}`]] as [string, string, string][]) : []),
    ...(invoice.paidMinor > 0 ? ([['', p.paid, `−${money(invoice.paidMinor)}`]] as [string, string, string][]) : []),
    ['due', p.balance, money(Math.max(balanceMinor(invoice), 0))],
  ];
  const body = `<p>${escapeHtml(p.from)}<br><strong>${escapeHtml(creditor.name)}</strong>${creditor.contact ? `<br>${escapeHtml(creditor.contact)}` : ''}</p>
<h1>${escapeHtml(w.invoiceTitle(invoice.invoiceId))}</h1>
<dl>${facts.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>
<h2>${escapeHtml(p.billTo)}</h2>
<p>${escapeHtml(invoice.customer.name)}${invoice.customer.email ? `<br>${escapeHtml(invoice.customer.email)}` : ''}</p>
${lineTable}
<table class="totals"><tbody>${totals
    .map(
      ([kind, label, value]) =>
        `<tr${kind ? ` class="${kind}"` : ''}><th scope="row">${escapeHtml(label)}</th><td class="num">${escapeHtml(value)}</td></tr>`,
    )
    .join('')}</tbody></table>
<p class="noprint">${escapeHtml(p.hint)}</p>
<p class="noprint"><a href="${escapeHtml(payPath)}">${escapeHtml(p.back)}</a></p>`;
  return shell(w.invoiceTitle(invoice.invoiceId), body, pageLang(locale));
}

export function preferencesPage(
  invoice: Invoice,
  path: string,
  formToken: string,
  consent: { email: boolean; sms: boolean },
  saved: boolean,
  creditor: Creditor,
): string {
  const page = pageWordingFor(invoice.customer.locale);
  const w = page.preferences;
  const checked = (on: boolean) => (on ? ' checked' : '');
  const body = `<p class="from">${escapeHtml(w.from(creditor.name))}</p>
<h1>${escapeHtml(w.title)}</h1>
<p>${escapeHtml(w.about(invoice.customer.name, invoice.invoiceId))}</p>
${saved ? `<p class="notice" role="status">${escapeHtml(w.saved)}</p>` : ''}
<form method="post" action="${escapeHtml(path)}">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<fieldset><legend>${escapeHtml(w.legend)}</legend>
<label><input type="checkbox" name="email" value="on"${checked(consent.email)}> ${escapeHtml(w.email)}${invoice.customer.email ? ` (${escapeHtml(invoice.customer.email)})` : ''}</label>
<label><input type="checkbox" name="sms" value="on"${checked(consent.sms)}> ${escapeHtml(w.sms)}${invoice.customer.phone ? ` (${escapeHtml(invoice.customer.phone)})` : ''}</label>
</fieldset>
<p>${escapeHtml(w.bothOff)}</p>
<button type="submit">${escapeHtml(w.save)}</button>
</form>
${contactLine(page, creditor)}`;
  return shell(w.title, body, pageLang(invoice.customer.locale));
}
