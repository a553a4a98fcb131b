import type { Logger } from '#ports/logger.ts';

/** Structured JSON lines on stdout/stderr, which CloudWatch Logs indexes as fields. */
export function jsonLogger(component: string): Logger {
  const write = (level: string, message: string, detail?: Record<string, unknown>) => {
    const line = JSON.stringify({ level, component, message, ...detail });
    if (level === 'error' || level === 'warn') console.error(line);
    else if (process.env.DUNWELL_LOG_LEVEL !== 'silent') console.log(line);
  };
  return {
    error: (message, detail) => write('error', message, detail),
    warn: (message, detail) => write('warn', message, detail),
    info: (message, detail) => write('info', message, detail),
  };
}
