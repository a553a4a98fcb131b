-- Bad debt ratio: the balances of one currency written off on days from..to (inclusive)
-- against the sales of those days (amounts of the invoices issued then), in percent with
-- 2 decimals; null when nothing was issued.
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
-- Returns one row: written_off_minor, written_off_invoices, sales_minor, bad_debt_percent.
-- Runs unchanged on Athena (Trino) and DuckDB; the reporting zone is substituted as a literal.
WITH params AS (
  SELECT CAST(? AS DATE) AS from_day, CAST(? AS DATE) AS to_day, CAST(? AS VARCHAR) AS currency
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
    -- invoice.written_off carries the balance written off.
    COALESCE(amount_minor, 0) AS amount_minor,
    -- Calendar days in the reporting zone.
    CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS event_day
  FROM numbered
  WHERE occurrence = 1
),
-- The latest row of an invoice has its current terms.
latest AS (
  SELECT events.*, row_number() OVER (PARTITION BY invoice_id ORDER BY seq DESC) AS recency
  FROM events
),
invoices AS (
  SELECT latest.invoice_id, latest.invoice_amount_minor AS amount_minor, CAST(latest.issue_date AS DATE) AS issue_date
  FROM latest
  CROSS JOIN params AS p
  WHERE latest.recency = 1 AND latest.currency = p.currency
),
sales AS (
  SELECT COALESCE(SUM(i.amount_minor), 0) AS sales_minor
  FROM invoices AS i
  CROSS JOIN params AS p
  WHERE i.issue_date BETWEEN p.from_day AND p.to_day
),
written_off AS (
  SELECT COALESCE(SUM(e.amount_minor), 0) AS written_off_minor, COUNT(DISTINCT e.invoice_id) AS written_off_invoices
  FROM events AS e
  JOIN invoices AS i ON i.invoice_id = e.invoice_id
  CROSS JOIN params AS p
  WHERE e.type = 'invoice.written_off' AND e.event_day BETWEEN p.from_day AND p.to_day
)
SELECT
  w.written_off_minor,
  w.written_off_invoices,
  s.sales_minor,
  -- Doubles: DuckDB divides decimals into doubles anyway, and integer division differs.
  ROUND(CAST(w.written_off_minor AS DOUBLE) * 100 / NULLIF(CAST(s.sales_minor AS DOUBLE), 0), 2) AS bad_debt_percent
FROM written_off AS w
CROSS JOIN sales AS s
