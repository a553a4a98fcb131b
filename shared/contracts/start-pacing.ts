/**
 * How fast executions are started (the start buffer's consumer). Step Functions allows
 * StartExecution at 300 per second (refill; a bucket of 800) per account and region, shared with
 * every other state machine there: Dunwell keeps to START_RATE_PER_SECOND in all, spread over at
 * most START_POLLERS concurrent consumers (the event source mapping's maximum concurrency), each
 * paced at its share. A month-end burst waits in the queue (4 days' retention) instead of being
 * throttled: 500,000 start requests drain in 500,000 / 250 = 2,000 s, about 33 minutes.
 * (test/unit/start-pacing.test.ts runs that burst on virtual time against a throttling fake.)
 */
export const START_RATE_PER_SECOND = 250;
export const START_POLLERS = 5;
/** Messages per consumer invocation (the event source mapping's batch size). */
export const START_BATCH_SIZE = 10;
/** Each consumer's share of the rate. */
export const START_RATE_PER_POLLER = START_RATE_PER_SECOND / START_POLLERS;
