import { SFNClient } from '@aws-sdk/client-sfn';
import { EnvName } from '#contracts/env.ts';
import type { FunctionContext } from './compose-context.ts';
import { SchedulerTimers, schedulerClient } from './scheduler-timers.ts';
import { StepFunctionsWorkflow } from './sfn-workflow.ts';

/** The dunning state machine: starts executions and answers task tokens. */
export const workflow = (app: FunctionContext) => new StepFunctionsWorkflow(new SFNClient({}), app.need(EnvName.stateMachineArn));

/** For functions that only answer task tokens: they need no state machine ARN. */
export const taskResponder = (_app: FunctionContext) =>
  new StepFunctionsWorkflow(new SFNClient({}), 'arn:aws:states:::stateMachine:unused');

/** Timers; the wake target is included for the functions whose catalogue entry names it (advance). */
export function timers(app: FunctionContext) {
  const arn = app.optional(EnvName.wakeFunctionArn);
  const roleArn = app.optional(EnvName.schedulerRoleArn);
  return new SchedulerTimers(schedulerClient(), {
    groupName: app.need(EnvName.scheduleGroup),
    target: arn && roleArn ? { arn, roleArn } : undefined,
  });
}
