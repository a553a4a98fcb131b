import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type InvoiceListing, invoiceListing, invoiceListStatusOrder } from '#contracts/listing.ts';
import { LISTING_ATTRIBUTE, ListIndex, listIndexAttributes } from '#contracts/table-indexes.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Clock } from '#ports/clock.ts';
import {
  type InvoiceLister,
  type InvoiceListPage,
  type InvoiceListPosition,
  type InvoiceListQuery,
  type InvoiceStore,
  StaleWriteError,
} from '#ports/invoice-store.ts';
import { queryListings } from './dynamo-listings.ts';

/** Active (not yet closed) invoices are listed through a sparse GSI spread over shards. */
const ACTIVE_SHARDS = 8;

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

const invoiceKey = (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'INVOICE' });

function activeShard(invoiceId: string): string {
  let hash = 0;
  for (const char of invoiceId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `ACTIVE#${hash % ACTIVE_SHARDS}`;
}

const invoiceSortKey = (dueDate: string, invoiceId: string) => `${dueDate}#${invoiceId}`;
const statusPartition = (status: string) => `INVOICES#${status}`;
const customerPartition = (customerId: string) => `INVOICES#CUSTOMER#${customerId}`;

/**
 * The list index entries of an invoice (table-indexes.ts): under its status and under its
 * customer, both by due date, with the listing the lists show. Written with every put, so a
 * status change moves the invoice between lists in the same write.
 */
export function invoiceListAttributes(invoice: Invoice, now: Date): Record<string, unknown> {
  const sortKey = invoiceSortKey(invoice.dueDate, invoice.invoiceId);
  return {
    [ListIndex.collection.partitionKey]: statusPartition(invoice.status),
    [ListIndex.collection.sortKey]: sortKey,
    [ListIndex.group.partitionKey]: customerPartition(invoice.customer.customerId),
    [ListIndex.group.sortKey]: sortKey,
    [LISTING_ATTRIBUTE]: invoiceListing(invoice, now),
  };
}

/**
 * Every state change of an invoice is one conditional put of the whole item (its timeline
 * included), guarded by the version it was read at: no transactions needed, no torn writes.
 * The put also writes the item's list index entries and listing (the clock dates its next action).
 */
export class DynamoInvoiceStore implements InvoiceStore, InvoiceLister {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(client: DynamoDBDocumentClient, tableName: string, clock: Clock) {
    this.client = client;
    this.tableName = tableName;
    this.clock = clock;
  }

  async get(invoiceId: string): Promise<Invoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: invoiceKey(invoiceId), ConsistentRead: true }),
    );
    return Item ? invoiceFromItem(Item) : undefined;
  }

  async create(invoice: Invoice): Promise<Invoice> {
    const stored = { ...invoice, version: 1 };
    await this.put(stored, 'attribute_not_exists(pk)', {});
    return stored;
  }

  async save(invoice: Invoice): Promise<Invoice> {
    const stored = { ...invoice, version: invoice.version + 1 };
    await this.put(stored, '#version = :expected', { ':expected': invoice.version });
    return stored;
  }

  async *listActive(): AsyncIterable<string> {
    for (let shard = 0; shard < ACTIVE_SHARDS; shard++) {
      yield* gsi1SortKeys(this.client, this.tableName, `ACTIVE#${shard}`);
    }
  }

  /**
   * A customer's invoices come from their partition of the group index (a status is then a
   * filter: one customer's invoices are few); a status from its partition of the collection
   * index; neither reads the status partitions one after another. Due dates are a key condition.
   * One listing more than the limit is read, so `next` is only given when more follow.
   */
  async list(query: InvoiceListQuery): Promise<InvoiceListPage> {
    const sources = query.customerId
      ? [{ index: ListIndex.group, partition: customerPartition(query.customerId), status: undefined }]
      : (query.status ? [query.status] : invoiceListStatusOrder).map((status) => ({
          index: ListIndex.collection,
          partition: statusPartition(status),
          status,
        }));
    const acrossStatuses = sources.length > 1;
    const after = query.after;
    const first =
      acrossStatuses && after?.status
        ? Math.max(
            0,
            sources.findIndex((source) => source.status === after.status),
          )
        : 0;
    const wanted = query.limit + 1;
    const found: InvoiceListing[] = [];
    for (let at = first; at < sources.length && found.length < wanted; at++) {
      const source = sources[at] as (typeof sources)[number];
      const listings = await queryListings(this.client, this.tableName, {
        index: source.index,
        partition: source.partition,
        range: query.due,
        after:
          at === first && after
            ? { sortKey: invoiceSortKey(after.dueDate, after.invoiceId), itemKey: invoiceKey(after.invoiceId) }
            : undefined,
        where: query.customerId && query.status ? { field: 'status', value: query.status } : undefined,
        wanted: wanted - found.length,
      });
      found.push(...(listings as InvoiceListing[]));
    }
    const items = found.slice(0, query.limit);
    const last = items.at(-1);
    if (found.length <= query.limit || !last) return { items };
    const next: InvoiceListPosition = {
      ...(acrossStatuses ? { status: last.status } : {}),
      dueDate: last.dueDate,
      invoiceId: last.invoiceId,
    };
    return { items, next };
  }

  /**
   * Writes the list index entries of an invoice stored before they existed (or recomputes its
   * listing), leaving the invoice and its version as they are. Idempotent; an invoice written
   * meanwhile was indexed by that write. False when there is no such invoice.
   */
  async reindex(invoiceId: string): Promise<boolean> {
    const invoice = await this.get(invoiceId);
    if (!invoice) return false;
    try {
      await this.put(invoice, '#version = :expected', { ':expected': invoice.version });
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
    }
    return true;
  }

  private async put(invoice: Invoice, condition: string, values: Record<string, unknown>): Promise<void> {
    const active = invoice.closedAt === undefined;
    const item = {
      ...invoiceKey(invoice.invoiceId),
      ...invoice,
      ...(active ? { gsi1pk: activeShard(invoice.invoiceId), gsi1sk: invoice.invoiceId } : {}),
      ...invoiceListAttributes(invoice, this.clock.now()),
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ...(condition.includes('#version') ? { ExpressionAttributeNames: { '#version': 'version' } } : {}),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new StaleWriteError(`Invoice ${invoice.invoiceId} changed concurrently`);
      }
      throw error;
    }
  }
}

/** The invoice an item holds: its keys, index entries and listing are the store's, not the domain's. */
export function invoiceFromItem(item: Record<string, unknown>): Invoice {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...rest } = item;
  for (const attribute of listIndexAttributes) delete rest[attribute];
  return rest as unknown as Invoice;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Every `gsi1sk` in one partition of the sparse, keys-only `gsi1`, page by page. */
export async function* gsi1SortKeys(client: DynamoDBDocumentClient, tableName: string, partition: string): AsyncIterable<string> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :partition',
        ExpressionAttributeValues: { ':partition': partition },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield String(item.gsi1sk);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
