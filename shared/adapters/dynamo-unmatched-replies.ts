import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { UnmatchedReplies, UnmatchedReply, UnmatchedReplyPage } from '#ports/replies.ts';
import { InvalidCursorError } from '#ports/task-store.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

const INDEX = 'gsi1';
const LIST = 'REPLIES#unmatched';
/** As long as the raw message is kept in the replies bucket (its lifecycle), then TTL removes the entry. */
export const UNMATCHED_REPLY_KEEP_SECONDS = 730 * 24 * 3600;
const UNPROCESSED_RETRIES = 5;

const replyKey = (sesMessageId: string) => ({ pk: `REPLY#${sesMessageId}`, sk: 'REPLY' });

/**
 * Unmatched replies in the single table: one item per SES message (`REPLY#<id>` / `REPLY`),
 * written once by a conditional put, listed newest first through the sparse, keys-only `gsi1`
 * under `REPLIES#unmatched` (a page is a Query for keys and a BatchGetItem, as the task store).
 */
export class DynamoUnmatchedReplies implements UnmatchedReplies {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async add(reply: UnmatchedReply): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...replyKey(reply.sesMessageId),
            ...reply,
            gsi1pk: LIST,
            gsi1sk: `${reply.receivedAt}#${reply.sesMessageId}`,
            // The table's TTL attribute.
            expiresAt: Math.floor(Date.parse(reply.receivedAt) / 1000) + UNMATCHED_REPLY_KEEP_SECONDS,
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

  async list(query: { readonly limit: number; readonly after?: string | undefined }): Promise<UnmatchedReplyPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'gsi1pk = :list',
        ExpressionAttributeValues: { ':list': LIST },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(query.after ? { ExclusiveStartKey: decodeCursor(query.after) } : {}),
      }),
    );
    const sortKeys = (page.Items ?? []).map((item) => String(item.gsi1sk));
    const items = await this.batchGet(sortKeys.map(messageIdOf));
    const replies = sortKeys
      .map((sortKey) => items.get(messageIdOf(sortKey)))
      .filter((reply): reply is UnmatchedReply => reply !== undefined);
    const last = sortKeys.at(-1);
    return { replies, ...(page.LastEvaluatedKey && last ? { next: Buffer.from(last).toString('base64url') } : {}) };
  }

  private async batchGet(ids: readonly string[]): Promise<Map<string, UnmatchedReply>> {
    const found = new Map<string, UnmatchedReply>();
    let keys: Record<string, unknown>[] = ids.map(replyKey);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new Error(`BatchGetItem left ${keys.length} reply item(s) unprocessed after retries`);
      const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, expiresAt: _e, ...reply } = item;
        found.set(String(reply.sesMessageId), reply as unknown as UnmatchedReply);
      }
      keys = (result.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    return found;
  }
}

/** `<receivedAt>#<sesMessageId>`: ISO instants have no `#`. */
function messageIdOf(sortKey: string): string {
  return sortKey.slice(sortKey.indexOf('#') + 1);
}

function decodeCursor(cursor: string): Record<string, string> {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[^#]+#[^#\s]+$/.test(sortKey)) throw new InvalidCursorError('the cursor is not one this API handed out');
  return { gsi1pk: LIST, gsi1sk: sortKey, ...replyKey(messageIdOf(sortKey)) };
}
