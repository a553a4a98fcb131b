import type { invoiceListItem } from '#contracts/list-api.ts';
import { invoiceListStatusOrder } from '#contracts/listing.ts';
import { AGING_BUCKETS } from '#domain/finance-reports.ts';
import { HOLD_REASONS } from '#domain/hold-types.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { amount, type Column, dataTable, heading, inputField, labelFor, selectField, text } from './parts.ts';

export type InvoiceListItem = ReturnType<typeof invoiceListItem>;

export const invoiceSortColumns = ['invoiceId', 'customerName', 'balance', 'dueDate', 'daysPastDue', 'status'] as const;
export type InvoiceSortColumn = (typeof invoiceSortColumns)[number];

/** The receivables list's query string, as the handler parsed it (every filter optional). */
export interface InvoiceListQuery {
  readonly status?: string | undefined;
  readonly overdue?: 'true' | 'false' | undefined;
  readonly bucket?: string | undefined;
  readonly customerId?: string | undefined;
  readonly tier?: string | undefined;
  readonly currency?: string | undefined;
  /** Only invoices paused by an active hold of this kind (HoldReason). */
  readonly hold?: string | undefined;
  readonly q?: string | undefined;
  readonly sort?: InvoiceSortColumn | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
  readonly cursor?: string | undefined;
}

export interface InvoiceListView {
  readonly items: readonly InvoiceListItem[];
  readonly query: InvoiceListQuery;
  /** The cursor of the next page (the API's `next`); absent on the last page. */
  readonly next?: string | undefined;
  /** The cursor of the page before, when the handler kept it; absent on the first page. */
  readonly previous?: string | undefined;
  /** Currencies to offer in the filter; free text when absent. */
  readonly currencies?: readonly string[] | undefined;
  /** Set when the page stopped before it was full: how many invoices it looked through (Next goes on from there). */
  readonly searched?: number | undefined;
}

const t = w.invoices;

/** This list with some parameters changed; empty ones are left out so links stay short. */
export function invoiceListHref(query: InvoiceListQuery, changes: Partial<Record<keyof InvoiceListQuery, string | undefined>>): string {
  const merged: Record<string, string | undefined> = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value) params.set(key, value);
  const search = params.toString();
  return search ? `${consolePaths.invoices}?${search}` : consolePaths.invoices;
}

const FORM = 'filter';

function filterForm(view: InvoiceListView): string {
  const values = Object.fromEntries(Object.entries(view.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const state = { values };
  const options = (codes: readonly string[], labels?: Readonly<Record<string, string>>) =>
    codes.map((code) => ({ value: code, label: labels ? labelFor(labels, code) : code }));
  const currency = view.currencies
    ? selectField({ form: FORM, name: 'currency', label: t.currency, options: options(view.currencies), blank: t.any, state })
    : inputField({
        form: FORM,
        name: 'currency',
        label: t.currency,
        state,
        extra: ' maxlength="3" pattern="[A-Z]{3}" autocapitalize="characters"',
      });
  const fields = [
    inputField({ form: FORM, name: 'q', label: t.search, hint: t.searchHint, type: 'search', state, extra: ' maxlength="200"' }),
    selectField({ form: FORM, name: 'status', label: t.status, options: options(invoiceListStatusOrder, w.statuses), blank: t.any, state }),
    selectField({
      form: FORM,
      name: 'overdue',
      label: t.overdue,
      options: [
        { value: 'true', label: t.overdueOnly },
        { value: 'false', label: t.notOverdue },
      ],
      blank: t.any,
      state,
    }),
    selectField({ form: FORM, name: 'bucket', label: t.bucket, options: options(AGING_BUCKETS, w.dashboard.buckets), blank: t.any, state }),
    selectField({ form: FORM, name: 'tier', label: t.tier, options: options(['1', '2', '3', '4']), blank: t.any, state }),
    currency,
    selectField({ form: FORM, name: 'hold', label: t.hold, options: options(HOLD_REASONS, w.invoice.holdReasons), blank: t.any, state }),
    inputField({ form: FORM, name: 'customerId', label: t.customer, state, extra: ' maxlength="100"' }),
  ];
  // The sort survives filtering; the cursor does not (it belongs to the old filters).
  const keep = [view.query.sort ? ['sort', view.query.sort] : undefined, view.query.order ? ['order', view.query.order] : undefined]
    .filter((pair) => pair !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${text(value ?? '')}">`)
    .join('');
  return (
    `<form method="get" action="${consolePaths.invoices}" aria-labelledby="filter-heading">${heading(2, t.filterHeading, 'filter-heading')}` +
    `${keep}<div class="filters">${fields.map((field) => `<div>${field}</div>`).join('')}</div>` +
    `<button type="submit">${text(t.apply)}</button> <a href="${consolePaths.invoices}">${text(t.reset)}</a></form>`
  );
}

/** A column header that sorts by it: ascending first, descending when it is already ascending. */
function sortableColumn(query: InvoiceListQuery, column: InvoiceSortColumn, label: string, numeric = false): Column {
  const active = query.sort === column;
  const order = active ? (query.order === 'desc' ? 'descending' : 'ascending') : 'none';
  const nextOrder = active && order === 'ascending' ? 'desc' : 'asc';
  const href = invoiceListHref(query, { sort: column, order: nextOrder, cursor: undefined });
  return { header: `<a href="${text(href)}">${text(label)}</a>`, numeric, sort: order };
}

/** Kept short: a page of 500 rows has to stay under 100 KB (the customer is one click away, on the invoice). */
function row(item: InvoiceListItem): string[] {
  const next = item.nextAction ? labelFor(w.nextActions, item.nextAction.type) : w.notAvailable;
  return [
    `<a href="${text(consolePaths.invoice(item.invoiceId))}">${text(item.invoiceId)}</a>`,
    text(item.customerName),
    text(amount(item.balance, item.currency)),
    text(item.dueDate),
    String(item.daysPastDue),
    text(labelFor(w.statuses, item.status)),
    String(item.tier),
    text(next),
  ];
}

function pager(view: InvoiceListView): string {
  const links = [
    view.previous
      ? `<li><a rel="prev" href="${text(invoiceListHref(view.query, { cursor: view.previous }))}">${text(t.previous)}</a></li>`
      : '',
    view.next ? `<li><a rel="next" href="${text(invoiceListHref(view.query, { cursor: view.next }))}">${text(t.next)}</a></li>` : '',
  ].join('');
  return links ? `<nav class="pager" aria-label="${text(t.pager)}"><ul>${links}</ul></nav>` : '';
}

/** `GET /console/invoices`: filters (a GET form), the sortable table, and the pager. */
export function renderInvoices(view: InvoiceListView, ctx: ConsoleContext): string {
  const q = view.query;
  const columns: Column[] = [
    sortableColumn(q, 'invoiceId', t.invoice),
    sortableColumn(q, 'customerName', t.customerName),
    sortableColumn(q, 'balance', t.balance, true),
    sortableColumn(q, 'dueDate', t.dueDate),
    sortableColumn(q, 'daysPastDue', t.daysPastDue, true),
    sortableColumn(q, 'status', t.status),
    { header: text(t.tier), numeric: true },
    { header: text(t.nextAction) },
  ];
  const table = view.items.length
    ? dataTable(t.caption, columns, view.items.map(row), { className: 'invoice-list', compact: true })
    : `<p>${text(t.empty)}</p>`;
  const searched = view.searched === undefined ? '' : `<p class="notice">${text(t.searched(view.searched))}</p>`;
  const sorted = q.sort && view.next ? `<p>${text(t.sortedWithinPage)}</p>` : '';
  const body = `${heading(1, t.title)}${filterForm(view)}${sorted}${table}${searched}${pager(view)}`;
  return consolePage(t.title, body, ctx);
}
