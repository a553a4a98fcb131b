import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Invoice } from '#domain/invoice.ts';
import { type InvoiceStore, StaleWriteError } from '#ports/invoice-store.ts';

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

/**
 * Every state change of an invoice is one conditional put of the whole item (its timeline
 * included), guarded by the version it was read at: no transactions needed, no torn writes.
 */
export class DynamoInvoiceStore implements InvoiceStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(invoiceId: string): Promise<Invoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: invoiceKey(invoiceId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
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

  private async put(invoice: Invoice, condition: string, values: Record<string, unknown>): Promise<void> {
    const active = invoice.closedAt === undefined;
    const item = {
      ...invoiceKey(invoice.invoiceId),
      ...invoice,
      ...(active ? { gsi1pk: activeShard(invoice.invoiceId), gsi1sk: invoice.invoiceId } : {}),
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

function fromItem(item: Record<string, unknown>): Invoice {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...invoice } = item;
  return invoice as unknown as Invoice;
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
