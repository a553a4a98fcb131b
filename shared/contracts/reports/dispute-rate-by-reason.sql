-- Dispute rate by reason: of the invoices of one currency issued on days from..to (inclusive),
-- how many had a dispute with each reason opened by the end of `to`, and their share of all the
-- invoices issued then (percent, 2 decimals). An invoice disputed for two reasons counts under
-- both, so the shares can add up to more than the overall disputeRate of the KPIs.
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
-- Returns reason, disputes, issued_invoices, share; most disputed reason first.
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
    issue_date,
    reason,
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
issued AS (
  SELECT latest.invoice_id
  FROM latest
  CROSS JOIN params AS p
  WHERE latest.recency = 1
    AND latest.currency = p.currency
    AND CAST(latest.issue_date AS DATE) BETWEEN p.from_day AND p.to_day
),
issued_count AS (
  SELECT COUNT(*) AS issued_invoices FROM issued
),
disputed AS (
  SELECT COALESCE(e.reason, 'unknown') AS reason, COUNT(DISTINCT e.invoice_id) AS disputes
  FROM events AS e
  JOIN issued AS i ON i.invoice_id = e.invoice_id
  CROSS JOIN params AS p
  WHERE e.type = 'dispute.opened' AND e.event_day <= p.to_day
  GROUP BY COALESCE(e.reason, 'unknown')
)
SELECT
  d.reason,
  d.disputes,
  c.issued_invoices,
  -- Doubles: DuckDB divides decimals into doubles anyway, and integer division differs.
  ROUND(CAST(d.disputes AS DOUBLE) * 100 / NULLIF(CAST(c.issued_invoices AS DOUBLE), 0), 2) AS share
FROM disputed AS d
CROSS JOIN issued_count AS c
ORDER BY d.disputes DESC, d.reason
