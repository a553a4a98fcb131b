import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EnvName, STRIPE_API_URL_VARIABLE } from '#contracts/env.ts';
import { type FunctionName, functionEnvironment } from '#contracts/functions.ts';
import { processClock } from './clock.ts';
import { DynamoCustomerLedger } from './dynamo-customer-ledger.ts';
import { DynamoCustomerStore } from './dynamo-customer-store.ts';
import { DynamoIdempotencyStore } from './dynamo-idempotency-store.ts';
import { DynamoInvoiceStore, documentClient } from './dynamo-invoice-store.ts';
import { DynamoPolicyStore } from './dynamo-policy-store.ts';
import { DynamoProcessedEvents } from './dynamo-processed-events.ts';
import { DynamoShortLinkStore } from './dynamo-short-links.ts';
import { DynamoTaskStore } from './dynamo-task-store.ts';
import { readEnvironment } from './environment.ts';
import { jsonLogger } from './log.ts';
import { EventBridgeCollectorNotifier, EventBridgeDomainEvents, SqsDunningStarts } from './messaging.ts';
import { SignedPayLinks } from './pay-links.ts';
import { SchedulerTimers, schedulerClient } from './scheduler-timers.ts';
import { SecretsManagerSource } from './secrets-manager.ts';
import { SesMailer, sesClient } from './ses-mailer.ts';
import { StepFunctionsWorkflow } from './sfn-workflow.ts';
import { SnsCollectorNotifier } from './sns-collectors.ts';
import { SnsTexter, snsClient } from './sns-texter.ts';
import { StripeCheckoutProvider } from './stripe-payments.ts';

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
    invoiceStore: () => new DynamoInvoiceStore(documents, need(EnvName.tableName), processClock),
    idempotencyStore: () => new DynamoIdempotencyStore(documents, need(EnvName.tableName)),
    policyStore: () => new DynamoPolicyStore(documents, need(EnvName.tableName)),
    customerLedger: () => new DynamoCustomerLedger(documents, need(EnvName.tableName)),
    /** Customer master data and their invoices; also the lifecycle's CustomerDirectory. */
    customerStore: () => new DynamoCustomerStore(documents, need(EnvName.tableName), processClock),
    taskStore: () => new DynamoTaskStore(documents, need(EnvName.tableName)),
    /** The collectors topic; delivery is at least once, so the SDK's own retries are welcome here. */
    collectorTopic: () => new SnsCollectorNotifier(new SNSClient({}), need(EnvName.collectorsTopicArn)),
    /** New collector tasks as events on the domain bus, for notify-collectors to publish (see EventBridgeCollectorNotifier). */
    collectorEvents: () => new EventBridgeCollectorNotifier(new EventBridgeClient({}), need(EnvName.eventBusName)),
    starts: () => new SqsDunningStarts(new SQSClient({}), need(EnvName.startQueueUrl)),
    events: () => new EventBridgeDomainEvents(new EventBridgeClient({}), need(EnvName.eventBusName)),
    workflow: () => new StepFunctionsWorkflow(new SFNClient({}), need(EnvName.stateMachineArn)),
    /** For functions that only answer task tokens: they need no state machine ARN. */
    taskResponder: () => new StepFunctionsWorkflow(new SFNClient({}), 'arn:aws:states:::stateMachine:unused'),
    /** Timers; the wake target is included for the functions whose catalogue entry names it (advance). */
    timers: () => {
      const arn = env[EnvName.wakeFunctionArn];
      const roleArn = env[EnvName.schedulerRoleArn];
      return new SchedulerTimers(schedulerClient(), {
        groupName: need(EnvName.scheduleGroup),
        target: arn && roleArn ? { arn, roleArn } : undefined,
      });
    },
    mailer: () =>
      new SesMailer(sesClient(), {
        fromAddress: need(EnvName.senderEmail),
        fromName: env[EnvName.creditorName],
        configurationSet: need(EnvName.sesConfigurationSet),
      }),
    /** Who is asking for the money, for the pages and messages. */
    creditor: () => ({ name: need(EnvName.creditorName), contact: need(EnvName.creditorContact) }),
    texter: () => new SnsTexter(snsClient()),
    /** Signed pay links; SMS get short ones, stored in the table. */
    payLinks: () =>
      new SignedPayLinks(
        new SecretsManagerSource(new SecretsManagerClient({})),
        need(EnvName.linkSecretId),
        need(EnvName.publicBaseUrl),
        new DynamoShortLinkStore(documents, need(EnvName.tableName)),
      ),
    /** Short pay links (`/p/<code>`) by code. */
    shortLinkStore: () => new DynamoShortLinkStore(documents, need(EnvName.tableName)),
    secrets: () => new SecretsManagerSource(new SecretsManagerClient({})),
    linkSecretId: () => need(EnvName.linkSecretId),
    paymentSecretId: () => need(EnvName.paymentSecretId),
    publicBaseUrl: () => need(EnvName.publicBaseUrl).replace(/\/+$/, ''),
    /** Stripe Checkout; DUNWELL_STRIPE_API_URL (optional) points the SDK at another endpoint, like AWS_ENDPOINT_URL_*. */
    paymentProvider: () =>
      new StripeCheckoutProvider(
        new SecretsManagerSource(new SecretsManagerClient({})),
        need(EnvName.paymentSecretId),
        process.env[STRIPE_API_URL_VARIABLE] || undefined,
      ),
    /** Stripe events already handled (webhook de-duplication). */
    processedStripeEvents: () => new DynamoProcessedEvents(documents, need(EnvName.tableName), 'STRIPE_EVENT'),
  };
}
