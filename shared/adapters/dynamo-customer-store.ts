import { setTimeout as delay } from 'node:timers/promises';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CustomerListing, customerListing } from '#contracts/listing.ts';
import { LISTING_ATTRIBUTE, ListIndex, listIndexAttributes } from '#contracts/table-indexes.ts';
import type { ChannelConsent, CustomerProfile, Reachability, Suppression } from '#domain/customers.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Tier } from '#domain/risk.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory, CustomerLister, CustomerListPage, CustomerListQuery, CustomerStore } from '#ports/customer-directory.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import { StoredCustomerDirectory } from '#use-cases/customers.ts';
import { assembleInvoices, isConditionFailure } from './dynamo-invoice-store.ts';
import { queryListings } from './dynamo-listings.ts';

/**
 * Customers in the single table, next to the frequency-cap ledger (`CUSTOMER#<id>` / `SENDS`):
 *
 * - `CUSTOMER#<id>` / `PROFILE`: the master data, one item rewritten with a version condition,
 *   with its list index entries (all customers; its segment's customers) and listing;
 * - `CUSTOMER#<id>` / `INVOICES`: the ids of the customer's invoices, a string set grown with
 *   `ADD` (idempotent, no read needed, no race between two invoices of one customer).
 *
 * Risk reads the invoice items themselves (`INVOICE#<id>` / `INVOICE`) with BatchGetItem, so it
 * always sees their current timeline; there is no copy to keep in step and no new index.
 *
 * Scaling limit: every assessment (each GET, each new invoice's starting tier) reads every
 * invoice the customer ever had — about one BatchGetItem round per 100 invoices, and as many
 * kilobytes as their timelines hold. That is fine for hundreds of invoices per customer and
 * slow for many thousands; and the `INVOICES` item itself stops growing at DynamoDB's 400 KB
 * item limit (roughly 15,000 invoice ids of 20 characters, 3,800 of 100), after which `ADD`
 * fails with a ValidationException. The way out, when a customer gets there, is to roll
 * settled invoices up: store each one's `InvoiceHistory` (a few dozen bytes) when it closes,
 * on yearly link items (`INVOICES#2027`), and read only open invoices in full; recency weighting
 * (half-life 180 days) makes history older than a few years negligible anyway.
 */

const profileKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' });
const invoicesKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'INVOICES' });
const invoiceKey = (invoiceId: string) => ({ pk: `INVOICE#${invoiceId}`, sk: 'INVOICE' });
const ALL_CUSTOMERS = 'CUSTOMERS';
const segmentPartition = (segment: string) => `CUSTOMERS#SEGMENT#${segment}`;

/**
 * The list index entries of a profile (table-indexes.ts): among all customers and, when it has
 * a segment, among that segment's, both by customerId. A put replaces the whole item, so a
 * segment that is removed or changed leaves no entry behind.
 */
export function customerListAttributes(profile: CustomerProfile): Record<string, unknown> {
  return {
    [ListIndex.collection.partitionKey]: ALL_CUSTOMERS,
    [ListIndex.collection.sortKey]: profile.customerId,
    ...(profile.segment
      ? { [ListIndex.group.partitionKey]: segmentPartition(profile.segment), [ListIndex.group.sortKey]: profile.customerId }
      : {}),
    [LISTING_ATTRIBUTE]: customerListing(profile),
  };
}

/** BatchGetItem takes at most 100 keys per request. */
export const BATCH_GET_LIMIT = 100;
/** Rounds of retrying UnprocessedKeys (throttling, or the 16 MB response cap) before giving up. */
const MAX_BATCH_ROUNDS = 10;

export class DynamoCustomerStore implements CustomerStore, CustomerDirectory, CustomerLister {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly directory: CustomerDirectory;
  /** Backoff before retrying unprocessed keys; tests shorten it. */
  private readonly backoffMs: (round: number) => number;

  constructor(client: DynamoDBDocumentClient, tableName: string, clock: Clock, options: { backoffMs?: (round: number) => number } = {}) {
    this.client = client;
    this.tableName = tableName;
    this.directory = new StoredCustomerDirectory(this, clock);
    // Full jitter over an exponential ceiling: 50 ms, 100 ms, ... capped at 2 s.
    this.backoffMs = options.backoffMs ?? ((round) => Math.random() * Math.min(2000, 50 * 2 ** round));
  }

  // CustomerStore -------------------------------------------------------------------------

  async getProfile(customerId: string): Promise<CustomerProfile | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(customerId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...profile } = Item;
    for (const attribute of listIndexAttributes) delete profile[attribute];
    return profile as CustomerProfile;
  }

  async saveProfile(profile: CustomerProfile): Promise<CustomerProfile> {
    const stored: CustomerProfile = { ...profile, version: profile.version + 1 };
    const create = profile.version === 0;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...profileKey(profile.customerId), ...stored, ...customerListAttributes(stored) },
          ConditionExpression: create ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(create
            ? {}
            : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': profile.version } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleWriteError(`Customer ${profile.customerId} changed concurrently`);
      throw error;
    }
    return stored;
  }

  async linkInvoice(customerId: string, invoiceId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: invoicesKey(customerId),
        UpdateExpression: 'ADD invoiceIds :ids',
        ExpressionAttributeValues: { ':ids': new Set([invoiceId]) },
      }),
    );
  }

  async linkedInvoices(customerId: string): Promise<Invoice[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: invoicesKey(customerId), ConsistentRead: true }),
    );
    const ids = [...((Item?.invoiceIds as Set<string> | undefined) ?? [])].sort();
    const invoices: Invoice[] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      invoices.push(...(await this.batchGetInvoices(ids.slice(start, start + BATCH_GET_LIMIT))));
    }
    return invoices;
  }

  /** One BatchGetItem of at most 100 invoices, retrying what DynamoDB leaves unprocessed. */
  private async batchGetInvoices(invoiceIds: readonly string[]): Promise<Invoice[]> {
    const found: Record<string, unknown>[] = [];
    let keys: Record<string, unknown>[] = invoiceIds.map(invoiceKey);
    for (let round = 0; keys.length > 0; round++) {
      if (round >= MAX_BATCH_ROUNDS) throw new Error(`BatchGetItem left ${keys.length} invoices unprocessed after ${round} rounds`);
      if (round > 0) await delay(this.backoffMs(round));
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[this.tableName] ?? []));
      keys = (UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    return assembleInvoices(this.client, this.tableName, found);
  }

  // CustomerLister -------------------------------------------------------------------------

  /** All customers, or one segment's, by customerId; one listing more than the limit is read, so `next` means more follow. */
  async list(query: CustomerListQuery): Promise<CustomerListPage> {
    const [index, partition] = query.segment ? [ListIndex.group, segmentPartition(query.segment)] : [ListIndex.collection, ALL_CUSTOMERS];
    const after = query.after;
    const found = (await queryListings(this.client, this.tableName, {
      index,
      partition,
      after: after ? { sortKey: after.customerId, itemKey: profileKey(after.customerId) } : undefined,
      wanted: query.limit + 1,
    })) as CustomerListing[];
    const items = found.slice(0, query.limit);
    const last = items.at(-1);
    return found.length > query.limit && last ? { items, next: { customerId: last.customerId } } : { items };
  }

  /**
   * Writes the list index entries of a profile stored before they existed, leaving the profile
   * and its version as they are. Idempotent; a profile written meanwhile was indexed by that write.
   */
  async reindex(customerId: string): Promise<boolean> {
    const profile = await this.getProfile(customerId);
    if (!profile) return false;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...profileKey(customerId), ...profile, ...customerListAttributes(profile) },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': profile.version },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return true;
  }

  // CustomerDirectory (the lifecycle's view, shared with every store in domain/customers.ts) --

  startingTier(customerId: string, today: string): Promise<Tier> {
    return this.directory.startingTier(customerId, today);
  }

  policyId(customerId: string): Promise<string | undefined> {
    return this.directory.policyId(customerId);
  }

  invoiceCreated(invoice: Invoice): Promise<void> {
    return this.directory.invoiceCreated(invoice);
  }

  consent(customerId: string): Promise<ChannelConsent> {
    return this.directory.consent(customerId);
  }

  reachability(customerId: string): Promise<Reachability> {
    return this.directory.reachability(customerId);
  }

  suppress(invoice: Invoice, suppression: Suppression): Promise<boolean> {
    return this.directory.suppress(invoice, suppression);
  }
}
