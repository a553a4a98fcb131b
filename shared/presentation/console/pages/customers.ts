import type { customerListItem } from '#contracts/list-api.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { dataTable, heading, inputField, labelFor, link, text } from './parts.ts';

export type CustomerListItem = ReturnType<typeof customerListItem>;

export interface CustomersView {
  /** One page of `GET /v1/customers`. */
  readonly items: readonly CustomerListItem[];
  readonly segment?: string | undefined;
  /** The cursor of the next page, when there is one. */
  readonly next?: string | undefined;
}

const c = w.customers;

function reachableBy(item: CustomerListItem): string {
  const channels = Object.entries(item.reachable)
    .filter(([, reachable]) => reachable)
    .map(([channel]) => labelFor(w.channels, channel));
  return text(channels.length ? channels.join(', ') : c.unreachable);
}

/** `GET /console/customers`: the customer profiles, a segment filter, and the next page. */
export function renderCustomers(view: CustomersView, ctx: ConsoleContext): string {
  const filter =
    `<form method="get" action="${consolePaths.customers}" class="filters">` +
    inputField({
      form: 'customers',
      name: 'segment',
      label: c.segmentFilter,
      state: { values: view.segment ? { segment: view.segment } : {} },
    }) +
    `<button type="submit">${text(c.filter)}</button></form>`;
  const rows = view.items.map((item) => [
    link(consolePaths.customer(item.customerId), item.name),
    text(item.customerId),
    text(item.segment ?? ''),
    text(item.email ?? ''),
    text(item.phone ?? ''),
    reachableBy(item),
  ]);
  const columns = [c.name, c.customerId, c.segment, c.email, c.phone, c.reachable].map((label) => ({ header: text(label) }));
  const table = rows.length ? dataTable(c.caption, columns, rows, { compact: true }) : `<p>${text(c.empty)}</p>`;
  const params = new URLSearchParams({ ...(view.segment ? { segment: view.segment } : {}), ...(view.next ? { cursor: view.next } : {}) });
  const next = view.next ? `<p>${link(`${consolePaths.customers}?${params}`, c.next)}</p>` : '';
  return consolePage(c.title, `${heading(1, c.title)}<p>${text(c.intro)}</p>${filter}${table}${next}`, ctx);
}
