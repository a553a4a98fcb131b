import { setTimeout as delay } from 'node:timers/promises';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CollectorTask, collectorTaskId, type TaskStatus } from '#domain/tasks.ts';
import { InvalidCursorError, type TaskPage, type TaskQuery, type TaskStore } from '#ports/task-store.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

const INDEX = 'gsi1';
/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;
const UNPROCESSED_RETRIES = 5;

const taskKey = (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' });
const listKey = (status: TaskStatus) => `TASKS#${status}`;

/**
 * The worklist index entry: open tasks under `TASKS#open` by opening instant, completed ones
 * under `TASKS#completed` by completion instant (the task id breaks ties and names the item).
 */
function indexKeys(task: CollectorTask): { gsi1pk: string; gsi1sk: string } {
  const at = task.status === 'open' ? task.openedAt : (task.completedAt ?? task.openedAt);
  return { gsi1pk: listKey(task.status), gsi1sk: `${at}#${task.taskId}` };
}

/**
 * Collector tasks in the single table: one item per task (`TASK#<taskId>` / `TASK`), listed
 * through the sparse `gsi1`. The index projects keys only, so a page is a Query for keys and a
 * BatchGetItem for the items.
 *
 * Scaling: each status is one index partition, and the invoiceId filter is applied while
 * reading it (on the projected table key, which holds the task id), so a filtered listing reads the whole
 * partition up to its page. That is fine for a worklist of thousands of open tasks; past that,
 * an index keyed by invoice (or per-collector queues) is the next step.
 */
export class DynamoTaskStore implements TaskStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(taskId: string): Promise<CollectorTask | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: taskKey(taskId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async create(task: CollectorTask): Promise<boolean> {
    return this.put(task, 'attribute_not_exists(pk)', {});
  }

  async complete(task: CollectorTask): Promise<boolean> {
    return this.put(task, '#status = :open', { ':open': 'open' });
  }

  async list(query: TaskQuery): Promise<TaskPage> {
    const keys: { taskId: string; sortKey: string }[] = [];
    let startKey = query.after ? decodeCursor(query.after, query.status) : undefined;
    let more = false;
    // The index can not be filtered on its own keys, but the table's key (`TASK#TSK.<invoiceId>.<step>`)
    // is projected into it; the exact invoice id is checked on the items (ids may contain dots).
    // A step key prefix is matched the same way, inside that key (as `count` does).
    const prefix = query.invoiceId ? `${taskKey(collectorTaskId(query.invoiceId, '')).pk}` : undefined;
    const step = query.stepKeyPrefix ? `.${query.stepKeyPrefix}` : undefined;
    const filters = [prefix ? 'begins_with(pk, :prefix)' : undefined, step ? 'contains(pk, :step)' : undefined].filter(Boolean);
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX,
          KeyConditionExpression: 'gsi1pk = :list',
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeValues: {
            ':list': listKey(query.status),
            ...(prefix ? { ':prefix': prefix } : {}),
            ...(step ? { ':step': step } : {}),
          },
          // Worklist order: the oldest open task first; the latest completed first.
          ScanIndexForward: query.status === 'open',
          Limit: filters.length > 0 ? Math.max(query.limit, 100) : query.limit + 1 - keys.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sortKey = String(item.gsi1sk);
        keys.push({ taskId: taskIdOf(sortKey), sortKey });
      }
      startKey = page.LastEvaluatedKey;
      more = startKey !== undefined;
    } while (more && keys.length <= query.limit);

    const hasNext = keys.length > query.limit || (more && keys.length === query.limit);
    const pageKeys = keys.slice(0, query.limit);
    const items = await this.batchGet(pageKeys.map((key) => key.taskId));
    const tasks = pageKeys
      .map((key) => items.get(key.taskId))
      // The index is eventually consistent: skip an entry whose item moved on since.
      .filter((task): task is CollectorTask => task !== undefined && task.status === query.status)
      .filter((task) => query.invoiceId === undefined || task.invoiceId === query.invoiceId)
      .filter((task) => query.stepKeyPrefix === undefined || task.stepKey.startsWith(query.stepKeyPrefix));
    const last = pageKeys.at(-1);
    return { tasks, ...(hasNext && last ? { next: encodeCursor(query.status, last.sortKey) } : {}) };
  }

  /**
   * One counting Query over the keys-only index (no item is read): the step filter's matches are
   * its Count, every entry it looked at its ScannedCount. The step key is matched in the projected
   * table key (`TASK#TSK.<invoiceId>.<stepKey>`), so an invoice id that itself contains
   * `.<prefix>` would count too; like any index read, it may lag a write by a moment.
   */
  async count(query: { readonly status: TaskStatus; readonly stepKeyPrefix: string }): Promise<{ total: number; matching: number }> {
    let total = 0;
    let matching = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX,
          Select: 'COUNT',
          KeyConditionExpression: 'gsi1pk = :list',
          FilterExpression: 'contains(pk, :step)',
          ExpressionAttributeValues: { ':list': listKey(query.status), ':step': `.${query.stepKeyPrefix}` },
          ExclusiveStartKey: startKey,
        }),
      );
      total += page.ScannedCount ?? 0;
      matching += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { total, matching };
  }

  private async batchGet(taskIds: readonly string[]): Promise<Map<string, CollectorTask>> {
    const found = new Map<string, CollectorTask>();
    for (let start = 0; start < taskIds.length; start += BATCH_GET_MAX) {
      let keys: Record<string, unknown>[] = taskIds.slice(start, start + BATCH_GET_MAX).map(taskKey);
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > UNPROCESSED_RETRIES) throw new Error(`BatchGetItem left ${keys.length} task(s) unprocessed after retries`);
        if (attempt > 0) await delay(20 * 2 ** attempt);
        const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const task = fromItem(item);
          found.set(task.taskId, task);
        }
        keys = (result.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return found;
  }

  private async put(task: CollectorTask, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...taskKey(task.taskId), ...task, ...indexKeys(task) },
          ConditionExpression: condition,
          ...(condition.includes('#status') ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function fromItem(item: Record<string, unknown>): CollectorTask {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...task } = item;
  return task as unknown as CollectorTask;
}

/** `<instant>#<taskId>`: ISO instants have no `#`. */
function taskIdOf(sortKey: string): string {
  return sortKey.slice(sortKey.indexOf('#') + 1);
}

/** The cursor is the last index entry of the page; it is only ever used as a start key of the same listing. */
function encodeCursor(status: TaskStatus, sortKey: string): string {
  return Buffer.from(JSON.stringify([status, sortKey])).toString('base64url');
}

function decodeCursor(cursor: string, status: TaskStatus): Record<string, string> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('the cursor is not one this API handed out');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== status || typeof decoded[1] !== 'string') {
    throw new InvalidCursorError(`the cursor does not belong to a listing of ${status} tasks`);
  }
  const sortKey = decoded[1];
  if (!/^[^#]+#TSK\..+$/.test(sortKey)) throw new InvalidCursorError('the cursor is not one this API handed out');
  return { gsi1pk: listKey(status), gsi1sk: sortKey, ...taskKey(taskIdOf(sortKey)) };
}
