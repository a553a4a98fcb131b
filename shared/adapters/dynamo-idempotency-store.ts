import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '#ports/idempotency-store.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

/** Replays are kept for a day; after that the key may be reused. */
const RETENTION_SECONDS = 24 * 3600;
/** A claim whose request never completed (crashed) is released after this long. */
const IN_PROGRESS_SECONDS = 60;

export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async claim(scope: string, key: string, fingerprint: string, now: Date): Promise<IdempotencyClaim> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...recordKey(scope, key),
            fingerprint,
            state: 'in_progress',
            staleAt: nowSeconds + IN_PROGRESS_SECONDS,
            expiresAt: nowSeconds + RETENTION_SECONDS,
          },
          // Free, expired (TTL deletion may lag) or abandoned mid-flight records can be taken.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :inProgress AND staleAt < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':now': nowSeconds, ':inProgress': 'in_progress' },
        }),
      );
      return { state: 'new' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(scope, key), ConsistentRead: true }),
    );
    if (!Item) return { state: 'in_progress' };
    if (Item.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (Item.state !== 'done') return { state: 'in_progress' };
    return { state: 'replay', response: Item.response as StoredResponse };
  }

  async complete(scope: string, key: string, fingerprint: string, response: StoredResponse, now: Date): Promise<void> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...recordKey(scope, key), fingerprint, state: 'done', response, expiresAt: nowSeconds + RETENTION_SECONDS },
      }),
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: recordKey(scope, key) }));
  }
}

function recordKey(scope: string, key: string) {
  return { pk: `IDEMPOTENCY#${scope}#${key}`, sk: 'IDEMPOTENCY' };
}
