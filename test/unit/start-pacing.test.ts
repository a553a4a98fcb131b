import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { START_BATCH_SIZE, START_POLLERS, START_RATE_PER_POLLER, START_RATE_PER_SECOND } from '#contracts/start-pacing.ts';
import { Pacer } from '#domain/pacing.ts';
import { type StartRecord, startBatch } from '#use-cases/start-batch.ts';
import { RecordingLog } from '../support/fakes.ts';

/**
 * The month-end burst model (issue 10, item 5), on virtual time: the start buffer (an SQS queue:
 * batches of START_BATCH_SIZE, a visibility timeout, five receives before the dead-letter queue),
 * START_POLLERS consumers running the real `startBatch` with their real pacers, and a throttling
 * fake of StartExecution with the account quota (300 per second refill, a bucket of 800).
 */

const STEP_FUNCTIONS_REFILL_PER_SECOND = 300;
const STEP_FUNCTIONS_BUCKET = 800;
const VISIBILITY_MS = 180_000;
const MAX_RECEIVES = 5;
const EMPTY_POLL_MS = 1_000;

/** Timers on a virtual clock: the model advances straight to the next one once everything else has run. */
class VirtualTime {
  now = 0;
  private readonly timers: { at: number; order: number; resolve: () => void }[] = [];
  private order = 0;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = { at: this.now + ms, order: this.order++, resolve };
      let index = this.timers.length;
      while (index > 0 && (this.timers[index - 1]?.at ?? 0) > timer.at) index--;
      this.timers.splice(index, 0, timer);
    });

  async run(done: () => boolean): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done()) return;
      const next = this.timers.shift();
      if (!next) return;
      this.now = next.at;
      next.resolve();
    }
  }
}

/** StartExecution with the account's token bucket; a throttled call fails as the SDK would after its retries. */
class ThrottlingStarts {
  readonly started = new Map<string, number>();
  throttled = 0;
  private tokens = STEP_FUNCTIONS_BUCKET;
  private refilledAt = 0;
  private readonly time: VirtualTime;

  constructor(time: VirtualTime) {
    this.time = time;
  }

  readonly start = async (invoiceId: string): Promise<void> => {
    const now = this.time.now;
    this.tokens = Math.min(STEP_FUNCTIONS_BUCKET, this.tokens + ((now - this.refilledAt) / 1000) * STEP_FUNCTIONS_REFILL_PER_SECOND);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    this.tokens -= 1;
    this.started.set(invoiceId, (this.started.get(invoiceId) ?? 0) + 1);
  };
}

interface Message extends StartRecord {
  receives: number;
}

async function burst(invoices: number, ratePerPoller: number) {
  const time = new VirtualTime();
  const starts = new ThrottlingStarts(time);
  const queue: Message[] = Array.from({ length: invoices }, (_, index) => ({
    messageId: `m-${index}`,
    body: JSON.stringify({ invoiceId: `INV-${index}` }),
    receives: 0,
  }));
  const deadLetters: Message[] = [];
  let invisible = 0;
  const settled = () => starts.started.size + deadLetters.length === invoices && invisible === 0;
  const log = new RecordingLog();
  const poller = async () => {
    const pacer = new Pacer({
      ratePerSecond: ratePerPoller,
      burst: Math.max(START_BATCH_SIZE, ratePerPoller),
      now: () => time.now,
      sleep: time.sleep,
    });
    while (!settled()) {
      const batch = queue.splice(0, START_BATCH_SIZE);
      if (batch.length === 0) {
        await time.sleep(EMPTY_POLL_MS);
        continue;
      }
      for (const message of batch) message.receives++;
      const failed = new Set((await startBatch({ start: starts.start, pacer, log }, batch)).map((failure) => failure.itemIdentifier));
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
  test(`500,000 start requests: every one started once, none throttled or dead-lettered, drained at ${START_RATE_PER_SECOND}/s`, async () => {
    const invoices = 500_000;
    const { starts, deadLetters, seconds } = await burst(invoices, START_RATE_PER_POLLER);
    assert.equal(starts.started.size, invoices);
    assert.ok(
      [...starts.started.values()].every((count) => count === 1),
      'each invoice started once',
    );
    assert.equal(starts.throttled, 0);
    assert.equal(deadLetters.length, 0);
    // 500,000 / 250 = 2,000 s (the first second's bucket of each consumer comes on top).
    const expected = invoices / START_RATE_PER_SECOND;
    assert.ok(seconds <= expected && seconds >= expected - 2, `drained in ${seconds} s, expected about ${expected} s`);
  });

  test('unpaced consumers run into the quota: throttled requests are retried by the queue, and what still fails is dead-lettered, never lost', async () => {
    const invoices = 20_000;
    const { starts, deadLetters } = await burst(invoices, 5_000);
    assert.ok(starts.throttled > 0, 'without pacing the account quota throttles');
    assert.equal(starts.started.size + deadLetters.length, invoices);
    assert.ok([...starts.started.values()].every((count) => count === 1));
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
