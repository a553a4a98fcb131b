-- KPIs per period: one row per currency in scope and calendar month (or ISO week) of the
-- reporting zone that something was recorded in, from the currency's first such period (not
-- before the one holding the scope's first day) to the one holding today (which runs to today).
-- The raw sums and counts of a row are kpis.sql's for its period (the same columns:
-- shared/domain/finance-reports.ts kpiReport reads a row as it reads kpis.sql's), the ratios
-- beside them as GET /v1/reports/kpis works them out (2 decimals, null when the denominator is
-- 0): ratios do not add up over periods, sums do. A whole trend in one statement, and the only
-- text of these KPIs per period: the reports API and console (report-queries.ts) and QuickSight's
-- "monthly KPIs" data set (finance-quicksight.ts) both run it, each writing in these tokens (named
-- here bare: a token in a comment would be written in too), then the reporting zone:
--   PeriodUnit   'month' or 'week'; QuickSight: month.
--   PeriodStep   the period's length as an INTERVAL; QuickSight: one month.
--   ReportScope  the report_scope row: today, first_day (null: no lower bound) and currency
--                (null: all). The API's takes the parameters asOf, from and currency, in that
--                order; QuickSight's is today in the reporting zone, every currency, no lower bound.
--   EventsTable  invoice_events for the API (its query runs in the lake database); QuickSight's
--                custom SQL has no default database, so there it names the database too.
-- Runs unchanged on Athena (Trino) and DuckDB.
WITH report_scope AS (
  SELECT ${ReportScope}
),
numbered AS (
  SELECT e.*, row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM ${EventsTable} AS e
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
    reason,
    CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS event_day,
    CAST(COALESCE(paid_at, "at") AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS paid_day
  FROM numbered
  WHERE occurrence = 1
    AND ((SELECT currency FROM report_scope) IS NULL OR currency = (SELECT currency FROM report_scope))
),
-- The latest row of an invoice carries its current terms.
latest AS (
  SELECT events.*, row_number() OVER (PARTITION BY invoice_id ORDER BY seq DESC) AS recency
  FROM events
),
invoices AS (
  SELECT
    invoice_id,
    currency,
    invoice_amount_minor AS amount_minor,
    CAST(issue_date AS DATE) AS issue_date,
    CAST(due_date AS DATE) AS due_date
  FROM latest
  WHERE recency = 1
),
-- Every period something was recorded in; a currency's rows start at its first such period.
months AS (
  SELECT DISTINCT CAST(date_trunc('${PeriodUnit}', event_day) AS DATE) AS month
  FROM events
),
first_months AS (
  SELECT currency, MIN(CAST(date_trunc('${PeriodUnit}', event_day) AS DATE)) AS first_month
  FROM events
  GROUP BY currency
),
periods AS (
  SELECT
    c.currency,
    m.month,
    m.month AS from_day,
    LEAST(CAST(m.month + ${PeriodStep} - INTERVAL '1' DAY AS DATE), s.today) AS to_day
  FROM months AS m
  CROSS JOIN report_scope AS s
  JOIN first_months AS c ON m.month >= c.first_month
  WHERE m.month <= s.today
    AND (s.first_day IS NULL OR m.month >= CAST(date_trunc('${PeriodUnit}', s.first_day) AS DATE))
),
-- Paid in full: its first payment that left no balance settled it, paid when the last of the
-- money up to that payment was paid (paid_at). A balance closed by a credit note is not paid.
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
-- Per month and invoice: what AR(from - 1 day) and AR(to) need ("by from - 1" is "before from").
facts AS (
  SELECT
    p.currency,
    p.month,
    p.from_day,
    p.to_day,
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
  FROM periods AS p
  JOIN invoices AS i ON i.currency = p.currency
  JOIN events AS e ON e.invoice_id = i.invoice_id
  GROUP BY p.currency, p.month, p.from_day, p.to_day, i.invoice_id, i.amount_minor, i.issue_date, i.due_date
),
balances AS (
  SELECT
    f.*,
    CASE
      WHEN f.issue_date >= f.from_day OR f.closed_before > 0 THEN 0
      ELSE f.amount_minor - f.paid_before - f.credited_before
    END AS ar_begin,
    CASE
      WHEN f.issue_date > f.to_day OR f.closed_by_end > 0 THEN 0
      ELSE f.amount_minor - f.paid_by_end - f.credited_by_end
    END AS ar_end,
    CASE WHEN f.issue_date BETWEEN f.from_day AND f.to_day THEN 1 ELSE 0 END AS issued,
    s.paid_day AS settled_day
  FROM facts AS f
  LEFT JOIN settlements AS s ON s.invoice_id = f.invoice_id
),
-- Only AR > 0 is summed (an overpaid invoice is owed to the customer), as in kpis.sql.
invoice_totals AS (
  SELECT
    b.currency,
    b.month,
    SUM(CASE WHEN b.issued = 1 THEN b.amount_minor ELSE 0 END) AS sales_minor,
    SUM(CASE WHEN b.ar_begin > 0 THEN b.ar_begin ELSE 0 END) AS ar_begin_minor,
    SUM(CASE WHEN b.ar_end > 0 THEN b.ar_end ELSE 0 END) AS ar_end_minor,
    SUM(CASE WHEN b.ar_end > 0 AND b.due_date >= b.to_day THEN b.ar_end ELSE 0 END) AS ar_end_current_minor,
    SUM(b.collected) AS collected_minor,
    SUM(b.issued) AS issued_invoices,
    SUM(CASE WHEN b.issued = 1 AND b.disputes_by_end > 0 THEN 1 ELSE 0 END) AS disputed_invoices,
    SUM(CASE WHEN b.settled_day BETWEEN b.from_day AND b.to_day THEN 1 ELSE 0 END) AS paid_invoices,
    SUM(CASE WHEN b.settled_day BETWEEN b.from_day AND b.to_day THEN date_diff('day', b.issue_date, b.settled_day) ELSE 0 END)
      AS days_to_pay_sum
  FROM balances AS b
  GROUP BY b.currency, b.month
),
-- Reminder messages and customers' replies as kpis.sql counts them: a message (or a reply)
-- covering several invoices once.
event_totals AS (
  SELECT
    p.currency,
    p.month,
    SUM(CASE WHEN e.type = 'promise.kept' THEN 1 ELSE 0 END) AS promises_kept,
    SUM(CASE WHEN e.type = 'promise.broken' THEN 1 ELSE 0 END) AS promises_broken,
    COUNT(DISTINCT CASE
      WHEN (e.type = 'reminder.sent' AND e.channel IN ('email', 'notice')) OR e.type = 'reminder.confirmed'
        THEN COALESCE(e.message_id, e.event_id)
    END) AS email_messages,
    COUNT(DISTINCT CASE
      WHEN e.type = 'reminder.sent' AND e.channel = 'sms' THEN COALESCE(e.message_id, e.event_id)
    END) AS sms_messages,
    COUNT(DISTINCT CASE WHEN e.type = 'reply.received' AND e.reason = 'payment_claimed' THEN COALESCE(e.message_id, e.event_id) END)
      AS replies_payment_claimed,
    COUNT(DISTINCT CASE WHEN e.type = 'reply.received' AND e.reason = 'dispute' THEN COALESCE(e.message_id, e.event_id) END)
      AS replies_dispute,
    COUNT(DISTINCT CASE WHEN e.type = 'reply.received' AND e.reason = 'promise' THEN COALESCE(e.message_id, e.event_id) END)
      AS replies_promise,
    COUNT(DISTINCT CASE WHEN e.type = 'reply.received' AND e.reason = 'auto_reply' THEN COALESCE(e.message_id, e.event_id) END)
      AS replies_auto_reply,
    COUNT(DISTINCT CASE WHEN e.type = 'reply.received' AND e.reason = 'other' THEN COALESCE(e.message_id, e.event_id) END)
      AS replies_other
  FROM periods AS p
  JOIN invoices AS i ON i.currency = p.currency
  JOIN events AS e ON e.invoice_id = i.invoice_id AND e.event_day BETWEEN p.from_day AND p.to_day
  GROUP BY p.currency, p.month
),
totals AS (
  SELECT
    p.currency,
    p.month,
    p.from_day,
    p.to_day,
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
    COALESCE(x.replies_payment_claimed, 0) AS replies_payment_claimed,
    COALESCE(x.replies_dispute, 0) AS replies_dispute,
    COALESCE(x.replies_promise, 0) AS replies_promise,
    COALESCE(x.replies_auto_reply, 0) AS replies_auto_reply,
    COALESCE(x.replies_other, 0) AS replies_other,
    COALESCE(t.paid_invoices, 0) AS paid_invoices,
    COALESCE(t.days_to_pay_sum, 0) AS days_to_pay_sum
  FROM periods AS p
  LEFT JOIN invoice_totals AS t ON t.currency = p.currency AND t.month = p.month
  LEFT JOIN event_totals AS x ON x.currency = p.currency AND x.month = p.month
)
SELECT
  month,
  currency,
  from_day AS period_from,
  to_day AS period_to,
  days,
  sales_minor,
  ar_begin_minor,
  ar_end_minor,
  ar_end_current_minor,
  collected_minor,
  CASE WHEN sales_minor = 0 THEN NULL ELSE round(CAST(ar_end_minor AS DOUBLE) * days / sales_minor, 2) END AS dso,
  CASE WHEN sales_minor = 0 THEN NULL ELSE round(CAST(ar_end_current_minor AS DOUBLE) * days / sales_minor, 2) END AS best_possible_dso,
  CASE WHEN sales_minor = 0 THEN NULL
    ELSE round(CAST(ar_end_minor - ar_end_current_minor AS DOUBLE) * days / sales_minor, 2)
  END AS average_days_delinquent,
  CASE WHEN ar_begin_minor + sales_minor - ar_end_current_minor = 0 THEN NULL
    ELSE round(CAST(ar_begin_minor + sales_minor - ar_end_minor AS DOUBLE) * 100 / (ar_begin_minor + sales_minor - ar_end_current_minor), 2)
  END AS cei,
  CASE WHEN ar_end_minor = 0 THEN NULL ELSE round(CAST(ar_end_current_minor AS DOUBLE) * 100 / ar_end_minor, 2) END AS percent_current,
  issued_invoices,
  disputed_invoices,
  CASE WHEN issued_invoices = 0 THEN NULL ELSE round(CAST(disputed_invoices AS DOUBLE) * 100 / issued_invoices, 2) END AS dispute_rate,
  promises_kept,
  promises_broken,
  CASE WHEN promises_kept + promises_broken = 0 THEN NULL
    ELSE round(CAST(promises_kept AS DOUBLE) * 100 / (promises_kept + promises_broken), 2)
  END AS promise_kept_rate,
  email_messages,
  sms_messages,
  replies_payment_claimed,
  replies_dispute,
  replies_promise,
  replies_auto_reply,
  replies_other,
  paid_invoices,
  days_to_pay_sum,
  CASE WHEN paid_invoices = 0 THEN NULL ELSE round(CAST(days_to_pay_sum AS DOUBLE) / paid_invoices, 2) END AS average_days_to_pay
FROM totals
ORDER BY month
