-- Aging: the receivables of one currency at the end of reporting day as_of, by days past due.
-- Parameters, in order: as_of (YYYY-MM-DD), currency (ISO 4217).
-- Returns always five rows, in bucket order (current, 1-30, 31-60, 61-90, 91+), with zeros
-- for an empty bucket: bucket, amount_minor, invoices. Only invoices with AR(as_of) > 0 count.
-- Runs unchanged on Athena (Trino) and DuckDB; the reporting zone is substituted as a literal.
WITH params AS (
  SELECT CAST(? AS DATE) AS as_of, CAST(? AS VARCHAR) AS currency
),
-- The lake is at least once (a retried batch, a backfill beside the stream): one row per event.
numbered AS (
  SELECT e.*, row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM invoice_events AS e
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
    -- Calendar days in the reporting zone: "by D" means on or before local day D.
    CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS event_day,
    CAST(COALESCE(paid_at, "at") AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS paid_day
  FROM numbered
  WHERE occurrence = 1
),
-- Every row carries the terms after its event, so the latest row has the current terms
-- (a backfill writes the final terms on every row: only the latest is reliable).
latest AS (
  SELECT events.*, row_number() OVER (PARTITION BY invoice_id ORDER BY seq DESC) AS recency
  FROM events
),
invoices AS (
  SELECT
    latest.invoice_id,
    latest.invoice_amount_minor AS amount_minor,
    CAST(latest.issue_date AS DATE) AS issue_date,
    CAST(latest.due_date AS DATE) AS due_date
  FROM latest
  CROSS JOIN params
  WHERE latest.recency = 1 AND latest.currency = params.currency
),
-- AR(D) = amount - payments paid by D - credits recorded by D; 0 when issued after D or
-- voided or written off by D. The credit of a credited dispute is its credit_note.applied event
-- (dispute.resolved repeats the amount and is not counted again).
receivables AS (
  SELECT
    i.invoice_id,
    date_diff('day', i.due_date, p.as_of) AS days_past_due,
    CASE
      WHEN i.issue_date > p.as_of THEN 0
      WHEN SUM(CASE WHEN e.type IN ('invoice.voided', 'invoice.written_off') AND e.event_day <= p.as_of THEN 1 ELSE 0 END) > 0 THEN 0
      ELSE i.amount_minor
        - SUM(CASE WHEN e.type = 'payment.received' AND e.paid_day <= p.as_of THEN e.amount_minor ELSE 0 END)
        - SUM(CASE WHEN e.type = 'credit_note.applied' AND e.event_day <= p.as_of THEN e.amount_minor ELSE 0 END)
    END AS ar_minor
  FROM invoices AS i
  CROSS JOIN params AS p
  JOIN events AS e ON e.invoice_id = i.invoice_id
  GROUP BY i.invoice_id, i.amount_minor, i.issue_date, i.due_date, p.as_of
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
