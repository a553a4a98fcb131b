/** The names of an invoice's workflow executions and timers: derived from its id, so repeated starts converge. */

/**
 * What every execution name of an invoice starts with: a readable part of its id and a hash of
 * all of it, so distinct ids stay distinct. The reconciler matches running executions to
 * invoices by it.
 */
export function executionKey(invoiceId: string): string {
  let hash = 2166136261;
  for (const char of invoiceId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const readable = invoiceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
  return `${readable}-${hash.toString(36)}`;
}

/** Step Functions execution names: 1–80 of [A-Za-z0-9-_]: the invoice's key and a generation. */
export function executionName(invoiceId: string, generation: number): string {
  return `${executionKey(invoiceId)}-g${generation}`;
}

/** The invoice key of an execution name (`executionName` less its generation). */
export function executionKeyOfName(name: string): string {
  return name.replace(/-g\d+$/, '');
}

/**
 * Each sleep has its own timer name, so cancelling one sleep's timer can never delete the
 * timer of a newer sleep (Scheduler names: at most 64 of [0-9a-zA-Z-_.]).
 */
export function timerName(invoiceId: string, sleepId: string): string {
  return `${executionKey(invoiceId).slice(-40)}-${sleepId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`;
}
