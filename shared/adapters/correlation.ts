import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids that tie a log line to what it was about: invoiceId, executionId, apiRequestId, messageId… */
export type CorrelationKeys = Readonly<Record<string, string | undefined>>;

/**
 * Correlation keys scoped to one invocation (and, inside it, to one SQS record) rather than
 * appended to the function's logger: the embedded runtime runs concurrent invocations of one
 * function in one process (an advance per execution), where keys appended to the shared logger
 * would land on each other's lines. The Logger adapter (log.ts) adds them to every line.
 */
const scope = new AsyncLocalStorage<Record<string, string>>();

/** Runs `work` with these keys added to the ones in effect (a fresh scope of its own). */
export function withCorrelation<T>(keys: CorrelationKeys, work: () => T): T {
  return scope.run({ ...scope.getStore(), ...defined(keys) }, work);
}

/** Adds keys to the scope in effect, once an id becomes known half-way (a webhook's invoice). */
export function appendCorrelation(keys: CorrelationKeys): void {
  const current = scope.getStore();
  if (current) Object.assign(current, defined(keys));
}

export function correlationKeys(): Readonly<Record<string, string>> {
  return scope.getStore() ?? {};
}

function defined(keys: CorrelationKeys): Record<string, string> {
  return Object.fromEntries(
    Object.entries(keys).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
  );
}
