/**
 * Dunwell's own CloudWatch metrics: written by the functions as Embedded Metric Format lines
 * (Powertools Metrics), read by the operations alarms. One list, so the two never drift.
 */
export const METRICS_NAMESPACE = 'Dunwell';

/**
 * The one dimension every metric carries: the function that wrote it, by its deployed name
 * (`<namePrefix>-<catalogue name>`, so stages sharing an account stay apart).
 */
export const SERVICE_DIMENSION = 'service';

export const MetricName = {
  /** Reminders a provider (SES, SNS) accepted, recorded sent. */
  remindersSent: 'remindersSent',
  /** Reminder attempts that failed and were recorded `reminder.failed` for a later retry. */
  remindersFailed: 'remindersFailed',
  /** Reminders recorded `reminder.unconfirmed`: an attempt claimed them and did not finish; never re-sent. */
  remindersUnconfirmed: 'remindersUnconfirmed',
  /** Payments recorded against an invoice (the ERP's, and card payments from Stripe). */
  paymentsRecorded: 'paymentsRecorded',
  /** Card payments Stripe took that Dunwell could not record: booked or refunded by hand. */
  paymentNotRecorded: 'paymentNotRecorded',
  /** Holds placed through the API: holds, disputes, promises and payment plans. */
  holdsPlaced: 'holdsPlaced',
  /** Start requests taken from the start buffer. */
  startsRequested: 'startsRequested',
  /** Start requests whose invoice has a live execution now (started, or running already). */
  startsStarted: 'startsStarted',
} as const;

export type MetricName = (typeof MetricName)[keyof typeof MetricName];
