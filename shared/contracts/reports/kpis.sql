-- KPIs: one row of the raw sums and counts behind every field of GET /v1/reports/kpis for the
-- reporting days from..to (inclusive) in one currency; the ratios are computed from them in
-- shared/domain/finance-reports.ts (recoveryByStep comes from recovery-by-step.sql).
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
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
    event_id,
    invoice_id,
    seq,
    type,
    currency,
    invoice_amount_minor,
    issue_date,
    due_date,
    COALESCE(amount_minor, 0) AS amount_minor,
    balance_minor,
    COALESCE(paid_at, "at") AS paid_at,
    channel,
    message_id,
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
  SELECT
    s.invoice_id,
    CAST(MAX(e.paid_at) AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS paid_day
  FROM settling AS s
  JOIN events AS e ON e.invoice_id = s.invoice_id AND e.type = 'payment.received' AND e.seq <= s.seq
  GROUP BY s.invoice_id
),
-- Per invoice: what AR(from - 1 day) and AR(to) need, with "by from - 1" written as "before from".
-- AR(D) = amount - payments paid by D - credits recorded by D; 0 when issued after D or voided
-- or written off by D. The credit of a credited dispute is its credit_note.applied event.
facts AS (
  SELECT
    i.invoice_id,
    i.amount_minor,
    i.issue_date,
    i.due_date,
    SUM(CASE WHEN e.type = 'payment.received' AND e.paid_day < p.from_day THEN e.amount_minor ELSE 0 END) AS paid_before,
    SUM(CASE WHEN e.type = 'payment.received' AND e.paid_day <= p.to_day THEN e.amount_minor ELSE 0 END) AS paid_by_end,
    SUM(CASE WHEN e.type = 'credit_note.applied' AND e.event_day < p.from_day THEN e.amount_minor ELSE 0 END) AS credited_before,
    SUM(CASE WHEN e.type = 'credit_note.applied' AND e.event_day <= p.to_day THEN e.amount_minor ELSE 0 END) AS credited_by_end,
    SUM(CASE WHEN e.type IN ('invoice.voided', 'invoice.written_off') AND e.event_day < p.from_day THEN 1 ELSE 0 END) AS closed_before,
    SUM(CASE WHEN e.type IN ('invoice.voided', 'invoice.written_off') AND e.event_day <= p.to_day THEN 1 ELSE 0 END) AS closed_by_end,
    SUM(CASE WHEN e.type = 'payment.received' AND e.paid_day BETWEEN p.from_day AND p.to_day THEN e.amount_minor ELSE 0 END) AS collected,
    SUM(CASE WHEN e.type = 'dispute.opened' AND e.event_day <= p.to_day THEN 1 ELSE 0 END) AS disputes_by_end
  FROM invoices AS i
  CROSS JOIN params AS p
  JOIN events AS e ON e.invoice_id = i.invoice_id
  GROUP BY i.invoice_id, i.amount_minor, i.issue_date, i.due_date
),
balances AS (
  SELECT
    f.*,
    CASE
      WHEN f.issue_date >= p.from_day OR f.closed_before > 0 THEN 0
      ELSE f.amount_minor - f.paid_before - f.credited_before
    END AS ar_begin,
    CASE
      WHEN f.issue_date > p.to_day OR f.closed_by_end > 0 THEN 0
      ELSE f.amount_minor - f.paid_by_end - f.credited_by_end
    END AS ar_end,
    CASE WHEN f.issue_date BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END AS issued,
    s.paid_day AS settled_day
  FROM facts AS f
  CROSS JOIN params AS p
  LEFT JOIN settlements AS s ON s.invoice_id = f.invoice_id
),
-- An overpaid invoice (AR < 0) is money owed to the customer, not a receivable: only AR > 0 is
-- summed, as in the aging report, so ar_end_minor equals the aging total at `to`.
invoice_totals AS (
  SELECT
    SUM(CASE WHEN b.issued = 1 THEN b.amount_minor ELSE 0 END) AS sales_minor,
    SUM(CASE WHEN b.ar_begin > 0 THEN b.ar_begin ELSE 0 END) AS ar_begin_minor,
    SUM(CASE WHEN b.ar_end > 0 THEN b.ar_end ELSE 0 END) AS ar_end_minor,
    SUM(CASE WHEN b.ar_end > 0 AND b.due_date >= p.to_day THEN b.ar_end ELSE 0 END) AS ar_end_current_minor,
    SUM(b.collected) AS collected_minor,
    SUM(b.issued) AS issued_invoices,
    SUM(CASE WHEN b.issued = 1 AND b.disputes_by_end > 0 THEN 1 ELSE 0 END) AS disputed_invoices,
    SUM(CASE WHEN b.settled_day BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END) AS paid_invoices,
    SUM(CASE WHEN b.settled_day BETWEEN p.from_day AND p.to_day THEN date_diff('day', b.issue_date, b.settled_day) ELSE 0 END)
      AS days_to_pay_sum
  FROM balances AS b
  CROSS JOIN params AS p
),
-- Reminder messages: one message covering several invoices has one message id on each of them.
-- A notice that went by email is an email; reminder.confirmed is a send whose outcome was
-- unknown until the email provider reported it (only email reports back).
event_totals AS (
  SELECT
    SUM(CASE WHEN e.type = 'promise.kept' THEN 1 ELSE 0 END) AS promises_kept,
    SUM(CASE WHEN e.type = 'promise.broken' THEN 1 ELSE 0 END) AS promises_broken,
    COUNT(DISTINCT CASE
      WHEN (e.type = 'reminder.sent' AND e.channel IN ('email', 'notice')) OR e.type = 'reminder.confirmed'
        THEN COALESCE(e.message_id, e.event_id)
    END) AS email_messages,
    COUNT(DISTINCT CASE
      WHEN e.type = 'reminder.sent' AND e.channel = 'sms' THEN COALESCE(e.message_id, e.event_id)
    END) AS sms_messages
  FROM events AS e
  JOIN invoices AS i ON i.invoice_id = e.invoice_id
  CROSS JOIN params AS p
  WHERE e.event_day BETWEEN p.from_day AND p.to_day
)
SELECT
  date_diff('day', p.from_day, p.to_day) + 1 AS days,
  COALESCE(t.sales_minor, 0) AS sales_minor,
  COALESCE(t.ar_begin_minor, 0) AS ar_begin_minor,
  COALESCE(t.ar_end_minor, 0) AS ar_end_minor,
  COALESCE(t.ar_end_current_minor, 0) AS ar_end_current_minor,
  COALESCE(t.collected_minor, 0) AS collected_minor,
  COALESCE(t.issued_invoices, 0) AS issued_invoices,
  COALESCE(t.disputed_invoices, 0) AS disputed_invoices,
  COALESCE(x.promises_kept, 0) AS promises_kept,
  COALESCE(x.promises_broken, 0) AS promises_broken,
  COALESCE(x.email_messages, 0) AS email_messages,
  COALESCE(x.sms_messages, 0) AS sms_messages,
  COALESCE(t.paid_invoices, 0) AS paid_invoices,
  COALESCE(t.days_to_pay_sum, 0) AS days_to_pay_sum
FROM params AS p
CROSS JOIN invoice_totals AS t
CROSS JOIN event_totals AS x
