-- Aging: the receivables of one currency at the end of reporting day as_of, by days past due.
-- Parameters, in order: as_of (YYYY-MM-DD), currency (ISO 4217).
-- Returns always five rows, in bucket order (current, 1-30, 31-60, 61-90, 91+), with zeros
-- for an empty bucket: bucket, amount_minor, invoices. Only invoices with AR(as_of) > 0 count.
-- Runs unchanged on Athena (Trino) and DuckDB; the reporting zone is substituted as a literal.
WITH params AS (
  SELECT CAST(? AS DATE) AS as_of, CAST(? AS VARCHAR) AS currency
),
-- Only the events AR depends on: the terms (invoice.received, invoice.updated) and the money
-- and closing events (every invoice has at least its invoice.received row among them).
-- Filtering before anything else keeps the de-duplication, the time zone conversions and the
-- aggregation to a small part of the lake (reminders and deliveries are most of it).
-- The lake is at least once (a retried batch, a backfill beside the stream): one row per event.
numbered AS (
  SELECT
    e.invoice_id,
    e.seq,
    e.type,
    e."at",
    e.currency,
    e.invoice_amount_minor,
    e.issue_date,
    e.due_date,
    e.amount_minor,
    e.paid_at,
    row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM invoice_events AS e
  WHERE e.type IN (
    'invoice.received', 'invoice.updated', 'payment.received', 'credit_note.applied', 'invoice.voided', 'invoice.written_off'
  )
),
events AS (
  SELECT
    invoice_id,
    seq,
    type,
    currency,
    invoice_amount_minor,
    issue_date,
    due_date,
    COALESCE(amount_minor, 0) AS amount_minor,
    -- Calendar days in the reporting zone ("by D" means on or before local day D), converted
    -- only where a day is compared: a payment by the day it was paid, a credit, void or
    -- write-off by the day it was recorded.
    CASE
      WHEN type = 'payment.received' THEN CAST(COALESCE(paid_at, "at") AT TIME ZONE '${ReportingTimeZone}' AS DATE)
      WHEN type IN ('credit_note.applied', 'invoice.voided', 'invoice.written_off')
        THEN CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE)
    END AS local_day
  FROM numbered
  WHERE occurrence = 1
),
-- One pass per invoice. Every row carries the terms as they stood after its event (a backfill
-- writes the final terms on every row: only the latest is reliable), and only invoice.received
-- and invoice.updated change them, so the latest of these rows has the current terms:
-- max_by(value, ordering) in both engines (which differ only on a null value, and every row
-- carries all its terms).
-- AR(D) = amount - payments paid by D - credits recorded by D; 0 when issued after D or
-- voided or written off by D. The credit of a credited dispute is its credit_note.applied event
-- (dispute.resolved repeats the amount and is not counted again).
invoices AS (
  SELECT
    e.invoice_id,
    max_by(e.currency, e.seq) AS currency,
    max_by(e.invoice_amount_minor, e.seq) AS amount_minor,
    CAST(max_by(e.issue_date, e.seq) AS DATE) AS issue_date,
    CAST(max_by(e.due_date, e.seq) AS DATE) AS due_date,
    SUM(CASE WHEN e.type IN ('invoice.voided', 'invoice.written_off') AND e.local_day <= p.as_of THEN 1 ELSE 0 END) AS closed,
    SUM(CASE WHEN e.type IN ('payment.received', 'credit_note.applied') AND e.local_day <= p.as_of THEN e.amount_minor ELSE 0 END)
      AS paid_or_credited
  FROM events AS e
  CROSS JOIN params AS p
  GROUP BY e.invoice_id
),
receivables AS (
  SELECT
    date_diff('day', i.due_date, p.as_of) AS days_past_due,
    CASE
      WHEN i.issue_date > p.as_of OR i.closed > 0 THEN 0
      ELSE i.amount_minor - i.paid_or_credited
    END AS ar_minor
  FROM invoices AS i
  CROSS JOIN params AS p
  WHERE i.currency = p.currency
),
aged AS (
  SELECT
    ar_minor,
    CASE
      WHEN days_past_due <= 0 THEN 'current'
      WHEN days_past_due <= 30 THEN '1-30'
      WHEN days_past_due <= 60 THEN '31-60'
      WHEN days_past_due <= 90 THEN '61-90'
      ELSE '91+'
    END AS bucket
  FROM receivables
  -- An overpaid invoice (AR < 0) is money owed to the customer, not a receivable.
  WHERE ar_minor > 0
)
SELECT
  buckets.bucket,
  COALESCE(SUM(aged.ar_minor), 0) AS amount_minor,
  COUNT(aged.ar_minor) AS invoices
FROM (VALUES ('current', 1), ('1-30', 2), ('31-60', 3), ('61-90', 4), ('91+', 5)) AS buckets (bucket, bucket_order)
LEFT JOIN aged ON aged.bucket = buckets.bucket
GROUP BY buckets.bucket, buckets.bucket_order
ORDER BY buckets.bucket_order
