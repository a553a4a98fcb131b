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
  /**
   * The bucket a print-and-post service collects letters from (`<date>/<id>.html` and `.json`).
   * Locally a folder of the data directory; not provisioned by the CDK app yet, and a deployment
   * without it fails a `letter` step, saying so.
   */
  lettersBucketName: 'DUNWELL_LETTERS_BUCKET_NAME',
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
} as const;

export type EnvName = (typeof EnvName)[keyof typeof EnvName];

/**
 * Optional endpoint override for the Stripe API (like AWS_ENDPOINT_URL_*): unset on AWS, so the
 * pay page talks to api.stripe.com; the local runtime points it at its Stripe-compatible sandbox.
 */
export const STRIPE_API_URL_VARIABLE = 'DUNWELL_STRIPE_API_URL';
