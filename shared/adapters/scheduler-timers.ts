import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type FlexibleTimeWindowMode,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { Timers } from '#ports/timers.ts';

export interface SchedulerTimersConfig {
  readonly groupName: string;
  /** The wake function and the role Scheduler assumes to invoke it; only arming needs them. */
  readonly target?: { readonly arn: string; readonly roleArn: string } | undefined;
}

/** One-time EventBridge Scheduler schedules `at(...)`, deleted by Scheduler after they fire. */
export class SchedulerTimers implements Timers {
  private readonly client: SchedulerClient;
  private readonly config: SchedulerTimersConfig;

  constructor(client: SchedulerClient, config: SchedulerTimersConfig) {
    this.client = client;
    this.config = config;
  }

  async arm(name: string, at: Date, payload: unknown): Promise<void> {
    const target = this.config.target;
    if (!target) throw new Error('These timers were composed without a target: this function may cancel timers but not arm them');
    const request = {
      Name: name,
      GroupName: this.config.groupName,
      ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as FlexibleTimeWindowMode },
      ActionAfterCompletion: 'DELETE' as const,
      Target: {
        Arn: target.arn,
        RoleArn: target.roleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(request));
    } catch (error) {
      if (!(error instanceof ConflictException) && (error as Error).name !== 'ConflictException') throw error;
      await this.client.send(new UpdateScheduleCommand(request));
    }
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.config.groupName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }
}

export function schedulerClient(): SchedulerClient {
  return new SchedulerClient({});
}
