-- Recovery by cadence step: per step, the invoices of one currency that got it on reporting
-- days from..to (inclusive), and how many of them were paid in full within 7 x 24 hours after
-- that send (from the send up to exactly 168 hours later, both ends included).
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
-- Returns step_id, sent, paid_within_7_days, ordered by step_id; a step nobody got has no row.
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
    "at",
    currency,
    balance_minor,
    COALESCE(paid_at, "at") AS paid_at,
    step_id,
    -- Calendar days in the reporting zone.
    CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS event_day
  FROM numbered
  WHERE occurrence = 1
),
-- The latest row of an invoice has its current terms, the currency included.
latest AS (
  SELECT events.*, row_number() OVER (PARTITION BY invoice_id ORDER BY seq DESC) AS recency
  FROM events
),
invoices AS (
  SELECT latest.invoice_id
  FROM latest
  CROSS JOIN params
  WHERE latest.recency = 1 AND latest.currency = params.currency
),
-- The moment an invoice was paid in full: its first payment that left no balance settled it, and
-- it was paid when the last of the money up to that payment was paid (paid_at, which may precede
-- the recording). A balance closed by a credit note is not paid by payment.
settling AS (
  SELECT invoice_id, MIN(seq) AS seq
  FROM events
  WHERE type = 'payment.received' AND balance_minor <= 0
  GROUP BY invoice_id
),
settlements AS (
  SELECT s.invoice_id, MAX(e.paid_at) AS paid_at
  FROM settling AS s
  JOIN events AS e ON e.invoice_id = s.invoice_id AND e.type = 'payment.received' AND e.seq <= s.seq
  GROUP BY s.invoice_id
),
-- A send of a step: reminder.sent, or reminder.confirmed for a send whose outcome was unknown until
-- the email provider reported it. An invoice counts once per step, from its first send.
sends AS (
  SELECT e.step_id, e.invoice_id, MIN(e."at") AS sent_at
  FROM events AS e
  JOIN invoices AS i ON i.invoice_id = e.invoice_id
  CROSS JOIN params AS p
  WHERE e.type IN ('reminder.sent', 'reminder.confirmed')
    AND e.step_id IS NOT NULL
    AND e.event_day BETWEEN p.from_day AND p.to_day
  GROUP BY e.step_id, e.invoice_id
)
SELECT
  sends.step_id,
  COUNT(*) AS sent,
  SUM(
    CASE
      WHEN settlements.paid_at >= sends.sent_at AND settlements.paid_at <= sends.sent_at + INTERVAL '168' HOUR THEN 1
      ELSE 0
    END
  ) AS paid_within_7_days
FROM sends
LEFT JOIN settlements ON settlements.invoice_id = sends.invoice_id
GROUP BY sends.step_id
ORDER BY sends.step_id
