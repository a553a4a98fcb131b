import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenInvoices } from '#ports/invoice-store.ts';
import { ACTIVE_SHARDS, activePartition, gsi1SortKeyPages } from './dynamo-invoice-store.ts';

/**
 * The open invoices as the sparse, keys-only `gsi1` holds them: one partition per shard
 * (`ACTIVE#<n>`, written by DynamoInvoiceStore while an invoice is open), each read page by page
 * (a page is up to 1 MB, about 10,000 ids), all shards at once.
 */
export class DynamoOpenInvoices implements OpenInvoices {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  partitions(): readonly AsyncIterable<readonly string[]>[] {
    return Array.from({ length: ACTIVE_SHARDS }, (_, shard) => gsi1SortKeyPages(this.client, this.tableName, activePartition(shard)));
  }
}
