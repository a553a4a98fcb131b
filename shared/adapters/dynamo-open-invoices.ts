import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OpenInvoices } from '#ports/invoice-store.ts';
import { ACTIVE_SHARDS } from './dynamo-invoice-store.ts';

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
    return Array.from({ length: ACTIVE_SHARDS }, (_, shard) => this.shard(`ACTIVE#${shard}`));
  }

  private async *shard(partition: string): AsyncIterable<readonly string[]> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :partition',
          ExpressionAttributeValues: { ':partition': partition },
          ExclusiveStartKey: startKey,
        }),
      );
      yield (page.Items ?? []).map((item) => String(item.gsi1sk));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
