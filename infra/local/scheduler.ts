import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AwsError } from './aws-error.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-host.ts';

export interface LocalSchedule {
  readonly group: string;
  readonly name: string;
  readonly at: number;
  readonly targetArn: string;
  readonly input: string;
  /** The target's role (GetSchedule shows it); schedules kept before it was recorded have none. */
  readonly roleArn?: string;
  /** What happens once it fired (`DELETE` as Dunwell's timers ask, or `NONE`): the local scheduler always forgets it. */
  readonly actionAfterCompletion?: 'NONE' | 'DELETE';
  /** Epoch milliseconds of the virtual clock at CreateSchedule and at the last UpdateSchedule. */
  readonly createdAt?: number;
  readonly modifiedAt?: number;
}

/** One schedule as ListSchedules answers it (the JSON protocol's timestamps are epoch seconds). */
export interface ScheduleSummary {
  readonly Arn: string;
  readonly Name: string;
  readonly GroupName: string;
  readonly State: 'ENABLED';
  readonly CreationDate?: number;
  readonly LastModificationDate?: number;
  readonly Target: { readonly Arn: string };
}

/**
 * EventBridge Scheduler one-time schedules (`at(...)`), kept in the local table so they
 * survive a restart, and fired by the virtual clock through the runtime.
 */
export class LocalScheduler {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly schedules = new Map<string, LocalSchedule>();
  private readonly now: () => Date;

  constructor(documents: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.documents = documents;
    this.tableName = tableName;
    this.now = now;
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

  async put(request: Omit<LocalSchedule, 'createdAt' | 'modifiedAt'>, mode: 'create' | 'update'): Promise<string> {
    const id = key(request.group, request.name);
    const existing = this.schedules.get(id);
    if (mode === 'create' && existing) throw new AwsError('ConflictException', `Schedule ${request.name} already exists`, 409);
    if (mode === 'update' && !existing) throw new AwsError('ResourceNotFoundException', `Schedule ${request.name} does not exist`, 404);
    const now = this.now().getTime();
    const createdAt = mode === 'create' ? now : existing?.createdAt;
    const schedule: LocalSchedule = { ...request, ...(createdAt === undefined ? {} : { createdAt }), modifiedAt: now };
    this.schedules.set(id, schedule);
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'SCHEDULE', sk: id, schedule } }));
    return scheduleArn(schedule);
  }

  /**
   * ListSchedules: by group, then name, optionally of one group or with a name prefix, `limit` a
   * page (1 to 100); `nextToken` resumes after the last one listed.
   */
  list(request: { group?: string; namePrefix?: string; state?: string; limit?: number; nextToken?: string }): {
    Schedules: ScheduleSummary[];
    NextToken?: string;
  } {
    const limit = request.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new AwsError('ValidationException', 'MaxResults must be between 1 and 100', 400);
    const after = request.nextToken === undefined ? '' : Buffer.from(request.nextToken, 'base64url').toString('utf8');
    const matching = [...this.schedules.entries()]
      .filter(
        ([id, schedule]) =>
          id > after &&
          (request.group === undefined || schedule.group === request.group) &&
          (request.namePrefix === undefined || schedule.name.startsWith(request.namePrefix)) &&
          (request.state === undefined || request.state === 'ENABLED'),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      Schedules: page.map(([, schedule]) => ({
        Arn: scheduleArn(schedule),
        Name: schedule.name,
        GroupName: schedule.group,
        State: 'ENABLED',
        ...dates(schedule),
        Target: { Arn: schedule.targetArn },
      })),
      ...(matching.length > limit && last ? { NextToken: Buffer.from(last[0]).toString('base64url') } : {}),
    };
  }

  /** GetSchedule: a one-time schedule as it was created, its `at(...)` expression in UTC. */
  get(group: string, name: string): Record<string, unknown> {
    const schedule = this.schedules.get(key(group, name));
    if (!schedule) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return {
      Arn: scheduleArn(schedule),
      Name: schedule.name,
      GroupName: schedule.group,
      State: 'ENABLED',
      ScheduleExpression: `at(${new Date(schedule.at).toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: schedule.actionAfterCompletion ?? 'NONE',
      ...dates(schedule),
      Target: { Arn: schedule.targetArn, RoleArn: schedule.roleArn ?? '', Input: schedule.input },
    };
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

function scheduleArn(schedule: LocalSchedule): string {
  return `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${schedule.group}/${schedule.name}`;
}

function dates(schedule: LocalSchedule): { CreationDate?: number; LastModificationDate?: number } {
  return {
    ...(schedule.createdAt === undefined ? {} : { CreationDate: schedule.createdAt / 1000 }),
    ...(schedule.modifiedAt === undefined ? {} : { LastModificationDate: schedule.modifiedAt / 1000 }),
  };
}

/** Parses `at(yyyy-mm-ddThh:mm:ss)` in the given zone (Dunwell always uses UTC). */
export function parseAtExpression(expression: string, timeZone: string | undefined): number {
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!match) throw new AwsError('ValidationException', `Unsupported schedule expression ${expression}`);
  if (timeZone && timeZone !== 'UTC') throw new AwsError('ValidationException', 'The local scheduler supports UTC only');
  return Date.parse(`${match[1]}Z`);
}
