/**
 * How the daily reconcile reads and requests at scale (README "Reconcile at scale";
 * test/unit/reconcile-scale.test.ts runs 500,000 open invoices on virtual time against fakes
 * with these quotas).
 *
 * - Which executions run: ListExecutions (RUNNING only, RECONCILE_LIST_PAGE_SIZE per page, the
 *   API's maximum), one page after another: there is no key to split the listing by. Step
 *   Functions allows ListExecutions at a refill of 5 per second, a bucket of 200, in us-east-1,
 *   us-west-2 and eu-west-1, and 2 per second, a bucket of 100, elsewhere (AWS Step Functions
 *   Developer Guide, "Quotas related to API action throttling"), shared with the console and
 *   any other caller; the reconcile keeps to the smaller of them, so it is never the one
 *   throttled. 500,000 running executions are 500 pages: at most (500 - 100) / 2 = 200 s of
 *   pacing, or 500 × the page latency when that is longer.
 * - Which invoices are open: the sparse active index's shards, read at once (DynamoDB Query,
 *   pages of up to 1 MB; keys only, so about 10,000 ids a page).
 * - What it requests: SendMessageBatch to the start buffer, RECONCILE_REQUEST_BATCH (SQS's
 *   maximum of 10) per call, RECONCILE_CONCURRENCY calls in flight; a standard queue takes a
 *   nearly unlimited number of calls per second (Amazon SQS Developer Guide, "Amazon SQS
 *   message quotas").
 */
export const RECONCILE_LIST_PAGE_SIZE = 1000;
export const RECONCILE_LIST_RATE_PER_SECOND = 2;
export const RECONCILE_LIST_BURST = 100;
export const RECONCILE_REQUEST_BATCH = 10;
export const RECONCILE_CONCURRENCY = 16;
