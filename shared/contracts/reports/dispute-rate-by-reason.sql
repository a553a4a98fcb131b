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
-- Only the terms (invoice.received, invoice.updated) and the disputes: filtering before
-- anything else keeps the de-duplication to a small part of the lake.
-- The lake is at least once (a retried batch, a backfill beside the stream): one row per event.
numbered AS (
  SELECT
    e.invoice_id,
    e.seq,
    e.type,
    e."at",
    e.currency,
    e.issue_date,
    e.reason,
    row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM invoice_events AS e
  WHERE e.type IN ('invoice.received', 'invoice.updated', 'dispute.opened')
),
events AS (
  SELECT invoice_id, seq, type, "at", currency, issue_date, reason
  FROM numbered
  WHERE occurrence = 1
),
-- Every row carries the terms as they stood after its event (a backfill writes the final terms
-- on every row: only the latest is reliable), and only invoice.received and invoice.updated
-- change them, so the latest of these rows has the current terms: max_by(value, ordering) in
-- both engines (which differ only on a null value, and every row carries all its terms).
issued AS (
  SELECT latest.invoice_id
  FROM (
    SELECT e.invoice_id, max_by(e.currency, e.seq) AS currency, CAST(max_by(e.issue_date, e.seq) AS DATE) AS issue_date
    FROM events AS e
    GROUP BY e.invoice_id
  ) AS latest
  CROSS JOIN params AS p
  WHERE latest.currency = p.currency AND latest.issue_date BETWEEN p.from_day AND p.to_day
),
issued_count AS (
  SELECT COUNT(*) AS issued_invoices FROM issued
),
disputed AS (
  SELECT COALESCE(e.reason, 'unknown') AS reason, COUNT(DISTINCT e.invoice_id) AS disputes
  FROM events AS e
  JOIN issued AS i ON i.invoice_id = e.invoice_id
  CROSS JOIN params AS p
  -- Calendar days in the reporting zone, converted for the disputes only.
  WHERE e.type = 'dispute.opened' AND CAST(e."at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) <= p.to_day
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
