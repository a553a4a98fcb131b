import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type InvoiceListing, invoiceListing, invoiceListStatusOrder } from '#contracts/listing.ts';
import { LISTING_ATTRIBUTE, ListIndex, listIndexAttributes } from '#contracts/table-indexes.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Clock } from '#ports/clock.ts';
import {
  type InvoiceLister,
  type InvoiceListPage,
  type InvoiceListQuery,
  type InvoiceStore,
  listPosition,
  StaleWriteError,
} from '#ports/invoice-store.ts';
import { queryListings } from './dynamo-listings.ts';
import { queryItems, queryPages } from './dynamo-pages.ts';

/** Active (not yet closed) invoices are listed through a sparse GSI spread over shards. */
export const ACTIVE_SHARDS = 8;

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

const invoicePartition = (invoiceId: string) => `INVOICE#${invoiceId}`;
const invoiceKey = (invoiceId: string) => ({ pk: invoicePartition(invoiceId), sk: 'INVOICE' });

/**
 * An invoice's timeline is not kept whole in its item: every write of the item would pay for
 * every event again, and a long life would grow it towards DynamoDB's 400 KB limit. The item
 * (the "hot" item) keeps the recent events; older ones move, TIMELINE_CHUNK at a time, into
 * immutable chunk items of the same partition (`EVENTS#<first seq>`), written before the
 * conditional put that drops them from the hot item. Only events already committed at the
 * version read are moved, so every writer moves the same events to the same chunk: a chunk
 * write is idempotent, and one left by a write that then lost its condition holds nothing the
 * table does not have. The hot item says where its timeline starts (`timelineFrom`); readers
 * put chunks below that in front of it. Events are numbered from 0 across both (the lake's seq).
 */
export const TIMELINE_CHUNK = 6;
/** Committed events that stay in the hot item after a move (the next write may show them). */
const HOT_KEEP = 2;
const CHUNK_PREFIX = 'EVENTS#';
const chunkKey = (invoiceId: string, first: number) => ({
  pk: invoicePartition(invoiceId),
  sk: `${CHUNK_PREFIX}${String(first).padStart(8, '0')}`,
});
const TIMELINE_FROM = 'timelineFrom';

/**
 * What the table held of an invoice's timeline at the version it was read: how many events
 * were committed, and how many of them sat in chunks. Remembered by the last committed event
 * object, which the domain's spreads (`{ ...invoice, timeline: [...timeline, event] }`) carry
 * along, so nothing is added to the invoice itself; an invoice whose events the store did not
 * read or write (made elsewhere) is written with its whole timeline in the hot item.
 */
interface StoredTimeline {
  readonly committed: number;
  readonly from: number;
}
const storedTimelines = new WeakMap<object, StoredTimeline>();
const NOTHING_STORED: StoredTimeline = { committed: 0, from: 0 };

function remembered(invoice: Invoice, from: number): Invoice {
  const last = invoice.timeline.at(-1);
  if (last) storedTimelines.set(last, { committed: invoice.timeline.length, from });
  return invoice;
}

function storedTimelineOf(invoice: Invoice): StoredTimeline {
  for (let at = invoice.timeline.length - 1; at >= 0; at--) {
    const stored = storedTimelines.get(invoice.timeline[at] as object);
    if (stored) return stored.committed === at + 1 ? stored : NOTHING_STORED;
  }
  return NOTHING_STORED;
}

/** The `gsi1` partition of one shard of the active invoices. */
export const activePartition = (shard: number) => `ACTIVE#${shard}`;

function activeShard(invoiceId: string): string {
  let hash = 0;
  for (const char of invoiceId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return activePartition(hash % ACTIVE_SHARDS);
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

  /** One query: the hot item and its timeline's chunks, which sort before it (`EVENTS#` < `INVOICE`). */
  async get(invoiceId: string): Promise<Invoice | undefined> {
    const items = await queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :chunks AND :hot',
      ExpressionAttributeValues: { ':pk': invoicePartition(invoiceId), ':chunks': CHUNK_PREFIX, ':hot': 'INVOICE' },
      ConsistentRead: true,
    });
    const hot = items.at(-1);
    return hot?.sk === 'INVOICE' ? assembleInvoice(hot, items.slice(0, -1)) : undefined;
  }

  async create(invoice: Invoice): Promise<Invoice> {
    return this.put({ ...invoice, version: 1 }, 'attribute_not_exists(pk)', {});
  }

  async save(invoice: Invoice): Promise<Invoice> {
    return this.put({ ...invoice, version: invoice.version + 1 }, '#version = :expected', { ':expected': invoice.version });
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
    return { items, next: listPosition(last, query) };
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

  /** Moves committed events out of the hot item when enough gathered, then writes it; returns the invoice as stored. */
  private async put(invoice: Invoice, condition: string, values: Record<string, unknown>): Promise<Invoice> {
    const stored = storedTimelineOf(invoice);
    let from = stored.from;
    while (stored.committed - from >= TIMELINE_CHUNK + HOT_KEEP) {
      const events = invoice.timeline.slice(from, from + TIMELINE_CHUNK);
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: { ...chunkKey(invoice.invoiceId, from), first: from, events } }),
      );
      from += TIMELINE_CHUNK;
    }
    const active = invoice.closedAt === undefined;
    const { timeline, ...fields } = invoice;
    const item = {
      ...invoiceKey(invoice.invoiceId),
      ...fields,
      timeline: timeline.slice(from),
      ...(from > 0 ? { [TIMELINE_FROM]: from } : {}),
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
    return remembered(invoice, from);
  }
}

/**
 * The invoice of a hot item and the chunk items read with it (any order; chunks at or past the
 * hot item's `timelineFrom` are leftovers of a write that lost its condition, and ignored).
 * Throws when a chunk is missing: the table lost events, and a partial timeline must not pass
 * for a whole one.
 */
export function assembleInvoice(hot: Record<string, unknown>, chunks: readonly Record<string, unknown>[]): Invoice {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, [TIMELINE_FROM]: rawFrom, timeline, ...rest } = hot;
  for (const attribute of listIndexAttributes) delete rest[attribute];
  const from = Number(rawFrom ?? 0);
  const archived: unknown[] = [];
  for (const chunk of [...chunks].sort((a, b) => Number(a.first) - Number(b.first))) {
    if (archived.length >= from) break;
    if (Number(chunk.first) !== archived.length) break;
    archived.push(...(chunk.events as unknown[]));
  }
  const invoice = rest as unknown as Invoice;
  if (archived.length < from) {
    throw new Error(`Invoice ${invoice.invoiceId}: timeline events ${archived.length} to ${from - 1} are missing from the table`);
  }
  const whole = [...archived.slice(0, from), ...((timeline as unknown[] | undefined) ?? [])] as Invoice['timeline'];
  return remembered({ ...invoice, timeline: whole }, from);
}

/**
 * Whole invoices for hot items read without their partitions (a scan, a BatchGetItem): the
 * chunks of those whose timeline starts in chunks are queried, one partition at a time.
 */
export async function assembleInvoices(
  client: DynamoDBDocumentClient,
  tableName: string,
  hotItems: readonly Record<string, unknown>[],
): Promise<Invoice[]> {
  const invoices: Invoice[] = [];
  for (const hot of hotItems) {
    const chunks =
      Number(hot[TIMELINE_FROM] ?? 0) > 0
        ? await queryItems(client, {
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunks)',
            ExpressionAttributeValues: { ':pk': hot.pk, ':chunks': CHUNK_PREFIX },
            ConsistentRead: true,
          })
        : [];
    invoices.push(assembleInvoice(hot, chunks));
  }
  return invoices;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The `gsi1sk`s in one partition of the sparse, keys-only `gsi1`, a page at a time. */
export async function* gsi1SortKeyPages(client: DynamoDBDocumentClient, tableName: string, partition: string): AsyncIterable<string[]> {
  const pages = queryPages(client, {
    TableName: tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :partition',
    ExpressionAttributeValues: { ':partition': partition },
  });
  for await (const page of pages) yield page.map((item) => String(item.gsi1sk));
}

/** Every `gsi1sk` in one partition of the sparse, keys-only `gsi1`. */
export async function* gsi1SortKeys(client: DynamoDBDocumentClient, tableName: string, partition: string): AsyncIterable<string> {
  for await (const page of gsi1SortKeyPages(client, tableName, partition)) yield* page;
}
