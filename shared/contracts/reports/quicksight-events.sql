-- QuickSight data set "invoice events": every timeline event once, with the reporting day it
-- falls on. The lake is at least once (a retried batch, a backfill beside the stream), so rows
-- are de-duplicated by event_id, as the report queries do.
-- QuickSight custom SQL takes no parameters and needs qualified table names: ${LakeDatabase}
-- and ${ReportingTimeZone} are written in at deploy (infra/constructs/finance-quicksight.ts).
-- Runs unchanged on Athena (Trino) and DuckDB.
SELECT
  event_id,
  invoice_id,
  seq,
  type,
  "at",
  customer_id,
  currency,
  invoice_amount_minor,
  issue_date,
  due_date,
  amount_minor,
  balance_minor,
  paid_at,
  step_id,
  channel,
  tone,
  message_id,
  reason,
  outcome,
  detail,
  dt,
  CAST("at" AT TIME ZONE '${ReportingTimeZone}' AS DATE) AS reporting_day
FROM (
  SELECT e.*, row_number() OVER (PARTITION BY e.event_id ORDER BY e.dt, e."at") AS occurrence
  FROM ${LakeDatabase}.invoice_events AS e
) AS numbered
WHERE occurrence = 1
