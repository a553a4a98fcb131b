import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProcessedEvents } from '#ports/payments.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

/** Stripe retries a webhook for up to three days; a month covers that and manual resends. */
const RETENTION_SECONDS = 30 * 24 * 3600;

/** One item per provider event, `STRIPE_EVENT#<id>`, taken by a conditional put; TTL removes it later. */
export class DynamoProcessedEvents implements ProcessedEvents {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly prefix: string;

  constructor(client: DynamoDBDocumentClient, tableName: string, prefix = 'STRIPE_EVENT') {
    this.client = client;
    this.tableName = tableName;
    this.prefix = prefix;
  }

  private key(eventId: string) {
    return { pk: `${this.prefix}#${eventId}`, sk: this.prefix };
  }

  async seen(eventId: string, now: Date): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(eventId), ConsistentRead: true }));
    // TTL deletion may lag: an expired record no longer counts.
    return Item !== undefined && Number(Item.expiresAt) >= Math.floor(now.getTime() / 1000);
  }

  async claim(eventId: string, now: Date): Promise<boolean> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(eventId), receivedAt: now.toISOString(), expiresAt: nowSeconds + RETENTION_SECONDS },
          // TTL deletion may lag: an expired record no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
