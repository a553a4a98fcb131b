-- Recovery by cadence step: per step, the invoices of one currency that got it on reporting
-- days from..to (inclusive), and how many of them were paid in full within 7 x 24 hours after
-- that send (from the send up to exactly 168 hours later, both ends included).
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
-- Returns step_id, sent, paid_within_7_days, ordered by step_id; a step nobody got has no row.
-- Follow-ups of a step are one row, follow-up.<step>.
-- Runs unchanged on Athena (Trino) and DuckDB; the reporting zone is substituted as a literal.
WITH params AS (
  SELECT CAST(? AS DATE) AS from_day, CAST(? AS DATE) AS to_day, CAST(? AS VARCHAR) AS currency
),
-- The terms (invoice.received, invoice.updated) and the payments: filtering before anything
-- else keeps the de-duplication to a small part of the lake (the sends are read apart, below).
-- The lake is at least once (a retried batch, a backfill beside the stream): one row per event.
numbered AS (
  SELECT
    e.invoice_id,
    e.seq,
    e.type,
    e.currency,
    e.balance_minor,
    COALESCE(e.paid_at, e."at") AS paid_at,
    row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM invoice_events AS e
  WHERE e.type IN ('invoice.received', 'invoice.updated', 'payment.received')
),
events AS (
  SELECT invoice_id, seq, type, currency, balance_minor, paid_at
  FROM numbered
  WHERE occurrence = 1
),
-- Every row carries the terms as they stood after its event (a backfill writes the final terms
-- on every row: only the latest is reliable), and only invoice.received and invoice.updated
-- change them, so the latest of these rows has the current currency: max_by(value, ordering)
-- in both engines (which differ only on a null value, and every row carries all its terms).
-- The moment an invoice was paid in full: its first payment that left no balance settled it
-- (settling_seq), and it was paid when the last of the money up to that payment was paid
-- (paid_at, which may precede the recording). A balance closed by a credit note is not paid by
-- payment.
invoices AS (
  SELECT latest.invoice_id, latest.settling_seq
  FROM (
    SELECT
      e.invoice_id,
      max_by(e.currency, e.seq) AS currency,
      MIN(CASE WHEN e.type = 'payment.received' AND e.balance_minor <= 0 THEN e.seq END) AS settling_seq
    FROM events AS e
    GROUP BY e.invoice_id
  ) AS latest
  CROSS JOIN params AS p
  WHERE latest.currency = p.currency
),
settlements AS (
  SELECT i.invoice_id, MAX(e.paid_at) AS paid_at
  FROM invoices AS i
  JOIN events AS e ON e.invoice_id = i.invoice_id AND e.type = 'payment.received' AND e.seq <= i.settling_seq
  GROUP BY i.invoice_id
),
-- A send of a step: reminder.sent, or reminder.confirmed for a send whose outcome was unknown until
-- the email provider reported it. An invoice counts once per step, from its first send.
-- The first send is a MIN per step and invoice, which a row written twice cannot change, so
-- these rows (the largest part of the lake) skip the de-duplication above. They are read only
-- from the partitions that can hold the period (dt is the UTC date of "at", and a local day
-- falls within the UTC days before, of and after it: every zone is within 14 hours of UTC);
-- the exact local day is decided after.
-- The follow-ups that fill a long silence (follow-up.<step>.<YYYY-MM-DD>) count as one step per
-- step they follow up (follow-up.<step>): each is keyed by its date only to be sent once.
sends AS (
  SELECT
    CASE WHEN r.step_id LIKE 'follow-up.%' THEN substr(r.step_id, 1, length(r.step_id) - 11) ELSE r.step_id END AS step_id,
    r.invoice_id,
    MIN(r."at") AS sent_at
  FROM invoice_events AS r
  JOIN invoices AS i ON i.invoice_id = r.invoice_id
  CROSS JOIN params AS p
  WHERE r.type IN ('reminder.sent', 'reminder.confirmed')
    AND r.step_id IS NOT NULL
    AND r.dt BETWEEN CAST(CAST(p.from_day - INTERVAL '1' DAY AS DATE) AS VARCHAR) AND CAST(CAST(p.to_day + INTERVAL '1' DAY AS DATE) AS VARCHAR)
    -- Calendar days in the reporting zone.
    AND CAST(r."at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) BETWEEN p.from_day AND p.to_day
  GROUP BY CASE WHEN r.step_id LIKE 'follow-up.%' THEN substr(r.step_id, 1, length(r.step_id) - 11) ELSE r.step_id END, r.invoice_id
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
