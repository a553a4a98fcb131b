import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Invoice } from '#domain/invoice.ts';
import { assembleInvoices } from './dynamo-invoice-store.ts';

/** Every invoice of the table (chunked timelines put together), one parallel-scan segment at a time (the lake backfill only). */
export class DynamoInvoiceScan {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async *invoices(segment: number, totalSegments: number): AsyncIterable<Invoice> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :invoice',
          ExpressionAttributeValues: { ':invoice': 'INVOICE' },
          Segment: segment,
          TotalSegments: totalSegments,
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      yield* await assembleInvoices(this.client, this.tableName, page.Items ?? []);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
