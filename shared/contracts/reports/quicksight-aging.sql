-- QuickSight data set "aging today": every invoice with receivables at the end of today in the
-- reporting time zone, with its days past due and bucket; the definitions are aging.sql's
-- (API.md "Reports"), with today for as_of and every currency. One row per invoice: QuickSight
-- sums ar_minor per currency and bucket, counts invoices, shows each bucket's share (percent of
-- total), and can still drill down to a customer or an invoice.
-- ${LakeDatabase} and ${ReportingTimeZone} are written in at deploy (finance-quicksight.ts).
-- Runs unchanged on Athena (Trino) and DuckDB.
WITH params AS (
  SELECT CAST(current_timestamp AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS as_of
),
numbered AS (
  SELECT e.*, row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM ${LakeDatabase}.invoice_events AS e
),
events AS (
  SELECT
    invoice_id,
    seq,
    type,
    customer_id,
    currency,
    invoice_amount_minor,
    issue_date,
    due_date,
    COALESCE(amount_minor, 0) AS amount_minor,
    CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS event_day,
    CAST(COALESCE(paid_at, "at") AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS paid_day
  FROM numbered
  WHERE occurrence = 1
),
-- The latest row of an invoice carries its current terms.
latest AS (
  SELECT events.*, row_number() OVER (PARTITION BY invoice_id ORDER BY seq DESC) AS recency
  FROM events
),
invoices AS (
  SELECT
    invoice_id,
    customer_id,
    currency,
    invoice_amount_minor AS amount_minor,
    CAST(issue_date AS DATE) AS issue_date,
    CAST(due_date AS DATE) AS due_date
  FROM latest
  WHERE recency = 1
),
-- AR(D) = amount - payments paid by D - credits recorded by D; 0 when issued after D or voided
-- or written off by D. A credited dispute's credit is its credit_note.applied event.
receivables AS (
  SELECT
    i.invoice_id,
    i.customer_id,
    i.currency,
    i.issue_date,
    i.due_date,
    p.as_of,
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
  GROUP BY i.invoice_id, i.customer_id, i.currency, i.amount_minor, i.issue_date, i.due_date, p.as_of
)
SELECT
  as_of,
  invoice_id,
  customer_id,
  currency,
  issue_date,
  due_date,
  days_past_due,
  CASE
    WHEN days_past_due <= 0 THEN 'current'
    WHEN days_past_due <= 30 THEN '1-30'
    WHEN days_past_due <= 60 THEN '31-60'
    WHEN days_past_due <= 90 THEN '61-90'
    ELSE '91+'
  END AS bucket,
  CASE
    WHEN days_past_due <= 0 THEN 1
    WHEN days_past_due <= 30 THEN 2
    WHEN days_past_due <= 60 THEN 3
    WHEN days_past_due <= 90 THEN 4
    ELSE 5
  END AS bucket_order,
  ar_minor
FROM receivables
-- An overpaid invoice (AR < 0) is money owed to the customer, not a receivable.
WHERE ar_minor > 0
