import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReplyRoute } from '#domain/reply-address.ts';
import type { ReplyRoutes } from '#ports/replies.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

/**
 * A route is kept this long after its message was sent (then TTL removes it): a customer may
 * answer a reminder months later ("we paid this in spring"), and a reply to a route gone is
 * only unmatched, never lost.
 */
export const REPLY_ROUTE_KEEP_SECONDS = 400 * 24 * 3600;

const PREFIX = 'REPLYTO';

/** One item per reply address, `REPLYTO#<code>`, written once by a conditional put; the table's TTL removes it (as short links). */
export class DynamoReplyRoutes implements ReplyRoutes {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  private key(code: string) {
    return { pk: `${PREFIX}#${code}`, sk: PREFIX };
  }

  async create(route: ReplyRoute): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(route.code),
            invoiceIds: [...route.invoiceIds],
            customerId: route.customerId,
            step: route.step,
            sentAt: route.sentAt,
            keyId: route.keyId,
            seal: route.seal,
            // The table's TTL attribute.
            expiresAt: Math.floor(Date.parse(route.sentAt) / 1000) + REPLY_ROUTE_KEEP_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(code: string): Promise<ReplyRoute | undefined> {
    // Consistent: a reply may come back seconds after the message left (an auto-responder).
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(code), ConsistentRead: true }));
    if (!Item) return undefined;
    const { invoiceIds, customerId, step, sentAt, keyId, seal } = Item;
    const strings = [customerId, step, sentAt, keyId, seal];
    if (
      !Array.isArray(invoiceIds) ||
      !invoiceIds.every((id) => typeof id === 'string') ||
      strings.some((value) => typeof value !== 'string')
    ) {
      return undefined;
    }
    return {
      code,
      invoiceIds: invoiceIds as string[],
      customerId: customerId as string,
      step: step as string,
      sentAt: sentAt as string,
      keyId: keyId as string,
      seal: seal as string,
    };
  }
}
