import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AwsError } from './aws-error.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-host.ts';

export interface LocalSchedule {
  readonly group: string;
  readonly name: string;
  readonly at: number;
  readonly targetArn: string;
  readonly input: string;
}

/**
 * EventBridge Scheduler one-time schedules (`at(...)`), kept in the local table so they
 * survive a restart, and fired by the virtual clock through the runtime.
 */
export class LocalScheduler {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly schedules = new Map<string, LocalSchedule>();

  constructor(documents: DynamoDBDocumentClient, tableName: string) {
    this.documents = documents;
    this.tableName = tableName;
  }

  async load(): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'SCHEDULE' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const schedule = item.schedule as LocalSchedule;
        this.schedules.set(key(schedule.group, schedule.name), schedule);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async put(schedule: LocalSchedule, mode: 'create' | 'update'): Promise<string> {
    const id = key(schedule.group, schedule.name);
    if (mode === 'create' && this.schedules.has(id))
      throw new AwsError('ConflictException', `Schedule ${schedule.name} already exists`, 409);
    if (mode === 'update' && !this.schedules.has(id))
      throw new AwsError('ResourceNotFoundException', `Schedule ${schedule.name} does not exist`, 404);
    this.schedules.set(id, schedule);
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'SCHEDULE', sk: id, schedule } }));
    return `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${schedule.group}/${schedule.name}`;
  }

  async delete(group: string, name: string): Promise<void> {
    const id = key(group, name);
    if (!this.schedules.has(id)) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist`, 404);
    this.schedules.delete(id);
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: 'SCHEDULE', sk: id } }));
  }

  /**
   * The schedules due at the earliest instant at or before `limit` (at most `max` of them, in
   * the order they were created): on AWS, schedules of one instant fire together.
   */
  dueTogether(limit: number, max: number): LocalSchedule[] {
    let due: LocalSchedule[] = [];
    for (const schedule of this.schedules.values()) {
      const earliest = due[0]?.at ?? Number.POSITIVE_INFINITY;
      if (schedule.at > limit || schedule.at > earliest) continue;
      if (schedule.at < earliest) due = [schedule];
      else if (due.length < max) due.push(schedule);
    }
    return due;
  }

  get size(): number {
    return this.schedules.size;
  }
}

function key(group: string, name: string): string {
  return `${group}/${name}`;
}

/** Parses `at(yyyy-mm-ddThh:mm:ss)` in the given zone (Dunwell always uses UTC). */
export function parseAtExpression(expression: string, timeZone: string | undefined): number {
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!match) throw new AwsError('ValidationException', `Unsupported schedule expression ${expression}`);
  if (timeZone && timeZone !== 'UTC') throw new AwsError('ValidationException', 'The local scheduler supports UTC only');
  return Date.parse(`${match[1]}Z`);
}
