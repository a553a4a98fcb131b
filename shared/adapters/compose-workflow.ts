import { setTimeout as sleep } from 'node:timers/promises';
import { SFNClient } from '@aws-sdk/client-sfn';
import { EnvName } from '#contracts/functions.ts';
import { RECONCILE_LIST_BURST, RECONCILE_LIST_RATE_PER_SECOND } from '#contracts/reconcile-pacing.ts';
import { Pacer } from '#domain/pacing.ts';
import type { FunctionContext } from './compose-context.ts';
import { SchedulerTimers, schedulerClient } from './scheduler-timers.ts';
import { StepFunctionsRunningExecutions, StepFunctionsWorkflow } from './sfn-workflow.ts';

/** The dunning state machine: starts executions and answers task tokens. */
export const workflow = (app: FunctionContext) =>
  new StepFunctionsWorkflow(app.telemetry.traced(new SFNClient({})), app.need(EnvName.stateMachineArn));

/**
 * The machine's running executions, paced at the reconciler's share of ListExecutions; a page
 * throttled anyway (another caller used the account's bucket) is retried by the SDK, with
 * more attempts than its default 3 as the run has minutes to spare.
 */
export const runningExecutions = (app: FunctionContext) =>
  new StepFunctionsRunningExecutions(
    app.telemetry.traced(new SFNClient({ maxAttempts: 8 })),
    app.need(EnvName.stateMachineArn),
    new Pacer({
      ratePerSecond: RECONCILE_LIST_RATE_PER_SECOND,
      burst: RECONCILE_LIST_BURST,
      now: () => Date.now(),
      sleep: (ms) => sleep(ms),
    }),
  );

/** For functions that only answer task tokens: they need no state machine ARN. */
export const taskResponder = (app: FunctionContext) =>
  new StepFunctionsWorkflow(app.telemetry.traced(new SFNClient({})), 'arn:aws:states:::stateMachine:unused');

/** Timers; the wake target is included for the functions whose catalogue entry names it (advance). */
export function timers(app: FunctionContext) {
  const arn = app.optional(EnvName.wakeFunctionArn);
  const roleArn = app.optional(EnvName.schedulerRoleArn);
  return new SchedulerTimers(app.telemetry.traced(schedulerClient()), {
    groupName: app.need(EnvName.scheduleGroup),
    target: arn && roleArn ? { arn, roleArn } : undefined,
  });
}
