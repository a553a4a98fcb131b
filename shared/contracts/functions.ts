import { EnvName } from './env.ts';

/**
 * The catalogue of Lambda functions: one folder under `functions/` each, with the
 * environment it needs. The CDK stack and the local runtime both build from this list,
 * so a function never runs somewhere without the variables (and grants) it relies on.
 */
export const FunctionName = {
  invoicesApi: 'invoices-api',
  payPage: 'pay-page',
  startDunning: 'start-dunning',
  /**
   * The state machine's one task: a wake-up of an invoice's execution (plan, send reminders,
   * open collector tasks, close; then arm the timer that wakes it again).
   */
  advance: 'advance',
  wake: 'wake',
  signal: 'signal',
  reconcile: 'reconcile',
  /** Collector tasks the advance function put on the bus → the collectors topic. */
  notifyCollectors: 'notify-collectors',
  tasksApi: 'tasks-api',
  policiesApi: 'policies-api',
  customersApi: 'customers-api',
  stripeWebhook: 'stripe-webhook',
  emailFeedback: 'email-feedback',
  /** The table's change stream → Parquet rows of the finance lake. */
  exportEvents: 'export-events',
  /** Merges a lake partition's files into one, one row per event (daily, and after a backfill). */
  exportCompact: 'export-compact',
  /** Writes the history of invoices already in the table into the lake (run by hand, idempotent). */
  exportBackfill: 'export-backfill',
  reportsApi: 'reports-api',
} as const;

export type FunctionName = (typeof FunctionName)[keyof typeof FunctionName];

/** What each function needs, expressed as the environment variables it reads. */
export const functionEnvironment: Record<FunctionName, readonly EnvName[]> = {
  'invoices-api': [EnvName.tableName, EnvName.startQueueUrl, EnvName.eventBusName],
  'pay-page': [
    EnvName.tableName,
    EnvName.linkSecretId,
    EnvName.eventBusName,
    EnvName.paymentSecretId,
    EnvName.publicBaseUrl,
    EnvName.creditorName,
    EnvName.creditorContact,
  ],
  'start-dunning': [EnvName.tableName, EnvName.stateMachineArn, EnvName.startRatePerConsumer],
  advance: [
    EnvName.tableName,
    EnvName.senderEmail,
    EnvName.sesConfigurationSet,
    EnvName.publicBaseUrl,
    EnvName.linkSecretId,
    EnvName.creditorName,
    EnvName.creditorContact,
    EnvName.eventBusName,
    EnvName.scheduleGroup,
    EnvName.schedulerRoleArn,
    EnvName.wakeFunctionArn,
  ],
  wake: [EnvName.tableName],
  signal: [EnvName.tableName, EnvName.scheduleGroup],
  reconcile: [EnvName.tableName, EnvName.stateMachineArn, EnvName.startQueueUrl],
  'notify-collectors': [EnvName.collectorsTopicArn],
  'tasks-api': [EnvName.tableName, EnvName.eventBusName],
  'policies-api': [EnvName.tableName],
  'customers-api': [EnvName.tableName],
  'stripe-webhook': [EnvName.tableName, EnvName.eventBusName, EnvName.paymentSecretId],
  'email-feedback': [EnvName.tableName, EnvName.eventBusName],
  'export-events': [EnvName.exportBucketName],
  'export-compact': [EnvName.exportBucketName],
  'export-backfill': [EnvName.tableName, EnvName.exportBucketName],
  'reports-api': [EnvName.athenaWorkGroup, EnvName.lakeDatabase, EnvName.reportingTimeZone],
};

/**
 * Substitutions used by `statemachines/invoice-dunning.asl.json`: each `${Key}` there is
 * the ARN of the named function.
 */
export const dunningDefinitionSubstitutions = {
  AdvanceFunctionArn: FunctionName.advance,
} as const satisfies Record<string, FunctionName>;

export const DUNNING_STATE_MACHINE_FILE = 'statemachines/invoice-dunning.asl.json';

/** The access each function needs beyond its environment; infra grants exactly these. */
export type Access =
  | 'table:read'
  | 'table:readWrite'
  | 'startQueue:send'
  | 'startQueue:consume'
  | 'events:put'
  | 'states:start'
  /** List the dunning state machine's executions (the reconciler: which are running). */
  | 'states:list'
  | 'states:taskResponse'
  | 'scheduler:manage'
  | 'ses:send'
  | 'linkSecret:read'
  /** Read the payment provider's secret (API key, webhook signing secret). */
  | 'paymentSecret:read'
  /** Publish to the collectors SNS topic (collector tasks). */
  | 'collectors:publish'
  /** Send SMS through SNS to phone numbers (no topic). */
  | 'sms:publish'
  /** Read the table's change stream (the projector's event source). */
  | 'table:stream'
  /** Read every item of the table (Scan), for the lake backfill only. */
  | 'table:scan'
  /** Write, list, read and delete Parquet objects of the lake bucket. */
  | 'lake:readWrite'
  /** Run the report queries in the Athena workgroup over the lake's Glue tables. */
  | 'lake:query';

export const functionAccess: Record<FunctionName, readonly Access[]> = {
  'invoices-api': ['table:readWrite', 'startQueue:send', 'events:put'],
  // The debtor's own actions (dispute, promise) write the invoice and signal its execution;
  // the pay button opens a checkout at the payment provider.
  'pay-page': ['table:readWrite', 'linkSecret:read', 'events:put', 'paymentSecret:read'],
  // No DescribeExecution: a start by name answers whether the recorded execution runs or ended.
  'start-dunning': ['table:readWrite', 'startQueue:consume', 'states:start'],
  // Reminders and the thank-you by email or text (pay links signed with the link key), new
  // collector tasks as events (a texter may not publish to topics: notify-collectors does), the
  // timer that wakes it; it resumes its own task when the lifecycle closes or the invoice changed
  // while it was planning.
  advance: ['table:readWrite', 'ses:send', 'sms:publish', 'linkSecret:read', 'events:put', 'scheduler:manage', 'states:taskResponse'],
  wake: ['table:readWrite', 'states:taskResponse'],
  signal: ['table:readWrite', 'scheduler:manage', 'states:taskResponse'],
  // Reads the active index, lists the running executions, requests starts for the others.
  reconcile: ['table:read', 'states:list', 'startQueue:send'],
  'notify-collectors': ['collectors:publish'],
  'tasks-api': ['table:readWrite', 'events:put'],
  'policies-api': ['table:readWrite'],
  'customers-api': ['table:readWrite'],
  // Verifies the provider's signature, de-duplicates its events, records the payment and signals.
  'stripe-webhook': ['table:readWrite', 'events:put', 'paymentSecret:read'],
  // SES delivery/bounce/complaint events: timeline entries, suppressed addresses, a re-plan signal.
  'email-feedback': ['table:readWrite', 'events:put'],
  // Projector: each batch of stream records becomes Parquet objects with keys derived from the batch.
  'export-events': ['table:stream', 'lake:readWrite'],
  'export-compact': ['lake:readWrite'],
  'export-backfill': ['table:scan', 'lake:readWrite'],
  'reports-api': ['lake:query'],
};
