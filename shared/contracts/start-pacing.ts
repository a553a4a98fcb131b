/**
 * How fast executions are started (the start buffer's consumer). Step Functions allows
 * StartExecution (Standard workflows) at a refill of 300 per second, a bucket of 1,300, per
 * account in us-east-1, us-west-2 and eu-west-1, and 150 per second, a bucket of 800, in the
 * other regions (AWS Step Functions Developer Guide, "Quotas related to API action throttling";
 * soft quotas AWS may raise), shared with every other state machine there. Dunwell keeps to the
 * deploy config's `startRatePerSecond` in all (by default five sixths of the account's refill:
 * 250 per second where it is 300), spread over at most START_POLLERS concurrent consumers (the
 * event source mapping's maximum concurrency), each paced at its share. A month-end burst waits
 * in the queue (4 days' retention) instead of being throttled: 500,000 start requests drain in
 * 500,000 / 250 = 2,000 s, about 33 minutes.
 * (test/unit/start-pacing.test.ts runs that burst on virtual time against a throttling fake.)
 */
export const START_POLLERS = 5;
/** Messages per consumer invocation (the event source mapping's batch size). */
export const START_BATCH_SIZE = 10;

/** The regions where Step Functions' StartExecution refill is 300 per second by default. */
const LARGE_REGIONS: readonly string[] = ['us-east-1', 'us-west-2', 'eu-west-1'];

/**
 * The account's default StartExecution refill in `region`: 300 per second in the large regions
 * (and for an environment-agnostic synth, which does not know its region), 150 elsewhere.
 */
export function defaultStartExecutionRefill(region: string | undefined): number {
  return region === undefined || LARGE_REGIONS.includes(region) ? 300 : 150;
}

/** Five sixths of the account's refill, leaving the rest to other workflows: 250 of 300. */
export function defaultStartRate(startExecutionRefillPerSecond: number): number {
  return Math.floor((startExecutionRefillPerSecond * 5) / 6);
}

/** The default rate where the refill is 300 per second (us-east-1), and of the local runtime. */
export const DEFAULT_START_RATE_PER_SECOND = defaultStartRate(300);

/**
 * The least rate: one start per second per consumer, so a consumer waits at most
 * START_BATCH_SIZE seconds for its batch's tokens, well inside its 30 s timeout.
 */
export const MIN_START_RATE_PER_SECOND = START_POLLERS;

/** Each consumer's share of the rate, as its environment gives it (DUNWELL_START_RATE_PER_CONSUMER). */
export function startRatePerConsumer(startRatePerSecond: number, consumers = START_POLLERS): number {
  return startRatePerSecond / consumers;
}

/**
 * The share as the environment spells it; fails loudly on anything but a positive number (the
 * function would otherwise start executions unpaced, or never).
 */
export function parseStartRatePerConsumer(text: string): number {
  const rate = Number(text);
  if (!(text.trim() !== '' && Number.isFinite(rate) && rate > 0)) {
    throw new Error(`The start rate per consumer must be a positive number of starts per second, got "${text}"`);
  }
  return rate;
}

/** A consumer's token bucket holds one batch (or one second of its share, if more). */
export function startPacerBurst(ratePerConsumer: number): number {
  return Math.max(START_BATCH_SIZE, ratePerConsumer);
}
