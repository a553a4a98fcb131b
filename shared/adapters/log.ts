import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '#ports/logger.ts';
import { correlationKeys } from './correlation.ts';

/**
 * The Logger port on Powertools Logger: one JSON line per call (level, message, timestamp,
 * service, the Lambda context once the handler's middleware injected it: cold_start,
 * function_name, function_request_id…), with the invocation's correlation keys and the detail
 * as top-level fields, which CloudWatch Logs Insights queries by name.
 */
export function powertoolsLog(logger: PowertoolsLogger): Logger {
  const fields = (detail: Record<string, unknown> | undefined) => ({ ...correlationKeys(), ...detail });
  return {
    error: (message, detail) => logger.error(message, fields(detail)),
    warn: (message, detail) => logger.warn(message, fields(detail)),
    info: (message, detail) => logger.info(message, fields(detail)),
  };
}
