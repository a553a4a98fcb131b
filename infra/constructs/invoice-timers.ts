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
 * One-time timers, one per sleeping invoice, armed at run time by arm-timer and cancelled by
 * signal. This construct owns their group and the role they run as; the schedules themselves
 * are not CloudFormation resources.
 */
export class InvoiceTimers extends Construct {
  readonly group: ScheduleGroup;
  /** Assumed by Scheduler to invoke the wake function, and nothing else. */
  readonly schedulerRole: Role;
  /** ARN pattern of every timer in the group: what arm-timer and signal may manage. */
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

export interface DailyReconcileProps {
  readonly namePrefix: string;
  readonly reconcileFunction: IFunction;
}

/**
 * The daily safety net: the reconciler restarts any open invoice whose execution is gone.
 * It lives in its own "maintenance" group (exports and promise checks will join it).
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
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', 'the daily reconcile schedule');

    const role = schedulerRoleFor(this, 'SchedulerRole', this.group, 'Scheduler invokes the reconcile function daily');
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.reconcileFunction.functionArn] }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));

    // CfnSchedule rather than the L2 target, whose grantInvoke adds a `:*` version wildcard.
    this.schedule = new CfnSchedule(this, 'Schedule', {
      name: `${props.namePrefix}-daily-reconcile`,
      groupName: this.group.scheduleGroupName,
      description: 'Restarts every open invoice that has no live dunning execution',
      // 02:30 UTC: before business hours in Europe and after them in the Americas.
      scheduleExpression: 'cron(30 2 * * ? *)',
      scheduleExpressionTimezone: 'UTC',
      state: 'ENABLED',
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 30 },
      target: {
        arn: props.reconcileFunction.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify({ source: 'daily-reconcile' }),
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 6 * 3600 },
        deadLetterConfig: { arn: this.deadLetters.queueArn },
      },
    });
    // The group name is a literal here, so CloudFormation would not order the two on its own.
    this.schedule.node.addDependency(this.group);
  }
}
