/**
 * The single table's list indexes, read by the stateful stack, the local tables and the
 * adapters that write and query them, so the three cannot drift apart. (`gsi1`, the sparse
 * keys-only index of active invoices, policies and tasks, is older and stays where it is.)
 *
 * Both indexes are sparse (only items that carry their key attributes appear) and overloaded
 * (invoices and customers use partitions of their own), and both project one attribute besides
 * the keys: `listing`, the compact map an item keeps for lists. Never ALL: an invoice's
 * timeline grows with every event, and a list must not pay for it in storage or reads.
 */
export const LISTING_ATTRIBUTE = 'listing';

export interface ListIndex {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const ListIndex = {
  /**
   * Whole collections: invoices of one status (`INVOICES#<status>`, by `<dueDate>#<invoiceId>`)
   * and all customers (`CUSTOMERS`, by customerId).
   */
  collection: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /**
   * Groups within them: one customer's invoices (`INVOICES#CUSTOMER#<customerId>`, by
   * `<dueDate>#<invoiceId>`) and one segment's customers (`CUSTOMERS#SEGMENT#<segment>`, by customerId).
   */
  group: { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const satisfies Record<string, ListIndex>;

/**
 * Every list index, in the order they were added. CloudFormation adds at most one index to an
 * existing table per stack update: a deployment that predates them needs one deploy per index.
 */
export const listIndexes: readonly ListIndex[] = [ListIndex.collection, ListIndex.group];

/** The attributes a list index adds to an item; they never belong to the domain object. */
export const listIndexAttributes: readonly string[] = [
  LISTING_ATTRIBUTE,
  ...listIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
];
