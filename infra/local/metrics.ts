import type { FunctionName } from '#contracts/functions.ts';
import type { AwsEndpointUsage } from './aws-endpoint.ts';
import type { DynamoUsage } from './capacity.ts';
import type { FunctionUsage } from './lambda-host.ts';
import type { OutboxMessage } from './outbox.ts';
import type { ExecutionSummary } from './step-functions.ts';

/**
 * What the pipeline used since the runtime started, in the units AWS bills (`GET /_local/metrics`).
 * Counters only grow: a caller measures a stretch of work as the difference of two snapshots.
 */
export interface RuntimeMetrics {
  readonly stepFunctions: { readonly executions: number; readonly stateTransitions: number };
  /** Per function; billed milliseconds are measured locally (in-process wall time), not on Lambda. */
  readonly lambda: Partial<Record<FunctionName, FunctionUsage>>;
  readonly dynamodb: DynamoUsage;
  readonly scheduler: { readonly schedulesCreated: number; readonly schedulesUpdated: number; readonly schedulesDeleted: number };
  readonly eventBridge: { readonly eventsPut: number };
  readonly messages: { readonly email: number; readonly sms: number };
}

export interface MetricSources {
  readonly executions: readonly ExecutionSummary[];
  readonly lambda: Partial<Record<FunctionName, FunctionUsage>>;
  readonly dynamodb: DynamoUsage | undefined;
  readonly aws: AwsEndpointUsage | undefined;
  readonly outbox: readonly OutboxMessage[];
}

export function runtimeMetrics(sources: MetricSources): RuntimeMetrics {
  const aws = sources.aws ?? { schedulesCreated: 0, schedulesUpdated: 0, schedulesDeleted: 0, eventsPut: 0 };
  return {
    stepFunctions: {
      executions: sources.executions.length,
      stateTransitions: sources.executions.reduce((sum, execution) => sum + execution.transitions, 0),
    },
    lambda: sources.lambda,
    dynamodb: sources.dynamodb ?? { readRequestUnits: { table: 0, indexes: {} }, writeRequestUnits: { table: 0, indexes: {} } },
    scheduler: { schedulesCreated: aws.schedulesCreated, schedulesUpdated: aws.schedulesUpdated, schedulesDeleted: aws.schedulesDeleted },
    eventBridge: { eventsPut: aws.eventsPut },
    messages: {
      email: sources.outbox.filter((message) => message.channel === 'email').length,
      sms: sources.outbox.filter((message) => message.channel === 'sms').length,
    },
  };
}
