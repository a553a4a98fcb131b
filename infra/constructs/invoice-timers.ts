import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './queues.ts';

/**
 * A role EventBridge Scheduler assumes for the schedules of one group only (confused-deputy
 * guard: the calling account and the group's ARN are both pinned).
 */
function schedulerRoleFor(scope: Construct, id: string, group: ScheduleGroup, description: string): Role {
  const stack = Stack.of(scope);
  return new Role(scope, id, {
    description,
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnEquals: { 'aws:SourceArn': group.scheduleGroupArn },
      },
    }),
  });
}

export interface InvoiceTimersProps {
  readonly namePrefix: string;
  /** What every per-invoice timer invokes when it fires. */
  readonly wakeFunction: IFunction;
}

/**
 * One-time timers, one per sleeping invoice, armed at run time by the advance function and cancelled by
 * signal. This construct owns their group and the role they run as; the schedules themselves
 * are not CloudFormation resources.
 */
export class InvoiceTimers extends Construct {
  readonly group: ScheduleGroup;
  /** Assumed by Scheduler to invoke the wake function, and nothing else. */
  readonly schedulerRole: Role;
  /** ARN pattern of every timer in the group: what advance and signal may manage. */
  readonly timerArns: string;

  constructor(scope: Construct, id: string, props: InvoiceTimersProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: `${props.namePrefix}-invoice-timers`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.timerArns = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.schedulerRole = schedulerRoleFor(
      this,
      'SchedulerRole',
      this.group,
      'Scheduler invokes the wake function when an invoice timer fires',
    );
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.wakeFunction.functionArn] }),
    );
  }

  /** Lets a function create, update, read and delete timers in this group, and hand them the scheduler role. */
  grantManageTimers(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [this.timerArns],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}

/** One daily job of the maintenance group: its own role, retries and dead-letter queue. */
interface DailyJobProps {
  readonly group: ScheduleGroup;
  readonly target: IFunction;
  /** The schedule's name, `<namePrefix>-<job>`. */
  readonly name: string;
  readonly description: string;
  readonly roleDescription: string;
  /** A cron in UTC. */
  readonly scheduleExpression: string;
  /** The event the function gets: exactly what its handler's schema accepts. */
  readonly input: Readonly<Record<string, unknown>>;
}

/** Creates the dead letters, the role and the schedule of one daily job inside `scope`. */
function dailyJob(scope: Construct, props: DailyJobProps): { deadLetters: Queue; schedule: CfnSchedule } {
  const deadLetters = deadLetterQueue(scope, 'DeadLetters', `the ${props.name} schedule`);
  const role = schedulerRoleFor(scope, 'SchedulerRole', props.group, props.roleDescription);
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }));
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }));

  // CfnSchedule rather than the L2 target, whose grantInvoke adds a `:*` version wildcard.
  const schedule = new CfnSchedule(scope, 'Schedule', {
    name: props.name,
    groupName: props.group.scheduleGroupName,
    description: props.description,
    scheduleExpression: props.scheduleExpression,
    scheduleExpressionTimezone: 'UTC',
    state: 'ENABLED',
    flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 30 },
    target: {
      arn: props.target.functionArn,
      roleArn: role.roleArn,
      input: JSON.stringify(props.input),
      retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 6 * 3600 },
      deadLetterConfig: { arn: deadLetters.queueArn },
    },
  });
  // The group name is a literal here, so CloudFormation would not order the two on its own.
  schedule.node.addDependency(props.group);
  return { deadLetters, schedule };
}

export interface DailyReconcileProps {
  readonly namePrefix: string;
  readonly reconcileFunction: IFunction;
}

/**
 * The daily safety net: the reconciler restarts any open invoice whose execution is gone.
 * It owns the "maintenance" schedule group, which the lake compaction joins.
 */
export class DailyReconcile extends Construct {
  readonly group: ScheduleGroup;
  readonly deadLetters: Queue;
  readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: DailyReconcileProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', {
      scheduleGroupName: `${props.namePrefix}-maintenance`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const job = dailyJob(this, {
      group: this.group,
      target: props.reconcileFunction,
      name: `${props.namePrefix}-daily-reconcile`,
      description: 'Restarts every open invoice that has no live dunning execution',
      roleDescription: 'Scheduler invokes the reconcile function daily',
      // 02:30 UTC: before business hours in Europe and after them in the Americas.
      scheduleExpression: 'cron(30 2 * * ? *)',
      input: { source: 'daily-reconcile' },
    });
    this.deadLetters = job.deadLetters;
    this.schedule = job.schedule;
  }
}

export interface DailyLakeCompactionProps {
  readonly namePrefix: string;
  /** The maintenance group (DailyReconcile's). */
  readonly group: ScheduleGroup;
  readonly compactFunction: IFunction;
}

/**
 * Merges yesterday's and today's lake partitions into one file each, one row per event, so
 * Athena reads a few large objects instead of one per stream batch. Reports are right without
 * it (they de-duplicate); it keeps them fast and cheap.
 */
export class DailyLakeCompaction extends Construct {
  readonly deadLetters: Queue;
  readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: DailyLakeCompactionProps) {
    super(scope, id);
    const job = dailyJob(this, {
      group: props.group,
      target: props.compactFunction,
      name: `${props.namePrefix}-daily-lake-compaction`,
      description: "Compacts the finance lake's partitions of yesterday and today (UTC)",
      roleDescription: 'Scheduler invokes the lake compaction function daily',
      // 01:00 UTC: yesterday's UTC partition is complete, an hour of slack for a slow stream.
      scheduleExpression: 'cron(0 1 * * ? *)',
      // No dates: the function's default, yesterday and today.
      input: {},
    });
    this.deadLetters = job.deadLetters;
    this.schedule = job.schedule;
  }
}
