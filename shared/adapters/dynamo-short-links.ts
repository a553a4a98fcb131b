import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ShortLink } from '#domain/short-link.ts';
import type { ShortLinkStore } from '#ports/short-links.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

/** Kept this long past its expiry (then TTL removes it), so a late tap reads "expired", not "not valid". */
const KEEP_AFTER_EXPIRY_SECONDS = 30 * 24 * 3600;

const PREFIX = 'SHORTLINK';

/** One item per short link, `SHORTLINK#<code>`, written once by a conditional put; the table's TTL removes it. */
export class DynamoShortLinkStore implements ShortLinkStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  private key(code: string) {
    return { pk: `${PREFIX}#${code}`, sk: PREFIX };
  }

  async create(link: ShortLink): Promise<boolean> {
    const linkExpiresAt = Math.floor(link.expiresAt.getTime() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(link.code),
            invoiceId: link.invoiceId,
            keyId: link.keyId,
            seal: link.seal,
            linkExpiresAt,
            // The table's TTL attribute.
            expiresAt: linkExpiresAt + KEEP_AFTER_EXPIRY_SECONDS,
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

  async get(code: string): Promise<ShortLink | undefined> {
    // Consistent: the customer may tap the link seconds after it was written.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(code), ConsistentRead: true }));
    if (!Item) return undefined;
    const { invoiceId, keyId, seal, linkExpiresAt } = Item;
    if (typeof invoiceId !== 'string' || typeof keyId !== 'string' || typeof seal !== 'string' || typeof linkExpiresAt !== 'number') {
      return undefined;
    }
    return { code, invoiceId, keyId, seal, expiresAt: new Date(linkExpiresAt * 1000) };
  }
}
