-- KPIs: one row of the raw sums and counts behind every field of GET /v1/reports/kpis for the
-- reporting days from..to (inclusive) in one currency; the ratios are computed from them in
-- shared/domain/finance-reports.ts (recoveryByStep comes from recovery-by-step.sql).
-- Parameters, in order: from (YYYY-MM-DD), to (YYYY-MM-DD), currency (ISO 4217).
-- Runs unchanged on Athena (Trino) and DuckDB; the reporting zone is substituted as a literal.
WITH params AS (
  SELECT CAST(? AS DATE) AS from_day, CAST(? AS DATE) AS to_day, CAST(? AS VARCHAR) AS currency
),
-- The events the per-invoice figures depend on: the terms (invoice.received, invoice.updated),
-- money, closing, disputes and promises. Filtering before anything else keeps the
-- de-duplication, the time zone conversions and the aggregation to a small part of the lake
-- (reminders and deliveries are most of it; the messages are counted apart, below).
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
    e.balance_minor,
    e.paid_at,
    row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM invoice_events AS e
  WHERE e.type IN (
    'invoice.received', 'invoice.updated', 'payment.received', 'credit_note.applied', 'invoice.voided',
    'invoice.written_off', 'dispute.opened', 'promise.kept', 'promise.broken'
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
    balance_minor,
    COALESCE(paid_at, "at") AS paid_at,
    -- Calendar days in the reporting zone ("by D" means on or before local day D), converted
    -- only where a day is compared: a payment by the day it was paid, any other event here
    -- (but the terms) by the day it was recorded.
    CASE
      WHEN type = 'payment.received' THEN CAST(COALESCE(paid_at, "at") AT TIME ZONE '${ReportingTimeZone}' AS DATE)
      WHEN type NOT IN ('invoice.received', 'invoice.updated') THEN CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE)
    END AS local_day
  FROM numbered
  WHERE occurrence = 1
),
-- One pass per invoice: what AR(from - 1 day) and AR(to) need, with "by from - 1" written as
-- "before from", and the invoice's collections, disputes and promises.
-- Every row carries the terms as they stood after its event (a backfill writes the final terms
-- on every row: only the latest is reliable), and only invoice.received and invoice.updated
-- change them, so the latest of these rows has the current terms: max_by(value, ordering) in
-- both engines (which differ only on a null value, and every row carries all its terms).
-- AR(D) = amount - payments paid by D - credits recorded by D; 0 when issued after D or voided
-- or written off by D. The credit of a credited dispute is its credit_note.applied event.
-- The moment an invoice was paid in full: its first payment that left no balance settled it
-- (settling_seq; see settlements). A balance closed by a credit note is not paid by payment.
facts AS (
  SELECT
    e.invoice_id,
    max_by(e.currency, e.seq) AS currency,
    max_by(e.invoice_amount_minor, e.seq) AS amount_minor,
    CAST(max_by(e.issue_date, e.seq) AS DATE) AS issue_date,
    CAST(max_by(e.due_date, e.seq) AS DATE) AS due_date,
    SUM(CASE WHEN e.type IN ('payment.received', 'credit_note.applied') AND e.local_day < p.from_day THEN e.amount_minor ELSE 0 END)
      AS paid_or_credited_before,
    SUM(CASE WHEN e.type IN ('payment.received', 'credit_note.applied') AND e.local_day <= p.to_day THEN e.amount_minor ELSE 0 END)
      AS paid_or_credited_by_end,
    SUM(CASE WHEN e.type IN ('invoice.voided', 'invoice.written_off') AND e.local_day < p.from_day THEN 1 ELSE 0 END) AS closed_before,
    SUM(CASE WHEN e.type IN ('invoice.voided', 'invoice.written_off') AND e.local_day <= p.to_day THEN 1 ELSE 0 END) AS closed_by_end,
    SUM(CASE WHEN e.type = 'payment.received' AND e.local_day BETWEEN p.from_day AND p.to_day THEN e.amount_minor ELSE 0 END) AS collected,
    SUM(CASE WHEN e.type = 'dispute.opened' AND e.local_day <= p.to_day THEN 1 ELSE 0 END) AS disputes_by_end,
    SUM(CASE WHEN e.type = 'promise.kept' AND e.local_day BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END) AS promises_kept,
    SUM(CASE WHEN e.type = 'promise.broken' AND e.local_day BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END) AS promises_broken,
    MIN(CASE WHEN e.type = 'payment.received' AND e.balance_minor <= 0 THEN e.seq END) AS settling_seq
  FROM events AS e
  CROSS JOIN params AS p
  GROUP BY e.invoice_id
),
invoices AS (
  SELECT f.*
  FROM facts AS f
  CROSS JOIN params AS p
  WHERE f.currency = p.currency
),
-- An invoice was paid in full when the last of the money up to its settling payment was paid
-- (paid_at, which may precede the recording).
settlements AS (
  SELECT
    i.invoice_id,
    CAST(MAX(e.paid_at) AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS paid_day
  FROM invoices AS i
  JOIN events AS e ON e.invoice_id = i.invoice_id AND e.type = 'payment.received' AND e.seq <= i.settling_seq
  GROUP BY i.invoice_id
),
balances AS (
  SELECT
    i.*,
    CASE
      WHEN i.issue_date >= p.from_day OR i.closed_before > 0 THEN 0
      ELSE i.amount_minor - i.paid_or_credited_before
    END AS ar_begin,
    CASE
      WHEN i.issue_date > p.to_day OR i.closed_by_end > 0 THEN 0
      ELSE i.amount_minor - i.paid_or_credited_by_end
    END AS ar_end,
    CASE WHEN i.issue_date BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END AS issued,
    s.paid_day AS settled_day
  FROM invoices AS i
  CROSS JOIN params AS p
  LEFT JOIN settlements AS s ON s.invoice_id = i.invoice_id
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
    SUM(b.promises_kept) AS promises_kept,
    SUM(b.promises_broken) AS promises_broken,
    SUM(CASE WHEN b.settled_day BETWEEN p.from_day AND p.to_day THEN 1 ELSE 0 END) AS paid_invoices,
    SUM(CASE WHEN b.settled_day BETWEEN p.from_day AND p.to_day THEN date_diff('day', b.issue_date, b.settled_day) ELSE 0 END)
      AS days_to_pay_sum
  FROM balances AS b
  CROSS JOIN params AS p
),
-- Reminder messages: one message covering several invoices has one message id on each of them.
-- Customers' replies likewise: a reply.received row per invoice the reply was about, each with
-- the SES id of the reply (message_id) and its class (reason).
-- A notice that went by email is an email; reminder.confirmed is a send whose outcome was
-- unknown until the email provider reported it (only email reports back).
-- Counting distinct ids is what de-duplicates here: a row written twice has the same message
-- id, or the same event id, so these rows skip the de-duplication above, the largest part of
-- the lake. They are read only from the partitions that can hold the period (dt is the UTC
-- date of "at", and a local day falls within the UTC days before, of and after it: every
-- zone is within 14 hours of UTC), and the exact local day is decided after.
messages AS (
  SELECT
    COUNT(DISTINCT CASE
      WHEN (m.type = 'reminder.sent' AND m.channel IN ('email', 'notice')) OR m.type = 'reminder.confirmed'
        THEN COALESCE(m.message_id, m.event_id)
    END) AS email_messages,
    COUNT(DISTINCT CASE
      WHEN m.type = 'reminder.sent' AND m.channel = 'sms' THEN COALESCE(m.message_id, m.event_id)
    END) AS sms_messages,
    COUNT(DISTINCT CASE WHEN m.type = 'reply.received' AND m.reason = 'payment_claimed' THEN COALESCE(m.message_id, m.event_id) END)
      AS replies_payment_claimed,
    COUNT(DISTINCT CASE WHEN m.type = 'reply.received' AND m.reason = 'dispute' THEN COALESCE(m.message_id, m.event_id) END)
      AS replies_dispute,
    COUNT(DISTINCT CASE WHEN m.type = 'reply.received' AND m.reason = 'promise' THEN COALESCE(m.message_id, m.event_id) END)
      AS replies_promise,
    COUNT(DISTINCT CASE WHEN m.type = 'reply.received' AND m.reason = 'auto_reply' THEN COALESCE(m.message_id, m.event_id) END)
      AS replies_auto_reply,
    COUNT(DISTINCT CASE WHEN m.type = 'reply.received' AND m.reason = 'other' THEN COALESCE(m.message_id, m.event_id) END)
      AS replies_other
  FROM invoice_events AS m
  JOIN invoices AS i ON i.invoice_id = m.invoice_id
  CROSS JOIN params AS p
  WHERE m.type IN ('reminder.sent', 'reminder.confirmed', 'reply.received')
    AND m.dt BETWEEN CAST(CAST(p.from_day - INTERVAL '1' DAY AS DATE) AS VARCHAR) AND CAST(CAST(p.to_day + INTERVAL '1' DAY AS DATE) AS VARCHAR)
    AND CAST(m."at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) BETWEEN p.from_day AND p.to_day
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
  COALESCE(t.promises_kept, 0) AS promises_kept,
  COALESCE(t.promises_broken, 0) AS promises_broken,
  COALESCE(x.email_messages, 0) AS email_messages,
  COALESCE(x.sms_messages, 0) AS sms_messages,
  COALESCE(x.replies_payment_claimed, 0) AS replies_payment_claimed,
  COALESCE(x.replies_dispute, 0) AS replies_dispute,
  COALESCE(x.replies_promise, 0) AS replies_promise,
  COALESCE(x.replies_auto_reply, 0) AS replies_auto_reply,
  COALESCE(x.replies_other, 0) AS replies_other,
  COALESCE(t.paid_invoices, 0) AS paid_invoices,
  COALESCE(t.days_to_pay_sum, 0) AS days_to_pay_sum
FROM params AS p
CROSS JOIN invoice_totals AS t
CROSS JOIN messages AS x
