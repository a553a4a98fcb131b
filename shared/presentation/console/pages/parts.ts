import type { FieldError } from '#contracts/field-errors.ts';
import { minorDigits, parseAmount } from '#domain/money.ts';
import { escapeHtml } from '#presentation/html.ts';
import { longDate, money } from '#presentation/templates/format.ts';
import { csrfField } from '../layout.ts';
import { type Fields, consoleWording as w } from '../wording.ts';

/**
 * The pieces the console pages share: formatting, tables, form fields with their errors, the
 * POST form with its CSRF field. Every dynamic text is escaped here, on its way into HTML, so a
 * page composes these and never escapes twice or forgets to.
 */

export const text = escapeHtml;

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/** A decimal amount as the API gives it ("1250.00"), in the console's locale ("€1,250.00"); as given if unparseable. */
export function amount(decimal: string, currency: string): string {
  const parsed = parseAmount(decimal.replace(/^-/, ''), currency);
  if (!parsed.ok) return `${decimal} ${currency}`;
  return money(decimal.startsWith('-') ? -parsed.minor : parsed.minor, currency, w.locale);
}

/** Minor units, exactly: charts and sums read amounts this way, never as floats. */
export function minorOf(decimal: string, currency: string): number {
  const parsed = parseAmount(decimal, currency);
  return parsed.ok ? parsed.minor : 0;
}

/** A calendar date (YYYY-MM-DD) in words, in a <time> element. */
export function dateHtml(date: string): string {
  const words = /^\d{4}-\d{2}-\d{2}$/.test(date) ? longDate(date, w.locale) : date;
  return `<time datetime="${text(date)}">${text(words)}</time>`;
}

const instantFormat = new Intl.DateTimeFormat(w.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** An instant, in UTC (the console's people sit in several zones; UTC is what the API speaks). */
export function instantText(instant: string): string {
  const time = Date.parse(instant);
  return Number.isNaN(time) ? instant : `${instantFormat.format(time)} UTC`;
}

export function instantHtml(instant: string): string {
  return `<time datetime="${text(instant)}">${text(instantText(instant))}</time>`;
}

/** A ratio the reports round to 2 decimals (or null when undefined), as text. */
export function figure(value: number | null, unit: (text: string) => string = (plain) => plain): string {
  return value === null ? w.notAvailable : unit(new Intl.NumberFormat(w.locale, { maximumFractionDigits: 2 }).format(value));
}

export function link(href: string, label: string): string {
  return `<a href="${text(href)}">${text(label)}</a>`;
}

/** Whichever label the wording has for a code, else the code itself (a new status still shows). */
export function labelFor(labels: Readonly<Record<string, string>>, code: string): string {
  return labels[code] ?? code;
}

// ---------------------------------------------------------------------------------------
// Page pieces
// ---------------------------------------------------------------------------------------

export function heading(level: 1 | 2 | 3, label: string, id?: string): string {
  return `<h${level}${id ? ` id="${text(id)}"` : ''}>${text(label)}</h${level}>`;
}

/** The note after a successful post ("Hold placed."), read out by screen readers. */
export function flash(message: string | undefined): string {
  return message ? `<p class="notice" role="status">${text(message)}</p>` : '';
}

/** Labelled facts (summary, contacts): a description list, values already HTML. */
export function facts(rows: readonly (readonly [string, string] | undefined)[]): string {
  const items = rows
    .filter((row) => row !== undefined)
    .map(([label, value]) => `<dt>${text(label)}</dt><dd>${value}</dd>`)
    .join('');
  return `<dl class="facts">${items}</dl>`;
}

export interface Column {
  /** The header cell's content, already HTML (plain text goes through `text`). */
  readonly header: string;
  readonly numeric?: boolean;
  /** `aria-sort` for a sortable column. */
  readonly sort?: 'ascending' | 'descending' | 'none';
}

/**
 * A data table whose first cell in each row is its row header. On a phone it scrolls sideways
 * inside a region that can take focus (so keyboard users can scroll it) and is named by the caption.
 * `compact` (long lists): body cells drop their optional end tags and take their alignment from
 * the table's class, so 500 rows stay well under 100 KB.
 */
export function dataTable(
  caption: string,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  options: { readonly className?: string; readonly compact?: boolean } = {},
): string {
  const head = columns
    .map((column) => {
      const numeric = column.numeric ? ' class="num"' : '';
      const sort = column.sort ? ` aria-sort="${column.sort}"` : '';
      return `<th scope="col"${numeric}${sort}>${column.header}</th>`;
    })
    .join('');
  const numericAt = columns.map((column) => Boolean(column.numeric && !options.compact));
  const end = (tag: string) => (options.compact ? '' : `</${tag}>`);
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells
          .map((cell, index) => {
            const tag = index === 0 ? 'th' : 'td';
            return `<${tag}${index === 0 ? ' scope="row"' : ''}${numericAt[index] ? ' class="num"' : ''}>${cell}${end(tag)}`;
          })
          .join('')}${end('tr')}`,
    )
    .join('');
  const tableClass = options.className ? ` class="${options.className}"` : '';
  return (
    `<div class="table-scroll" role="region" tabindex="0" aria-label="${text(w.tableRegion(caption))}">` +
    `<table${tableClass}><caption>${text(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
  );
}

// ---------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------

/** One timeline event (as `invoiceView` shows it, amounts as decimal strings) in a sentence. */
export function eventSentence(event: Readonly<Record<string, unknown>>, currency: string): string {
  const value = (field: string) => event[field];
  const fields: Fields = {
    has: (field) => value(field) !== undefined && value(field) !== null && value(field) !== '',
    text: (field) => String(value(field) ?? ''),
    money: (field) => (typeof value(field) === 'string' ? amount(value(field) as string, currency) : String(value(field) ?? '')),
    channel: () => labelFor(w.channels, String(value('channel') ?? '')),
  };
  const type = String(event.type ?? '');
  const sentence = w.timeline[type];
  return sentence ? sentence(fields) : w.otherEvent(type);
}

export function timelineList(events: readonly Readonly<Record<string, unknown>>[], currency: string): string {
  const items = events.map((event) => `<li>${instantHtml(String(event.at ?? ''))}: ${text(eventSentence(event, currency))}</li>`).join('');
  return `<ol class="timeline">${items}</ol>`;
}

// ---------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------

/** What a failed post gives back: the values typed (to show again) and the API's field errors. */
export interface FormState {
  readonly values?: Readonly<Record<string, string>> | undefined;
  readonly errors?: readonly FieldError[] | undefined;
}

/**
 * A field's name is its path in the API's request body (`installments.0.amount`), so an error's
 * `path` finds its field; the id adds the form's name, as one page has several forms.
 */
export function fieldId(form: string, name: string): string {
  return `${form}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-');
}

interface FieldSpec {
  readonly form: string;
  readonly name: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly required?: boolean | undefined;
  /** The value to show when the form was not posted back. */
  readonly value?: string | undefined;
  readonly state?: FormState | undefined;
}

function errorOf(spec: FieldSpec): FieldError | undefined {
  return spec.state?.errors?.find((error) => error.path === spec.name);
}

function shownValue(spec: FieldSpec): string {
  return spec.state?.values?.[spec.name] ?? spec.value ?? '';
}

/** The label, hint and error of a field, and the attributes that tie them to the control. */
function fieldFrame(spec: FieldSpec): { readonly before: string; readonly attributes: string; readonly id: string } {
  const id = fieldId(spec.form, spec.name);
  const error = errorOf(spec);
  const described = [spec.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const optional = spec.required ? '' : ` <span class="hint inline">${text(w.optional)}</span>`;
  const before =
    `<label for="${id}">${text(spec.label)}${optional}</label>` +
    (spec.hint ? `<span class="hint" id="${id}-hint">${text(spec.hint)}</span>` : '') +
    (error ? `<p class="field-error" id="${id}-error">${text(error.message)}</p>` : '');
  const attributes =
    ` id="${id}" name="${text(spec.name)}"${spec.required ? ' required' : ''}` +
    (described ? ` aria-describedby="${described}"` : '') +
    (error ? ' aria-invalid="true"' : '');
  return { before, attributes, id };
}

/** An <input>; `extra` holds further attributes, already safe (type-specific limits, patterns). */
export function inputField(spec: FieldSpec & { readonly type?: string; readonly extra?: string }): string {
  const frame = fieldFrame(spec);
  const value = shownValue(spec);
  return `${frame.before}<input type="${spec.type ?? 'text'}"${frame.attributes}${value ? ` value="${text(value)}"` : ''}${spec.extra ?? ''}>`;
}

export function textareaField(spec: FieldSpec & { readonly maxlength: number; readonly rows?: number }): string {
  const frame = fieldFrame(spec);
  return `${frame.before}<textarea${frame.attributes} maxlength="${spec.maxlength}" rows="${spec.rows ?? 3}">${text(shownValue(spec))}</textarea>`;
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

/** A <select>; `blank` is the label of an empty first option (required selects start on it). */
export function selectField(spec: FieldSpec & { readonly options: readonly Option[]; readonly blank?: string }): string {
  const frame = fieldFrame(spec);
  const chosen = shownValue(spec);
  const blank = spec.blank === undefined ? '' : `<option value="">${text(spec.blank)}</option>`;
  const options = spec.options
    .map((option) => `<option value="${text(option.value)}"${option.value === chosen ? ' selected' : ''}>${text(option.label)}</option>`)
    .join('');
  return `${frame.before}<select${frame.attributes}>${blank}${options}</select>`;
}

/** A money field in the invoice's currency: the decimal format the API takes, with exactly its digits. */
export function amountField(spec: FieldSpec & { readonly currency: string }): string {
  const digits = minorDigits(spec.currency);
  const pattern = digits === 0 ? '(0|[1-9][0-9]*)' : `(0|[1-9][0-9]*)\\.[0-9]{${digits}}`;
  const example = digits === 0 ? '1250' : `1250.${'0'.repeat(digits)}`;
  return inputField({
    ...spec,
    hint: spec.hint ? `${spec.hint} ${w.actions.amountHint(example)}` : w.actions.amountHint(example),
    extra: ` inputmode="decimal" pattern="${text(pattern)}" maxlength="32"`,
  });
}

/** Errors no field of the form shows (or all of them, as links to their fields), above the form's fields. */
export function errorSummary(form: string, state: FormState | undefined): string {
  const errors = state?.errors ?? [];
  if (errors.length === 0) return '';
  const items = errors
    .map((error) => `<li><a href="#${fieldId(form, error.path)}">${text(`${error.path}: ${error.message}`)}</a></li>`)
    .join('');
  return `<div class="error" role="alert"><p>${text(w.errorsHeading)}</p><ul>${items}</ul></div>`;
}

/** A POST form with its heading, the CSRF field and one submit button. */
export function postForm(options: {
  readonly form: string;
  readonly action: string;
  readonly heading: string;
  readonly csrfToken: string;
  readonly body: string;
  readonly submit: string;
  readonly state?: FormState | undefined;
  readonly danger?: boolean;
  /** 3 inside a page section; 2 when the form is a section of its own. */
  readonly level?: 2 | 3;
}): string {
  const headingId = `${options.form}-heading`;
  const button = `<button type="submit"${options.danger ? ' class="danger"' : ''}>${text(options.submit)}</button>`;
  return (
    `<form class="action" method="post" action="${text(options.action)}" aria-labelledby="${headingId}">` +
    `${heading(options.level ?? 3, options.heading, headingId)}${csrfField(options.csrfToken)}${errorSummary(options.form, options.state)}` +
    `${options.body}${button}</form>`
  );
}
