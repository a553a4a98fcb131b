import './outside-lambda.ts';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE, type MetricName } from '#contracts/metrics.ts';
import type { Logger } from '#ports/logger.ts';
import { powertoolsLog } from './log.ts';

/**
 * A function's Powertools instances, created once per cold start (compose-context.ts): the
 * logger, the EMF metrics and the tracer, all named after the function. The handler styles in
 * handlers.ts and http.ts put them on every invocation (Lambda context, metrics flushed at the
 * end, the handler traced); the compose-*.ts modules trace their SDK clients with `traced`.
 */
export interface Telemetry {
  /** The `service` of every log line and the dimension of every metric: the deployed function name on AWS. */
  readonly service: string;
  readonly logger: PowertoolsLogger;
  /** The Logger port over `logger`, for use cases and handlers. */
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  /** Adds to a count of this invocation; published as one EMF line when the invocation ends. Zero adds nothing. */
  count(metric: MetricName, value?: number): void;
  /** The client with X-Ray tracing of its calls when tracing is on (in Lambda); itself otherwise. */
  traced<C>(client: C): C;
}

/** `name`: the catalogue name; on AWS the deployed name (AWS_LAMBDA_FUNCTION_NAME, `<namePrefix>-<name>`) is used. */
export function telemetryFor(name: string): Telemetry {
  const service = process.env.AWS_LAMBDA_FUNCTION_NAME || name;
  const logger = new PowertoolsLogger({ serviceName: service, logLevel: logLevelFromEnvironment() });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, logger: metricsDiagnostics(logger) });
  const tracer = new Tracer({ serviceName: service });
  return {
    service,
    logger,
    log: powertoolsLog(logger),
    metrics,
    tracer,
    count: (metric, value = 1) => {
      if (value > 0) metrics.addMetric(metric, MetricUnit.Count, value);
    },
    traced: (client) => tracer.captureAWSv3Client(client),
  };
}

/**
 * DUNWELL_LOG_LEVEL=silent (the tests' local runtime) keeps what it always kept: warnings and
 * errors, on stderr. Otherwise Powertools decides: AWS_LAMBDA_LOG_LEVEL (the function's log
 * level setting), then POWERTOOLS_LOG_LEVEL, then INFO.
 */
function logLevelFromEnvironment(): 'WARN' | undefined {
  return process.env.DUNWELL_LOG_LEVEL === 'silent' ? 'WARN' : undefined;
}

/**
 * Where Metrics reports its own trouble (an invalid dimension, a metric CloudWatch would skip):
 * the function's log. That an invocation added no metric is normal here (most add none): debug.
 */
function metricsDiagnostics(logger: PowertoolsLogger) {
  return {
    debug: (...content: unknown[]) => logger.debug(String(content[0])),
    info: (...content: unknown[]) => logger.info(String(content[0])),
    warn: (...content: unknown[]) => {
      const message = String(content[0]);
      if (message.startsWith('No application metrics to publish')) logger.debug(message);
      else logger.warn(message);
    },
    error: (...content: unknown[]) => logger.error(String(content[0])),
  };
}
