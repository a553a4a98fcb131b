-- Bad debt ratio: the balances of one currency written off on days from..to (inclusive)
-- against the sales of those days (amounts of the invoices issued then), in percent with
-- 2 decimals; null when nothing was issued.
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
-- Returns one row: written_off_minor, written_off_invoices, sales_minor, bad_debt_percent.
-- Runs unchanged on Athena (Trino) and DuckDB; the reporting zone is substituted as a literal.
WITH params AS (
  SELECT CAST(? AS DATE) AS from_day, CAST(? AS DATE) AS to_day, CAST(? AS VARCHAR) AS currency
),
-- Only the terms (invoice.received, invoice.updated) and the write-offs: filtering before
-- anything else keeps the de-duplication to a small part of the lake.
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
    e.amount_minor,
    row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM invoice_events AS e
  WHERE e.type IN ('invoice.received', 'invoice.updated', 'invoice.written_off')
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
    -- Calendar days in the reporting zone, converted for the write-offs only.
    CASE WHEN type = 'invoice.written_off' THEN CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) END AS local_day
  FROM numbered
  WHERE occurrence = 1
),
-- One pass per invoice. Every row carries the terms as they stood after its event (a backfill
-- writes the final terms on every row: only the latest is reliable), and only invoice.received
-- and invoice.updated change them, so the latest of these rows has the current terms:
-- max_by(value, ordering) in both engines (which differ only on a null value, and every row
-- carries all its terms).
invoices AS (
  SELECT
    e.invoice_id,
    max_by(e.currency, e.seq) AS currency,
    max_by(e.invoice_amount_minor, e.seq) AS amount_minor,
    CAST(max_by(e.issue_date, e.seq) AS DATE) AS issue_date,
    SUM(CASE WHEN e.type = 'invoice.written_off' AND e.local_day BETWEEN p.from_day AND p.to_day THEN e.amount_minor ELSE 0 END)
      AS written_off_minor,
    MAX(CASE WHEN e.type = 'invoice.written_off' AND e.local_day BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END) AS written_off
  FROM events AS e
  CROSS JOIN params AS p
  GROUP BY e.invoice_id
),
totals AS (
  SELECT
    COALESCE(SUM(i.written_off_minor), 0) AS written_off_minor,
    COALESCE(SUM(i.written_off), 0) AS written_off_invoices,
    COALESCE(SUM(CASE WHEN i.issue_date BETWEEN p.from_day AND p.to_day THEN i.amount_minor ELSE 0 END), 0) AS sales_minor
  FROM invoices AS i
  CROSS JOIN params AS p
  WHERE i.currency = p.currency
)
SELECT
  t.written_off_minor,
  t.written_off_invoices,
  t.sales_minor,
  -- Doubles: DuckDB divides decimals into doubles anyway, and integer division differs.
  ROUND(CAST(t.written_off_minor AS DOUBLE) * 100 / NULLIF(CAST(t.sales_minor AS DOUBLE), 0), 2) AS bad_debt_percent
FROM totals AS t
