import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EnvName } from '#contracts/env.ts';
import { type FunctionName, functionEnvironment } from '#contracts/functions.ts';
import { processClock } from './clock.ts';
import { DynamoIdempotencyStore } from './dynamo-idempotency-store.ts';
import { DynamoInvoiceStore, documentClient } from './dynamo-invoice-store.ts';
import { readEnvironment } from './environment.ts';
import { jsonLogger } from './log.ts';
import { EventBridgeDomainEvents, SqsDunningStarts } from './messaging.ts';
import { SignedPayLinks } from './pay-links.ts';
import { SchedulerTimers, schedulerClient } from './scheduler-timers.ts';
import { SecretsManagerSource } from './secrets-manager.ts';
import { SesMailer, sesClient } from './ses-mailer.ts';
import { StepFunctionsWorkflow } from './sfn-workflow.ts';

/**
 * Builds a function's adapters from its environment, once per cold start. A function can
 * only build what its catalogue entry gives it variables for, and fails loudly otherwise.
 */
export function composeFunction(name: FunctionName) {
  const env = readEnvironment(functionEnvironment[name]) as Partial<Record<EnvName, string>>;
  const need = (variable: EnvName): string => {
    const value = env[variable];
    if (value === undefined) throw new Error(`${name} has no ${variable} in its catalogue entry`);
    return value;
  };
  const documents = documentClient();
  return {
    clock: processClock,
    log: jsonLogger(name),
    invoiceStore: () => new DynamoInvoiceStore(documents, need(EnvName.tableName)),
    idempotencyStore: () => new DynamoIdempotencyStore(documents, need(EnvName.tableName)),
    starts: () => new SqsDunningStarts(new SQSClient({}), need(EnvName.startQueueUrl)),
    events: () => new EventBridgeDomainEvents(new EventBridgeClient({}), need(EnvName.eventBusName)),
    workflow: () => new StepFunctionsWorkflow(new SFNClient({}), need(EnvName.stateMachineArn)),
    /** For functions that only answer task tokens: they need no state machine ARN. */
    taskResponder: () => new StepFunctionsWorkflow(new SFNClient({}), 'arn:aws:states:::stateMachine:unused'),
    /** Timers; the wake target is included for the functions whose catalogue entry names it (arm-timer). */
    timers: () => {
      const arn = env[EnvName.wakeFunctionArn];
      const roleArn = env[EnvName.schedulerRoleArn];
      return new SchedulerTimers(schedulerClient(), {
        groupName: need(EnvName.scheduleGroup),
        target: arn && roleArn ? { arn, roleArn } : undefined,
      });
    },
    mailer: () =>
      new SesMailer(sesClient(), { fromAddress: need(EnvName.senderEmail), configurationSet: need(EnvName.sesConfigurationSet) }),
    payLinks: () =>
      new SignedPayLinks(new SecretsManagerSource(new SecretsManagerClient({})), need(EnvName.linkSecretId), need(EnvName.publicBaseUrl)),
    secrets: () => new SecretsManagerSource(new SecretsManagerClient({})),
    linkSecretId: () => need(EnvName.linkSecretId),
  };
}
