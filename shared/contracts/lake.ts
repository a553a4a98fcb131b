/**
 * The finance lake: Parquet tables on S3 (locally `<DUNWELL_DATA_DIR>/exports/`), partitioned by
 * `dt=YYYY-MM-DD` (the UTC date of the row's instant). The projector writes them, the Glue tables
 * describe them, and the report SQL reads them; all three take their columns from here.
 */

/** One row per timeline event of every invoice, exactly once per `event_id`. */
export const INVOICE_EVENTS_TABLE = 'invoice_events';

/** The partition column (a Hive-style folder `dt=YYYY-MM-DD`, not stored in the files). */
export const PARTITION_COLUMN = 'dt';

/**
 * How a column is written to Parquet and declared in Glue. Dates are ISO `YYYY-MM-DD` strings
 * (SQL casts them), instants are UTC millisecond timestamps, money is an integer count of minor
 * units (BIGINT) in the row's `currency`.
 */
export type LakeColumnType = 'string' | 'int' | 'bigint' | 'timestamp';

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeColumnType;
  readonly comment: string;
}

export const invoiceEventColumns = [
  { name: 'event_id', type: 'string', comment: 'invoice_id/seq: unique per timeline event, the de-duplication key' },
  { name: 'invoice_id', type: 'string', comment: 'the invoice' },
  { name: 'seq', type: 'int', comment: 'position of the event in the invoice timeline, from 0' },
  { name: 'type', type: 'string', comment: 'timeline event type, e.g. invoice.received, reminder.sent, payment.received' },
  { name: 'at', type: 'timestamp', comment: 'when the event was recorded (UTC)' },
  // The invoice's terms as they stood after this event: the latest row of an invoice has its current terms.
  { name: 'customer_id', type: 'string', comment: 'the invoice customer' },
  { name: 'currency', type: 'string', comment: 'ISO 4217 currency of every amount on the row' },
  { name: 'invoice_amount_minor', type: 'bigint', comment: 'invoice amount after this event, minor units' },
  { name: 'issue_date', type: 'string', comment: 'invoice issue date after this event, YYYY-MM-DD' },
  { name: 'due_date', type: 'string', comment: 'invoice due date after this event, YYYY-MM-DD' },
  // What the event itself carries.
  {
    name: 'amount_minor',
    type: 'bigint',
    comment:
      'money of the event, minor units: the payment (payment.received), the credit (credit_note.applied, dispute.resolved), the balance written off (invoice.written_off)',
  },
  { name: 'balance_minor', type: 'bigint', comment: 'invoice balance right after the event, when the event records it' },
  { name: 'paid_at', type: 'timestamp', comment: 'when the customer paid (payment.received), which may precede `at`' },
  { name: 'step_id', type: 'string', comment: 'cadence step (reminder.*, task.opened)' },
  { name: 'channel', type: 'string', comment: 'email, sms, task... (reminder.sent)' },
  { name: 'tone', type: 'string', comment: 'friendly, firm, final (reminder.sent)' },
  {
    name: 'message_id',
    type: 'string',
    comment: 'provider message id: one message covering several invoices has one id; for reply.received, the SES id of the reply',
  },
  { name: 'reason', type: 'string', comment: 'dispute reason code, void reason, hold reason, task reason; the class of a reply.received' },
  { name: 'outcome', type: 'string', comment: 'dispute or task outcome' },
  { name: 'detail', type: 'string', comment: 'the whole timeline event as JSON' },
] as const satisfies readonly LakeColumn[];

export type InvoiceEventColumn = (typeof invoiceEventColumns)[number]['name'];

/** A row as the projector builds it: absent values are null. Instants are ISO strings here. */
export type InvoiceEventRow = { readonly [K in InvoiceEventColumn]: string | number | null };

/** `invoice_events/dt=2026-12-01/` */
export function partitionPrefix(table: string, dt: string): string {
  return `${table}/${PARTITION_COLUMN}=${dt}/`;
}

/** The event id: stable, because a timeline only ever grows at its end. */
export function eventId(invoiceId: string, seq: number): string {
  return `${invoiceId}/${seq}`;
}
