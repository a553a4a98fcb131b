/**
 * Defaults for a process that is not a Lambda execution environment (the embedded runtime, the
 * tests, the tools). Imported by telemetry.ts before the Powertools packages, since both are
 * read when those load; a value already set wins.
 *
 * - X-Ray: the Tracer is off outside Lambda (it finds no AWS_EXECUTION_ENV), but the X-Ray SDK
 *   it loads would still install a process-wide async hook in its automatic mode, which slows
 *   every promise of the in-process runtime by more than half. Manual mode installs none.
 * - EMF: nothing turns metric lines into CloudWatch metrics here, so Powertools Metrics prints
 *   none (POWERTOOLS_METRICS_DISABLED=false brings them back, as a test that reads them does).
 */
if (!process.env.AWS_LAMBDA_FUNCTION_NAME) {
  process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}
