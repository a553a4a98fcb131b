import {
  type InvoiceLister,
  type InvoiceListing,
  type InvoiceListPosition,
  type InvoiceListQuery,
  listPosition,
} from '#ports/invoice-store.ts';

export interface FilteredListPage {
  readonly listings: readonly InvoiceListing[];
  /** Where the next page starts; absent when the list ended. */
  readonly next?: InvoiceListPosition | undefined;
  /** Set when the read budget ran out before the page was full: how many listings were looked through. */
  readonly searched?: number | undefined;
}

/**
 * One page of a list through a filter the list index cannot apply: reads the index on, page
 * after page, keeping the listings that match, until `pageSize` match (the next page starts right
 * after the last one kept), the list ends, or `readBudget` listings were read (the next page
 * starts after the last one read, and `searched` says how far it looked). A filter thus covers
 * the whole list, never just the first index page, and one request stays bounded.
 */
export async function filteredListPage(
  lister: InvoiceLister,
  query: Omit<InvoiceListQuery, 'limit'>,
  matches: (listing: InvoiceListing) => boolean | Promise<boolean>,
  options: { readonly pageSize: number; readonly readBudget: number },
): Promise<FilteredListPage> {
  const kept: InvoiceListing[] = [];
  let after = query.after;
  let read = 0;
  for (;;) {
    const listed = await lister.list({ ...query, limit: options.pageSize, after });
    for (const listing of listed.items) {
      read++;
      if (!(await matches(listing))) continue;
      kept.push(listing);
      if (kept.length === options.pageSize) {
        const last = listing === listed.items.at(-1) && !listed.next;
        return { listings: kept, ...(last ? {} : { next: listPosition(listing, query) }) };
      }
    }
    if (!listed.next) return { listings: kept };
    after = listed.next;
    if (read >= options.readBudget) return { listings: kept, next: after, searched: read };
  }
}
