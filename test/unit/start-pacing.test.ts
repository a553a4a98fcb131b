import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import {
  DEFAULT_START_RATE_PER_SECOND,
  START_BATCH_SIZE,
  START_POLLERS,
  startPacerBurst,
  startRatePerConsumer,
} from '#contracts/start-pacing.ts';
import { executionName } from '#domain/executions.ts';
import { Pacer } from '#domain/pacing.ts';
import type { StartResult, Workflow } from '#ports/workflow.ts';
import { pacedStarts, type StartRecord, startBatch } from '#use-cases/start-batch.ts';
import { startDunning } from '#use-cases/start-dunning.ts';
import { InMemoryInvoiceStore, RecordingLog, SettableClock } from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';
import { VirtualTime } from '../support/virtual-time.ts';

/**
 * The month-end burst model (issue 10, item 5), on virtual time: the start buffer (an SQS queue:
 * batches of START_BATCH_SIZE, a visibility timeout, five receives before the dead-letter queue),
 * START_POLLERS consumers running the real `startBatch` over StartExecution paced by the real
 * `pacedStarts`, and a throttling fake of StartExecution with the account quota (us-east-1: a
 * refill of 300 per second; its bucket of 1,300 is taken as 800 here, which only makes the fake stricter).
 */

const STEP_FUNCTIONS_REFILL_PER_SECOND = 300;
const STEP_FUNCTIONS_BUCKET = 800;
const VISIBILITY_MS = 180_000;
const MAX_RECEIVES = 5;
const EMPTY_POLL_MS = 1_000;

/** StartExecution with the account's token bucket; a throttled call fails as the SDK would after its retries. */
class ThrottlingStarts {
  readonly started = new Map<string, number>();
  /** Executions that have ended: a start of one of these names is refused (it still counts against the quota). */
  readonly ended = new Set<string>();
  calls = 0;
  throttled = 0;
  private tokens = STEP_FUNCTIONS_BUCKET;
  private refilledAt = 0;
  private readonly time: VirtualTime;

  constructor(time: VirtualTime) {
    this.time = time;
  }

  readonly start = async (name: string, _input: unknown): Promise<StartResult> => {
    const now = this.time.now;
    this.tokens = Math.min(STEP_FUNCTIONS_BUCKET, this.tokens + ((now - this.refilledAt) / 1000) * STEP_FUNCTIONS_REFILL_PER_SECOND);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    this.tokens -= 1;
    this.calls++;
    if (this.ended.has(name)) return 'ended';
    this.started.set(name, (this.started.get(name) ?? 0) + 1);
    return 'started';
  };
}

interface Message extends StartRecord {
  receives: number;
}

/** What a consumer does with one request, over its paced StartExecution: by default one start named after the invoice. */
type Consumer = (workflow: Pick<Workflow, 'start'>) => (invoiceId: string) => Promise<unknown>;
const startByInvoiceId: Consumer = (workflow) => (invoiceId) => workflow.start(invoiceId, { invoiceId });

async function burst(invoices: number, ratePerPoller: number, options: { consumer?: Consumer; ended?: readonly string[] } = {}) {
  const time = new VirtualTime();
  const starts = new ThrottlingStarts(time);
  for (const name of options.ended ?? []) starts.ended.add(name);
  const queue: Message[] = Array.from({ length: invoices }, (_, index) => ({
    messageId: `m-${index}`,
    body: JSON.stringify({ invoiceId: `INV-${index}` }),
    receives: 0,
  }));
  const deadLetters: Message[] = [];
  let done = 0;
  let invisible = 0;
  const settled = () => done + deadLetters.length === invoices && invisible === 0;
  const log = new RecordingLog();
  const poller = async () => {
    const pacer = new Pacer({
      ratePerSecond: ratePerPoller,
      burst: startPacerBurst(ratePerPoller),
      now: () => time.now,
      sleep: time.sleep,
    });
    const start = (options.consumer ?? startByInvoiceId)(pacedStarts(starts, pacer));
    while (!settled()) {
      const batch = queue.splice(0, START_BATCH_SIZE);
      if (batch.length === 0) {
        await time.sleep(EMPTY_POLL_MS);
        continue;
      }
      for (const message of batch) message.receives++;
      const failed = new Set((await startBatch({ start, log }, batch)).map((failure) => failure.itemIdentifier));
      done += batch.length - failed.size;
      for (const message of batch.filter((candidate) => failed.has(candidate.messageId))) {
        if (message.receives >= MAX_RECEIVES) {
          deadLetters.push(message);
          continue;
        }
        invisible++;
        void time.sleep(VISIBILITY_MS).then(() => {
          invisible--;
          queue.push(message);
        });
      }
    }
  };
  const pollers = Array.from({ length: START_POLLERS }, poller);
  await time.run(settled);
  await time.run(() => true);
  void pollers;
  return { starts, deadLetters, seconds: time.now / 1000 };
}

describe('the start buffer under a month-end burst', () => {
  test(`500,000 start requests: every one started once, none throttled or dead-lettered, drained at ${DEFAULT_START_RATE_PER_SECOND}/s`, async () => {
    const invoices = 500_000;
    const { starts, deadLetters, seconds } = await burst(invoices, startRatePerConsumer(DEFAULT_START_RATE_PER_SECOND));
    assert.equal(starts.started.size, invoices);
    assert.ok(
      [...starts.started.values()].every((count) => count === 1),
      'each invoice started once',
    );
    assert.equal(starts.throttled, 0);
    assert.equal(deadLetters.length, 0);
    // 500,000 / 250 = 2,000 s (the first second's bucket of each consumer comes on top).
    const expected = invoices / DEFAULT_START_RATE_PER_SECOND;
    assert.ok(seconds <= expected && seconds >= expected - 2, `drained in ${seconds} s, expected about ${expected} s`);
  });

  test('unpaced consumers run into the quota: throttled requests are retried by the queue, and what still fails is dead-lettered, never lost', async () => {
    const invoices = 20_000;
    const { starts, deadLetters } = await burst(invoices, 5_000);
    assert.ok(starts.throttled > 0, 'without pacing the account quota throttles');
    assert.equal(starts.started.size + deadLetters.length, invoices);
    assert.ok([...starts.started.values()].every((count) => count === 1));
  });

  test('a configured rate is the rate: 20,000 requests at startRatePerSecond 100 drain in 200 s, unthrottled', async () => {
    const { starts, deadLetters, seconds } = await burst(20_000, startRatePerConsumer(100));
    assert.equal(starts.started.size, 20_000);
    assert.equal(starts.throttled + deadLetters.length, 0);
    assert.ok(seconds <= 200 && seconds >= 198, `drained in ${seconds} s`);
  });

  test("a reconcile's requests through the real startDunning: a running execution costs one no-op start, an ended one two calls, every call paced", async () => {
    const invoices = 20_000;
    const store = new InMemoryInvoiceStore();
    const ended: string[] = [];
    for (let index = 0; index < invoices; index++) {
      const invoiceId = `INV-${index}`;
      const name = executionName(invoiceId, 1);
      store.seed({ ...newInvoice({ invoiceId }), execution: { name, generation: 1, startedAt: '2026-11-01T10:00:00.000Z' } });
      // Every fourth one failed; the others run (the reconcile would have skipped them, but a race sent them anyway).
      if (index % 4 === 0) ended.push(name);
    }
    const clock = new SettableClock('2026-12-01T02:30:00Z');
    const consumer: Consumer = (workflow) => (invoiceId) => startDunning({ store, clock, workflow }, invoiceId);
    const { starts, deadLetters, seconds } = await burst(invoices, startRatePerConsumer(DEFAULT_START_RATE_PER_SECOND), {
      consumer,
      ended,
    });
    assert.equal(starts.throttled + deadLetters.length, 0);
    // 20,000 starts by the recorded name, plus a generation-2 start for each of the 5,000 ended.
    assert.equal(starts.calls, invoices + ended.length);
    for (const name of ended) assert.equal(starts.started.get(name.replace(/-g1$/, '-g2')), 1);
    const expected = starts.calls / DEFAULT_START_RATE_PER_SECOND;
    assert.ok(seconds <= expected && seconds >= expected - 2, `drained in ${seconds} s, expected about ${expected} s`);
  });

  test('a pacer hands out its rate on the clock, a whole batch at a time, in order', async () => {
    const time = new VirtualTime();
    const pacer = new Pacer({ ratePerSecond: 50, burst: 10, now: () => time.now, sleep: time.sleep });
    const granted: number[] = [];
    const takes = [10, 10, 5].map((count) => pacer.take(count).then(() => granted.push(time.now)));
    await time.run(() => granted.length === takes.length);
    // 10 at once from the full bucket, the next 10 after 200 ms, then 5 after 100 ms more.
    assert.deepEqual(granted, [0, 200, 300]);
    assert.throws(() => pacer.take(11), /cannot take 11 tokens from a bucket of 10/);
  });
});
