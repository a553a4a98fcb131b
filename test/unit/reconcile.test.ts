import assert from 'node:assert/strict';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, test } from 'vitest';
import { ACTIVE_SHARDS } from '#adapters/dynamo-invoice-store.ts';
import { DynamoOpenInvoices } from '#adapters/dynamo-open-invoices.ts';
import { SqsDunningStarts } from '#adapters/messaging.ts';
import { StepFunctionsRunningExecutions } from '#adapters/sfn-workflow.ts';
import { RECONCILE_CONCURRENCY, RECONCILE_LIST_PAGE_SIZE, RECONCILE_REQUEST_BATCH } from '#contracts/reconcile-pacing.ts';
import { executionName } from '#domain/executions.ts';
import { Pacer } from '#domain/pacing.ts';
import type { OpenInvoices } from '#ports/invoice-store.ts';
import type { DunningStartBatches } from '#ports/messaging.ts';
import type { RunningExecutions } from '#ports/workflow.ts';
import { type ReconcileDeps, reconcile } from '#use-cases/reconcile.ts';
import { RecordingLog } from '../support/fakes.ts';
import { VirtualTime } from '../support/virtual-time.ts';

/** Open invoices in partitions, each page (of two ids) answering on a later turn, as a query would. */
function openInvoices(...partitions: readonly string[][]): OpenInvoices & { readonly events: string[] } {
  const events: string[] = [];
  return {
    events,
    partitions: () =>
      partitions.map((ids, index) =>
        (async function* () {
          events.push(`begin ${index}`);
          for (let at = 0; at < ids.length; at += 2) {
            await new Promise((done) => setImmediate(done));
            yield ids.slice(at, at + 2);
          }
          events.push(`end ${index}`);
        })(),
      ),
  };
}

function running(...names: string[]): RunningExecutions {
  return {
    async *pages() {
      yield names.slice(0, 2);
      yield names.slice(2);
    },
  };
}

/** The start buffer: records each batch and how many calls were in flight; can refuse or fail. */
class RecordingBuffer implements DunningStartBatches {
  readonly batches: string[][] = [];
  inFlight = 0;
  peak = 0;
  /** A batch holding one of these ids fails as a whole (the call threw). */
  readonly failWith = new Set<string>();
  /** These ids are refused alone (SendMessageBatch's Failed entries). */
  readonly refuse = new Set<string>();

  get requested(): string[] {
    return this.batches.flat();
  }

  async requestBatch(invoiceIds: readonly string[]): Promise<readonly string[]> {
    this.peak = Math.max(this.peak, ++this.inFlight);
    await new Promise((done) => setImmediate(done));
    this.inFlight--;
    if (invoiceIds.some((id) => this.failWith.has(id))) throw new Error('SQS unavailable');
    this.batches.push(invoiceIds.filter((id) => !this.refuse.has(id)));
    return invoiceIds.filter((id) => this.refuse.has(id));
  }
}

const ids = (count: number, prefix = 'INV') => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

function deps(open: OpenInvoices, executions: RunningExecutions, starts = new RecordingBuffer()) {
  const log = new RecordingLog();
  const value: ReconcileDeps = { openInvoices: open, runningExecutions: executions, starts, log };
  return { deps: value, starts, log };
}

describe('reconcile', () => {
  test('requests exactly the open invoices without a running execution, whatever generation runs', async () => {
    const { deps: d, starts } = deps(
      openInvoices(['INV-A', 'INV-B', 'INV-C'], ['INV-D', 'INV-E']),
      running(
        executionName('INV-A', 1),
        executionName('INV-D', 12),
        // A closed invoice's execution on its way out, and one started by hand: neither is an open invoice.
        executionName('INV-CLOSED', 2),
        'manual-test-run',
      ),
    );
    assert.deepEqual(await reconcile(d), { open: 5, running: 2, requested: 3, failed: [] });
    assert.deepEqual(starts.requested.sort(), ['INV-B', 'INV-C', 'INV-E']);
  });

  test('matches by the whole key: ids that differ only in characters the name replaces stay apart', async () => {
    const { deps: d, starts } = deps(
      openInvoices(['INV.1', 'INV_1', `INV-${'x'.repeat(60)}-1`, `INV-${'x'.repeat(60)}-2`]),
      running(executionName('INV.1', 1), executionName(`INV-${'x'.repeat(60)}-1`, 1)),
    );
    await reconcile(d);
    assert.deepEqual(starts.requested.sort(), [`INV-${'x'.repeat(60)}-2`, 'INV_1'].sort());
  });

  test(`requests in batches of at most ${RECONCILE_REQUEST_BATCH}, ${RECONCILE_CONCURRENCY} calls in flight at most`, async () => {
    const open = ids(RECONCILE_REQUEST_BATCH * RECONCILE_CONCURRENCY * 3 + 5);
    const { deps: d, starts } = deps(openInvoices(open), running());
    const report = await reconcile(d);
    assert.equal(report.requested, open.length);
    assert.deepEqual(starts.requested.sort(), [...open].sort(), 'each once');
    assert.ok(starts.batches.every((batch) => batch.length <= RECONCILE_REQUEST_BATCH));
    assert.equal(starts.batches.length, Math.ceil(open.length / RECONCILE_REQUEST_BATCH));
    assert.equal(starts.peak, RECONCILE_CONCURRENCY);
  });

  test('reads every partition at once, and an id listed twice is requested once', async () => {
    const open = openInvoices(ids(30, 'A'), ids(30, 'B'), [...ids(29, 'C'), 'A-3']);
    const { deps: d, starts } = deps(open, running());
    const report = await reconcile(d);
    assert.deepEqual(open.events.slice(0, 3), ['begin 0', 'begin 1', 'begin 2'], 'all begun before any finished');
    assert.equal(open.events.length, 6);
    assert.equal(report.open, 89);
    assert.equal(starts.requested.filter((id) => id === 'A-3').length, 1);
  });

  test('a batch the buffer fails does not stop the others; the run reports it; the next run catches up', async () => {
    const open = ids(100);
    const executions = new Set<string>();
    const listing: RunningExecutions = {
      async *pages() {
        yield [...executions];
      },
    };
    const starts = new RecordingBuffer();
    starts.failWith.add('INV-42');
    starts.refuse.add('INV-7');
    const { deps: d, log } = deps(openInvoices(open), listing, starts);
    const first = await reconcile(d);
    const failedBatch = open.slice(40, 50);
    assert.deepEqual([...first.failed].sort(), [...failedBatch, 'INV-7'].sort());
    assert.equal(first.requested, 89);
    assert.equal(log.entries.filter((entry) => entry.level === 'error').length, 2, 'the failed call and the refused entry');
    assert.ok(starts.requested.every((id) => !first.failed.includes(id)));

    // Meanwhile start-dunning started what was requested; the queue is back.
    for (const id of starts.requested) executions.add(executionName(id, 1));
    starts.batches.length = 0;
    starts.failWith.clear();
    starts.refuse.clear();
    const second = await reconcile(d);
    assert.deepEqual(second, { open: 100, running: 89, requested: 11, failed: [] });
    assert.deepEqual(starts.requested.sort(), [...first.failed].sort());
  });

  test('a listing that fails fails the run before anything is requested: what runs is not known', async () => {
    const broken: RunningExecutions = {
      // biome-ignore lint/correctness/useYield: it fails before its first page
      async *pages() {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    };
    const { deps: d, starts } = deps(openInvoices(ids(50)), broken);
    await assert.rejects(reconcile(d), /Rate exceeded/);
    assert.deepEqual(starts.batches, []);
  });
});

describe('the reconcile adapters on the wire', () => {
  test('running executions: ListExecutions of RUNNING ones, a thousand a page, following nextToken, one pacer token a page', async () => {
    const calls: Record<string, unknown>[] = [];
    const pages = [['a-g1', 'b-g2'], ['c-g1'], []];
    const client = {
      async send(command: unknown) {
        assert.ok(command instanceof ListExecutionsCommand);
        calls.push({ ...command.input });
        const page = calls.length - 1;
        const executions = (pages[page] ?? []).map((name) => ({ name, status: 'RUNNING' }));
        return { executions, ...(page < pages.length - 1 ? { nextToken: `t${page + 1}` } : {}) };
      },
    } as unknown as SFNClient;
    const time = new VirtualTime();
    const pacer = new Pacer({ ratePerSecond: 2, burst: 1, now: () => time.now, sleep: time.sleep });
    const names: string[] = [];
    const listing = (async () => {
      for await (const page of new StepFunctionsRunningExecutions(client, 'arn:aws:states:us-east-1:1:stateMachine:m', pacer).pages()) {
        names.push(...page);
      }
    })();
    let listed = false;
    void listing.then(() => {
      listed = true;
    });
    await time.run(() => listed);
    assert.deepEqual(names, ['a-g1', 'b-g2', 'c-g1']);
    assert.deepEqual(calls, [
      {
        stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:m',
        statusFilter: 'RUNNING',
        maxResults: RECONCILE_LIST_PAGE_SIZE,
        nextToken: undefined,
      },
      {
        stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:m',
        statusFilter: 'RUNNING',
        maxResults: RECONCILE_LIST_PAGE_SIZE,
        nextToken: 't1',
      },
      {
        stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:m',
        statusFilter: 'RUNNING',
        maxResults: RECONCILE_LIST_PAGE_SIZE,
        nextToken: 't2',
      },
    ]);
    assert.equal(time.now, 1000, 'three pages at 2 a second from a bucket of 1: the third waits until 1 s');
  });

  test('start batches: one SendMessageBatch, entry ids by position, the entries SQS refused named by invoice', async () => {
    const sent: { QueueUrl?: string; Entries?: { Id?: string; MessageBody?: string }[] }[] = [];
    const client = {
      async send(command: unknown) {
        assert.ok(command instanceof SendMessageBatchCommand);
        sent.push(command.input);
        return { Successful: [{ Id: '0' }, { Id: '2' }], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] };
      },
    } as unknown as SQSClient;
    const starts = new SqsDunningStarts(client, 'https://sqs.example/1/start');
    assert.deepEqual(await starts.requestBatch(['INV/1', 'INV 2', 'INV-3']), ['INV 2']);
    assert.deepEqual(sent, [
      {
        QueueUrl: 'https://sqs.example/1/start',
        Entries: [
          { Id: '0', MessageBody: '{"invoiceId":"INV/1"}' },
          { Id: '1', MessageBody: '{"invoiceId":"INV 2"}' },
          { Id: '2', MessageBody: '{"invoiceId":"INV-3"}' },
        ],
      },
    ]);
    assert.deepEqual(await starts.requestBatch([]), []);
    assert.equal(sent.length, 1, 'an empty batch is no call');
  });

  test('open invoices: one partition per shard of the active index, each query following LastEvaluatedKey', async () => {
    const queries: Record<string, unknown>[] = [];
    const client = {
      async send(command: { input: Record<string, unknown> }) {
        queries.push(command.input);
        const partition = (command.input.ExpressionAttributeValues as Record<string, string>)[':partition'];
        if (command.input.ExclusiveStartKey === undefined)
          return { Items: [{ gsi1sk: `${partition}-first` }], LastEvaluatedKey: { at: 1 } };
        return { Items: [{ gsi1sk: `${partition}-second` }] };
      },
    } as unknown as DynamoDBDocumentClient;
    const partitions = new DynamoOpenInvoices(client, 'table').partitions();
    assert.equal(partitions.length, ACTIVE_SHARDS);
    const listed: string[] = [];
    for (const partition of partitions) for await (const page of partition) listed.push(...page);
    assert.deepEqual(listed.slice(0, 2), ['ACTIVE#0-first', 'ACTIVE#0-second']);
    assert.equal(listed.length, 2 * ACTIVE_SHARDS);
    assert.deepEqual(queries[0], {
      TableName: 'table',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :partition',
      ExpressionAttributeValues: { ':partition': 'ACTIVE#0' },
      ExclusiveStartKey: undefined,
    });
    assert.deepEqual(queries[1]?.ExclusiveStartKey, { at: 1 });
  });
});
