import { setTimeout as sleep } from 'node:timers/promises';
import { StaleWriteError } from '#ports/invoice-store.ts';

/**
 * Every command writes with optimistic concurrency: read, decide, one conditional write at the
 * version that was read. A StaleWriteError means another writer got in first, and nothing of
 * this attempt was stored; the decision may no longer hold, so the whole read-decide-write runs
 * again on a fresh read. This is the one place that does so, for every command that writes.
 *
 * Attempts are bounded and spread out: ten requests that collide on one invoice (ten payments
 * at once, or one payment racing the workflow's own writes) would collide again if they retried
 * at once, so each retry waits a random while ("full jitter") under a bound that doubles with
 * every attempt. The bound starts at the time the lost attempt took — about what another writer
 * needs to get its own write in — so the retries spread over the item's own pace, milliseconds
 * on DynamoDB and more on a busy local runtime. When the attempts run out the command gives up
 * with a ConcurrentChangeError: the API answers it 409 (`problemFor` in adapters/http.ts), which
 * tells the client its request changed nothing and may be sent again.
 */

/** Ten attempts outlast ten writers of one item at once with a wide margin. */
export const MAX_WRITE_ATTEMPTS = 10;
/** The least bound of the first wait, however fast the lost attempt was. */
const FIRST_PAUSE_MS = 10;
/** No wait is longer than this. */
const MAX_PAUSE_MS = 1000;

/** The item kept changing under the command for all of its attempts; nothing was written. */
export class ConcurrentChangeError extends Error {
  override readonly name = 'ConcurrentChangeError';
}

export interface WriteRetries {
  /** How many times the read-decide-write runs at most (the first run included). */
  readonly attempts: number;
  /** Waits before attempt `attempt` (2, 3, ...); the attempt before it took `lostMs`. */
  readonly pause: (attempt: number, lostMs: number) => Promise<void>;
}

/** The longest wait before attempt `attempt` (2, 3, ...) when the attempt before it took `lostMs`. */
export function pauseBound(attempt: number, lostMs: number): number {
  return Math.min(MAX_PAUSE_MS, Math.max(FIRST_PAUSE_MS, lostMs) * 2 ** Math.max(0, attempt - 2));
}

export const writeRetries: WriteRetries = {
  attempts: MAX_WRITE_ATTEMPTS,
  pause: (attempt, lostMs) => sleep(Math.random() * pauseBound(attempt, lostMs)),
};

/**
 * Runs `attempt` — which must read what it decides on afresh each time, decide, and write
 * conditionally — and runs it again when its write turns out to be stale. Any other error ends
 * it at once. After `retries.attempts` stale writes: ConcurrentChangeError, naming `what`.
 * Not itself a StaleWriteError, so a command that wraps another never multiplies the attempts.
 */
export async function retryOnFreshRead<T>(what: string, attempt: (attempt: number) => Promise<T>, retries = writeRetries): Promise<T> {
  let lostMs = 0;
  for (let count = 1; ; count++) {
    if (count > 1) await retries.pause(count, lostMs);
    const started = performance.now();
    try {
      return await attempt(count);
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
      if (count >= retries.attempts) {
        throw new ConcurrentChangeError(`${what} was changed concurrently ${count} times in a row; nothing was written, retry`, {
          cause: error,
        });
      }
      lostMs = performance.now() - started;
    }
  }
}
