import assert from 'node:assert/strict';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, test } from 'vitest';
import { ACTIVE_SHARDS } from '#adapters/dynamo-invoice-store.ts';
import { DynamoOpenInvoices } from '#adapters/dynamo-open-invoices.ts';
import { SqsDunningStarts } from '#adapters/messaging.ts';
import { StepFunctionsRunningExecutions } from '#adapters/sfn-workflow.ts';
import {
  RECONCILE_CONCURRENCY,
  RECONCILE_LIST_BURST,
  RECONCILE_LIST_PAGE_SIZE,
  RECONCILE_LIST_RATE_PER_SECOND,
  RECONCILE_REQUEST_BATCH,
} from '#contracts/reconcile-pacing.ts';
import { executionName } from '#domain/executions.ts';
import { Pacer } from '#domain/pacing.ts';
import { reconcile } from '#use-cases/reconcile.ts';
import { RecordingLog } from '../support/fakes.ts';
import { VirtualTime } from '../support/virtual-time.ts';

/**
 * The daily reconcile at scale (issue 10, item 5), on virtual time: the real use case and the
 * real adapters (their paging, pacing and batching) over fakes of the three services that hold
 * the AWS quotas and an assumed latency per call (README "Reconcile at scale"):
 *
 * - Step Functions ListExecutions: a token bucket per account (us-east-1: 200, refilled at 5 a
 *   second; other regions: 100 at 2), at most 1,000 executions a page;
 * - DynamoDB Query on the keys-only active index: pages of at most 1 MB (about 100 bytes an
 *   index entry: 10,485 ids), each costing 128 read units eventually consistent, and each
 *   partition (an `ACTIVE#<n>` shard) serving at most 3,000 read units a second;
 * - SQS SendMessageBatch: at most 10 entries a call, no call limit on a standard queue.
 *
 * A throttled or malformed call fails as the SDK would after its retries, and is counted.
 */

const INDEX_ENTRY_BYTES = 100;
const QUERY_PAGE_ITEMS = Math.floor((1024 * 1024) / INDEX_ENTRY_BYTES);
/** Eventually consistent reads: half a unit per 4 KB read, the page's size rounded up (a full page: 128). */
const readUnits = (items: number) => Math.max(1, Math.ceil((items * INDEX_ENTRY_BYTES) / 4096)) * 0.5;
const PARTITION_READ_UNITS_PER_SECOND = 3000;
const FIFTEEN_MINUTES = 15 * 60;

interface Latencies {
  readonly listMs: number;
  readonly queryMs: number;
  readonly sendMs: number;
}

/** A quota: a token bucket on virtual time. */
class Quota {
  private tokens: number;
  private refilledAt = 0;
  private readonly time: VirtualTime;
  private readonly bucket: number;
  private readonly refillPerSecond: number;
  throttled = 0;

  constructor(time: VirtualTime, bucket: number, refillPerSecond: number) {
    this.time = time;
    this.bucket = bucket;
    this.refillPerSecond = refillPerSecond;
    this.tokens = bucket;
  }

  spend(cost = 1): void {
    this.tokens = Math.min(this.bucket, this.tokens + ((this.time.now - this.refilledAt) / 1000) * this.refillPerSecond);
    this.refilledAt = this.time.now;
    if (this.tokens < cost) {
      this.throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    this.tokens -= cost;
  }
}

interface Account {
  readonly time: VirtualTime;
  /** Open invoices by active-index shard. */
  readonly shards: readonly (readonly string[])[];
  /** The state machine's running executions, newest first. */
  readonly running: readonly string[];
  readonly listQuota: Quota;
  readonly partitionQuotas: readonly Quota[];
  readonly requested: Map<string, number>;
  readonly sendCalls: { inFlight: number; peak: number; count: number; largest: number };
}

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:dunwell-prod-invoice-dunning';

function stepFunctions(account: Account, latencyMs: number): SFNClient {
  return {
    async send(command: unknown) {
      assert.ok(command instanceof ListExecutionsCommand);
      const { stateMachineArn, statusFilter, maxResults, nextToken } = command.input;
      assert.equal(stateMachineArn, STATE_MACHINE);
      assert.equal(statusFilter, 'RUNNING');
      assert.ok(maxResults !== undefined && maxResults <= 1000);
      account.listQuota.spend();
      await account.time.sleep(latencyMs);
      const from = Number(nextToken ?? 0);
      const page = account.running.slice(from, from + maxResults);
      const more = from + page.length < account.running.length;
      return { executions: page.map((name) => ({ name, status: 'RUNNING' })), ...(more ? { nextToken: String(from + page.length) } : {}) };
    },
  } as unknown as SFNClient;
}

function dynamoDb(account: Account, latencyMs: number): DynamoDBDocumentClient {
  return {
    async send(command: unknown) {
      assert.ok(command instanceof QueryCommand);
      assert.equal(command.input.IndexName, 'gsi1');
      const partition = String(command.input.ExpressionAttributeValues?.[':partition']);
      const shard = Number(partition.replace(/^ACTIVE#/, ''));
      const ids = account.shards[shard] ?? [];
      const from = Number((command.input.ExclusiveStartKey as { at?: number } | undefined)?.at ?? 0);
      const page = ids.slice(from, from + QUERY_PAGE_ITEMS);
      account.partitionQuotas[shard]?.spend(readUnits(page.length));
      await account.time.sleep(latencyMs);
      const more = from + page.length < ids.length;
      return { Items: page.map((id) => ({ gsi1sk: id })), ...(more ? { LastEvaluatedKey: { at: from + page.length } } : {}) };
    },
  } as unknown as DynamoDBDocumentClient;
}

function sqs(account: Account, latencyMs: number): SQSClient {
  return {
    async send(command: unknown) {
      assert.ok(command instanceof SendMessageBatchCommand);
      const entries = command.input.Entries ?? [];
      assert.ok(entries.length >= 1 && entries.length <= 10, 'SendMessageBatch takes 1 to 10 entries');
      const calls = account.sendCalls;
      calls.peak = Math.max(calls.peak, ++calls.inFlight);
      calls.count++;
      calls.largest = Math.max(calls.largest, entries.length);
      await account.time.sleep(latencyMs);
      calls.inFlight--;
      for (const entry of entries) {
        const { invoiceId } = JSON.parse(entry.MessageBody ?? '{}') as { invoiceId: string };
        account.requested.set(invoiceId, (account.requested.get(invoiceId) ?? 0) + 1);
      }
      return { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
    },
  } as unknown as SQSClient;
}

/**
 * `invoices` open invoices, spread over the index shards; `state(index)` says what their
 * execution is doing. `closedButRunning` executions of invoices already closed run too (their
 * last wake-up), as a real listing would show them.
 */
async function reconcileModel(options: {
  invoices: number;
  state: (index: number) => 'running' | 'failed' | 'absent';
  closedButRunning: number;
  listQuota: { bucket: number; refillPerSecond: number };
  latencies: Latencies;
}) {
  const time = new VirtualTime();
  const shards: string[][] = Array.from({ length: ACTIVE_SHARDS }, () => []);
  const running: string[] = [];
  const idle = new Set<string>();
  for (let index = 0; index < options.invoices; index++) {
    const invoiceId = `INV-2026-${String(index).padStart(7, '0')}`;
    shards[index % ACTIVE_SHARDS]?.push(invoiceId);
    const state = options.state(index);
    if (state === 'running') running.push(executionName(invoiceId, 1 + (index % 3)));
    else idle.add(invoiceId);
  }
  for (let index = 0; index < options.closedButRunning; index++) running.push(executionName(`INV-2025-${index}`, 1));
  const account: Account = {
    time,
    shards,
    running,
    listQuota: new Quota(time, options.listQuota.bucket, options.listQuota.refillPerSecond),
    partitionQuotas: shards.map(() => new Quota(time, PARTITION_READ_UNITS_PER_SECOND, PARTITION_READ_UNITS_PER_SECOND)),
    requested: new Map(),
    sendCalls: { inFlight: 0, peak: 0, count: 0, largest: 0 },
  };
  const pacer = new Pacer({
    ratePerSecond: RECONCILE_LIST_RATE_PER_SECOND,
    burst: RECONCILE_LIST_BURST,
    now: () => time.now,
    sleep: time.sleep,
  });
  const deps = {
    openInvoices: new DynamoOpenInvoices(dynamoDb(account, options.latencies.queryMs), 'dunwell-prod'),
    runningExecutions: new StepFunctionsRunningExecutions(stepFunctions(account, options.latencies.listMs), STATE_MACHINE, pacer),
    starts: new SqsDunningStarts(sqs(account, options.latencies.sendMs), 'https://sqs.us-east-1.amazonaws.com/123456789012/start'),
    log: new RecordingLog(),
  };
  let report: Awaited<ReturnType<typeof reconcile>> | undefined;
  let failure: unknown;
  reconcile(deps).then(
    (result) => {
      report = result;
    },
    (error: unknown) => {
      failure = error;
    },
  );
  await time.run(() => report !== undefined || failure !== undefined);
  if (failure) throw failure;
  assert.ok(report, 'the run finished');
  return { report, account, idle, seconds: time.now / 1000 };
}

/** Every invoice that is not running requested exactly once, and no running one at all. */
function assertCovered(run: Awaited<ReturnType<typeof reconcileModel>>) {
  const { account, idle, report } = run;
  assert.equal(report.failed.length, 0);
  assert.equal(account.requested.size, idle.size, 'as many invoices requested as are not running');
  for (const invoiceId of idle) assert.equal(account.requested.get(invoiceId), 1, `${invoiceId} requested once`);
  assert.equal(report.requested, idle.size);
  assert.equal(account.listQuota.throttled, 0, 'ListExecutions never throttled');
  assert.ok(
    account.partitionQuotas.every((quota) => quota.throttled === 0),
    'no index partition throttled',
  );
  assert.ok(account.sendCalls.largest <= RECONCILE_REQUEST_BATCH);
  assert.ok(account.sendCalls.peak <= RECONCILE_CONCURRENCY);
}

const US_EAST_1 = { bucket: 200, refillPerSecond: 5 };
const OTHER_REGIONS = { bucket: 100, refillPerSecond: 2 };
/** 92 % running, 5 % whose execution failed, 3 % that never got one (a lost start). */
const monthEnd = (index: number) => (index % 100 < 92 ? 'running' : index % 100 < 97 ? 'failed' : 'absent');

describe('the daily reconcile at 500,000 open invoices', () => {
  test('most running: every other one requested exactly once, none running requested, within 15 minutes (us-east-1, 500 ms a listing page)', async ({
    annotate,
  }) => {
    const run = await reconcileModel({
      invoices: 500_000,
      state: monthEnd,
      closedButRunning: 1_000,
      listQuota: US_EAST_1,
      latencies: { listMs: 500, queryMs: 100, sendMs: 20 },
    });
    assertCovered(run);
    await annotate(
      `covered in ${run.seconds.toFixed(1)} s of virtual time: ${run.report.requested} requested, ${run.report.running} running left alone`,
    );
    assert.equal(run.report.open, 500_000);
    assert.equal(run.report.running, 460_000);
    assert.equal(run.idle.size, 40_000);
    // 461 listing pages one after another at 500 ms (the pacer's 2 a second is no slower): ~231 s;
    // the index and the 4,000 batches (16 in flight at 20 ms: 5 s) add little.
    assert.ok(run.seconds <= 240, `done in ${run.seconds} s`);
    assert.ok(run.seconds <= FIFTEEN_MINUTES);
  });

  test('the same where ListExecutions refills at 2 a second, with fast pages: the pacer keeps to it, never throttled', async ({
    annotate,
  }) => {
    const run = await reconcileModel({
      invoices: 500_000,
      state: monthEnd,
      closedButRunning: 1_000,
      listQuota: OTHER_REGIONS,
      latencies: { listMs: 50, queryMs: 50, sendMs: 10 },
    });
    assertCovered(run);
    await annotate(
      `covered in ${run.seconds.toFixed(1)} s of virtual time: ${run.report.requested} requested, ${run.report.running} running left alone`,
    );
    // 100 pages from the pacer's bucket, the other 361 at 2 a second (less what refilled meanwhile): ~180 s.
    const pacingBound = (Math.ceil(460_000 / RECONCILE_LIST_PAGE_SIZE) + 1 - RECONCILE_LIST_BURST) / RECONCILE_LIST_RATE_PER_SECOND;
    assert.ok(run.seconds <= pacingBound + 10 && run.seconds >= pacingBound - 10, `done in ${run.seconds} s, about ${pacingBound} s`);
  });

  test('slow pages: at 1.5 s a listing page it still fits in 15 minutes', async ({ annotate }) => {
    const run = await reconcileModel({
      invoices: 500_000,
      state: monthEnd,
      closedButRunning: 1_000,
      listQuota: US_EAST_1,
      latencies: { listMs: 1_500, queryMs: 300, sendMs: 50 },
    });
    assertCovered(run);
    await annotate(
      `covered in ${run.seconds.toFixed(1)} s of virtual time: ${run.report.requested} requested, ${run.report.running} running left alone`,
    );
    assert.ok(run.seconds <= FIFTEEN_MINUTES, `done in ${run.seconds} s`);
  });

  test('none running (every execution failed or lost): all 500,000 requested once, in about a minute', async ({ annotate }) => {
    const run = await reconcileModel({
      invoices: 500_000,
      state: (index) => (index % 2 === 0 ? 'failed' : 'absent'),
      closedButRunning: 0,
      listQuota: US_EAST_1,
      latencies: { listMs: 500, queryMs: 100, sendMs: 20 },
    });
    assertCovered(run);
    await annotate(
      `covered in ${run.seconds.toFixed(1)} s of virtual time: ${run.report.requested} requested, ${run.report.running} running left alone`,
    );
    assert.equal(run.account.sendCalls.count, 50_000);
    // 50,000 batches, 16 at a time at 20 ms: 62.5 s; the listing is one empty page.
    assert.ok(run.seconds <= 70, `done in ${run.seconds} s`);
  });
});
