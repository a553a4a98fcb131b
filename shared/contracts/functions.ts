/**
 * Environment variable names shared by the infrastructure (which sets them) and the
 * functions (which parse them once at cold start). One list, so the two never drift.
 */
export const EnvName = {
  tableName: 'DUNWELL_TABLE_NAME',
  stateMachineArn: 'DUNWELL_STATE_MACHINE_ARN',
  startQueueUrl: 'DUNWELL_START_QUEUE_URL',
  eventBusName: 'DUNWELL_EVENT_BUS_NAME',
  scheduleGroup: 'DUNWELL_SCHEDULE_GROUP',
  schedulerRoleArn: 'DUNWELL_SCHEDULER_ROLE_ARN',
  wakeFunctionArn: 'DUNWELL_WAKE_FUNCTION_ARN',
  senderEmail: 'DUNWELL_SENDER_EMAIL',
  sesConfigurationSet: 'DUNWELL_SES_CONFIGURATION_SET',
  publicBaseUrl: 'DUNWELL_PUBLIC_BASE_URL',
  linkSecretId: 'DUNWELL_LINK_SECRET_ID',
  collectorsTopicArn: 'DUNWELL_COLLECTORS_TOPIC_ARN',
  /** Secrets Manager secret `{"apiKey", "webhookSecret"}` of the payment provider (Stripe). */
  paymentSecretId: 'DUNWELL_PAYMENT_SECRET_ID',
  /** Who is asking for the money: named on the hosted pages, in every message and as the From display name. */
  creditorName: 'DUNWELL_CREDITOR_NAME',
  /** Where customers ask questions: an email address, a phone number or an https:// URL. */
  creditorContact: 'DUNWELL_CREDITOR_CONTACT',
  /** The finance lake's bucket: Parquet tables under `<table>/dt=YYYY-MM-DD/`. */
  exportBucketName: 'DUNWELL_EXPORT_BUCKET_NAME',
  /** The bucket a print-and-post service collects letters from (`<date>/<id>.html` and `.json`). */
  lettersBucketName: 'DUNWELL_LETTERS_BUCKET_NAME',
  /** The archive of sent messages, as the customer got them (`<message id>.json`), for the console. */
  messagesBucketName: 'DUNWELL_MESSAGES_BUCKET_NAME',
  /** Athena workgroup the reports run in (results location and encryption enforced there). */
  athenaWorkGroup: 'DUNWELL_ATHENA_WORKGROUP',
  /** Glue database of the lake tables (`dunwell_<stage>`). */
  lakeDatabase: 'DUNWELL_LAKE_DATABASE',
  /** IANA zone whose calendar days the reports count in (config `reportingTimeZone`, default UTC). */
  reportingTimeZone: 'DUNWELL_REPORTING_TIME_ZONE',
  /**
   * StartExecution calls per second this consumer of the start buffer may make: the config's
   * `startRatePerSecond` over the event source's concurrent consumers (shared/contracts/start-pacing.ts).
   */
  startRatePerConsumer: 'DUNWELL_START_RATE_PER_CONSUMER',
  /** The console's people: the Cognito user pool (ID tokens are verified against it). */
  consoleUserPoolId: 'DUNWELL_CONSOLE_USER_POOL_ID',
  /** The console's public app client (authorization code + PKCE). */
  consoleClientId: 'DUNWELL_CONSOLE_CLIENT_ID',
  /** Base URL of Cognito managed login (`/oauth2/authorize`, `/oauth2/token`, `/logout` under it). */
  consoleSignInUrl: 'DUNWELL_CONSOLE_SIGN_IN_URL',
  /** Secrets Manager keyring `{"current": kid, kid: key}` sealing console session cookies. */
  consoleSessionSecretId: 'DUNWELL_CONSOLE_SESSION_SECRET_ID',
  /**
   * The domain customers' replies come back to (config `replyDomain`): every email carries a
   * Reply-To `r+<code>@<domain>`. Unset → no Reply-To, and replies go to the sender address.
   */
  replyDomain: 'DUNWELL_REPLY_DOMAIN',
  /** The bucket SES receiving stores replies in (`inbound/<SES message id>`), with their attachments. */
  repliesBucketName: 'DUNWELL_REPLIES_BUCKET_NAME',
} as const;

export type EnvName = (typeof EnvName)[keyof typeof EnvName];

/**
 * Optional endpoint override for the Stripe API (like AWS_ENDPOINT_URL_*): unset on AWS, so the
 * pay page talks to api.stripe.com; the local runtime points it at its Stripe-compatible sandbox.
 */
export const STRIPE_API_URL_VARIABLE = 'DUNWELL_STRIPE_API_URL';

/**
 * Set (to `on`) by the local runtime only: the console offers a password-free sign-in per role.
 * The CDK app never sets it (a test checks the template), and the console refuses it over https.
 */
export const CONSOLE_DEV_SIGN_IN_VARIABLE = 'DUNWELL_CONSOLE_DEV_SIGN_IN';

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
  /** The people's console under /console: finance leads and collectors, signed in through Cognito. */
  console: 'console',
  /** A customer's email reply (SES receiving: the raw message in the replies bucket) → the timeline, a hold, a task. */
  reply: 'reply',
} as const;

export type FunctionName = (typeof FunctionName)[keyof typeof FunctionName];

/**
 * Substitutions used by `statemachines/invoice-dunning.asl.json`: each `${Key}` there is
 * the ARN of the named function.
 */
export const dunningDefinitionSubstitutions = {
  AdvanceFunctionArn: FunctionName.advance,
} as const satisfies Record<string, FunctionName>;

export const DUNNING_STATE_MACHINE_FILE = 'statemachines/invoice-dunning.asl.json';

/**
 * Each access a function can be granted, with the variables that name what it reaches: the one
 * declaration both come from. Infra grants the access and sets these variables together (a
 * resource construct gives their values), the functions read exactly these; the resource of an
 * access is the part before the colon. Adding a resource is: its variable above, its accesses
 * here, a construct that implements them (infra/constructs/catalogue-resource.ts), an adapter.
 */
export const accessVariables = {
  'table:read': [EnvName.tableName],
  'table:readWrite': [EnvName.tableName],
  /** Read every item of the table (Scan), for the lake backfill only. */
  'table:scan': [EnvName.tableName],
  /** Read the table's change stream (the projector's event source): no variable, the mapping delivers. */
  'table:stream': [],
  'startQueue:send': [EnvName.startQueueUrl],
  /** The start buffer as an event source: no variable, the mapping delivers. */
  'startQueue:consume': [],
  'events:put': [EnvName.eventBusName],
  // Whoever starts executions is paced: the rate comes with the grant.
  'states:start': [EnvName.stateMachineArn, EnvName.startRatePerConsumer],
  /** List the dunning state machine's executions (the reconciler: which are running). */
  'states:list': [EnvName.stateMachineArn],
  'states:taskResponse': [],
  'scheduler:manage': [EnvName.scheduleGroup, EnvName.schedulerRoleArn, EnvName.wakeFunctionArn],
  'ses:send': [EnvName.senderEmail, EnvName.sesConfigurationSet],
  'linkSecret:read': [EnvName.linkSecretId],
  /** Read the payment provider's secret (API key, webhook signing secret). */
  'paymentSecret:read': [EnvName.paymentSecretId],
  /** Publish to the collectors SNS topic (collector tasks). */
  'collectors:publish': [EnvName.collectorsTopicArn],
  /** Send SMS through SNS to phone numbers (no topic, so no variable). */
  'sms:publish': [],
  /** Write, list, read and delete Parquet objects of the lake bucket. */
  'lake:readWrite': [EnvName.exportBucketName],
  /** Run the report queries in the Athena workgroup over the lake's Glue tables. */
  'lake:query': [EnvName.athenaWorkGroup, EnvName.lakeDatabase, EnvName.reportingTimeZone],
  /** Put letters (HTML and envelope JSON) into the print-and-post bucket; nothing is read back. */
  'letters:write': [EnvName.lettersBucketName],
  /** Archive each message sent (email, SMS, letter, thank-you) as it went out; nothing is read back. */
  'messages:write': [EnvName.messagesBucketName],
  /** Read archived messages by id, to show them in the console; nothing is written. */
  'messages:read': [EnvName.messagesBucketName],
  /** Sign people in to the console (Cognito managed login) and seal their sessions with the keyring. */
  'console:signIn': [EnvName.consoleUserPoolId, EnvName.consoleClientId, EnvName.consoleSignInUrl, EnvName.consoleSessionSecretId],
  /** Read the raw replies SES stored (`inbound/`) and put their attachments (`attachments/`); nothing else. */
  'replies:readWrite': [EnvName.repliesBucketName],
} as const satisfies Record<string, readonly EnvName[]>;

/** The access each function needs; infra grants exactly these. */
export type Access = keyof typeof accessVariables;

/** Plain values a function is given (no resource, so no access goes with them). */
export const Setting = {
  publicBaseUrl: EnvName.publicBaseUrl,
  creditorName: EnvName.creditorName,
  creditorContact: EnvName.creditorContact,
  replyDomain: EnvName.replyDomain,
} as const;
export type Setting = (typeof Setting)[keyof typeof Setting];

/**
 * Settings a deployment may leave unset: the variable is then absent, and a function reading it
 * works without (no reply domain: emails carry no Reply-To). Every other setting is required.
 */
export const optionalSettings = [Setting.replyDomain] as const satisfies readonly Setting[];
export type OptionalSetting = (typeof optionalSettings)[number];
export const isOptionalSetting = (setting: Setting): setting is OptionalSetting =>
  (optionalSettings as readonly Setting[]).includes(setting);

export const functionAccess: Record<FunctionName, readonly Access[]> = {
  'invoices-api': ['table:readWrite', 'startQueue:send', 'events:put'],
  // The debtor's own actions (dispute, promise) write the invoice and signal its execution;
  // the pay button opens a checkout at the payment provider.
  'pay-page': ['table:readWrite', 'linkSecret:read', 'events:put', 'paymentSecret:read'],
  // No DescribeExecution: a start by name answers whether the recorded execution runs or ended.
  'start-dunning': ['table:readWrite', 'startQueue:consume', 'states:start'],
  // Reminders and the thank-you by email or text (pay links signed with the link key), new
  // collector tasks as events (a texter may not publish to topics: notify-collectors does), the
  // timer that wakes it, formal notices as letters to the print-and-post bucket, a copy of each
  // message sent to the messages archive; it resumes its own task when the lifecycle closes or the
  // invoice changed while it was planning.
  advance: [
    'table:readWrite',
    'ses:send',
    'sms:publish',
    'letters:write',
    'messages:write',
    'linkSecret:read',
    'events:put',
    'scheduler:manage',
    'states:taskResponse',
  ],
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
  // What finance and collectors do over HTTP today, from pages: reads and collections actions on
  // invoices and tasks (signals on the bus), re-plans (a start request), the reports over the lake,
  // the messages sent as the customer saw them.
  console: ['table:readWrite', 'events:put', 'startQueue:send', 'lake:query', 'messages:read', 'console:signIn'],
  // Reads the raw reply SES stored, keeps its attachments, checks the signed Reply-To against the
  // link keyring and its stored route, then records, holds, disputes or promises (signals on the
  // bus) and opens collector tasks (events for notify-collectors); unmatched replies are kept.
  reply: ['table:readWrite', 'events:put', 'linkSecret:read', 'replies:readWrite'],
};

/** The plain settings each function reads besides what its access brings. */
export const functionSettings: Partial<Record<FunctionName, readonly Setting[]>> = {
  'pay-page': [Setting.publicBaseUrl, Setting.creditorName, Setting.creditorContact],
  // The reply domain: each email's Reply-To.
  advance: [Setting.publicBaseUrl, Setting.creditorName, Setting.creditorContact, Setting.replyDomain],
  // The reply domain: which recipient of a reply is its signed address.
  reply: [Setting.replyDomain],
  // Its own origin: redirect URIs, and the origin a console POST must come from.
  console: [Setting.publicBaseUrl],
};

/** Every variable a function needs: those of its access, then its required settings (each once). */
export function functionEnvironment(name: FunctionName): readonly EnvName[] {
  const fromAccess = functionAccess[name].flatMap((access): readonly EnvName[] => accessVariables[access]);
  const required = (functionSettings[name] ?? []).filter((setting) => !isOptionalSetting(setting));
  return [...new Set([...fromAccess, ...required])];
}

/** The optional settings a function reads when the deployment sets them. */
export function functionOptionalEnvironment(name: FunctionName): readonly OptionalSetting[] {
  return (functionSettings[name] ?? []).filter(isOptionalSetting);
}
