import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DeliveryLog } from '#local/delivery-log.ts';

type Item = { readonly target: string; readonly n: number };

describe('the local delivery log (accepted asynchronous deliveries)', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'dunwell-deliveries-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('what was accepted and not done is pending again after a reload, in order; done entries are not', () => {
    const file = join(folder, 'reload.jsonl');
    const log = new DeliveryLog<Item>(file);
    const a = log.accept({ target: 'signal', n: 1 });
    const b = log.accept({ target: 'email-feedback', n: 2 });
    const c = log.accept({ target: 'start-dunning', n: 3 });
    log.done(b);
    assert.deepEqual(
      log.pending().map((entry) => entry.item.n),
      [1, 3],
    );
    // A kill -9 here: nothing but the file survives.
    const reloaded = new DeliveryLog<Item>(file);
    assert.deepEqual(reloaded.pending(), [
      { id: a, item: { target: 'signal', n: 1 } },
      { id: c, item: { target: 'start-dunning', n: 3 } },
    ]);
    // New entries get new ids; done ones stay done across the next reload too.
    reloaded.done(a);
    const d = reloaded.accept({ target: 'wake', n: 4 });
    assert.ok(d > c);
    assert.deepEqual(
      new DeliveryLog<Item>(file).pending().map((entry) => entry.item.n),
      [3, 4],
    );
  });

  test('a reload rewrites the log with only what is pending', () => {
    const file = join(folder, 'trim.jsonl');
    const log = new DeliveryLog<Item>(file);
    for (let n = 1; n <= 20; n++) {
      const id = log.accept({ target: 'signal', n });
      if (n !== 7) log.done(id);
    }
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 39);
    assert.deepEqual(
      new DeliveryLog<Item>(file).pending().map((entry) => entry.item.n),
      [7],
    );
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 1, 'the spent entries are gone from the file');
  });

  test('done entries are trimmed from the file while running, without losing pending ones', () => {
    const file = join(folder, 'running.jsonl');
    const log = new DeliveryLog<Item>(file);
    const kept = log.accept({ target: 'signal', n: 0 });
    for (let n = 1; n <= 600; n++) log.done(log.accept({ target: 'signal', n }));
    assert.ok(readFileSync(file, 'utf8').trim().split('\n').length < 300, 'the log does not grow without bound');
    assert.deepEqual(new DeliveryLog<Item>(file).pending(), [{ id: kept, item: { target: 'signal', n: 0 } }]);
  });

  test('a last line torn by a crash mid-append is ignored, and the next append is not glued to it', () => {
    const file = join(folder, 'torn.jsonl');
    const log = new DeliveryLog<Item>(file);
    log.accept({ target: 'signal', n: 1 });
    // The process died while appending the next accept: its sender was never answered.
    appendFileSync(file, '{"op":"accept","id":2,"item":{"target":"sig');
    const reloaded = new DeliveryLog<Item>(file);
    assert.deepEqual(
      reloaded.pending().map((entry) => entry.item.n),
      [1],
    );
    reloaded.accept({ target: 'email-feedback', n: 2 });
    assert.deepEqual(
      new DeliveryLog<Item>(file).pending().map((entry) => entry.item.n),
      [1, 2],
    );
  });

  test('a torn done line leaves its delivery pending: delivered again, at least once', () => {
    const file = join(folder, 'torn-done.jsonl');
    const log = new DeliveryLog<Item>(file);
    const id = log.accept({ target: 'signal', n: 1 });
    appendFileSync(file, `{"op":"done","id":${id}`);
    assert.deepEqual(
      new DeliveryLog<Item>(file).pending().map((entry) => entry.item.n),
      [1],
    );
  });

  test('without a file it keeps the pending deliveries in memory', () => {
    const log = new DeliveryLog<Item>(undefined);
    const a = log.accept({ target: 'signal', n: 1 });
    log.accept({ target: 'signal', n: 2 });
    log.done(a);
    assert.deepEqual(
      log.pending().map((entry) => entry.item.n),
      [2],
    );
  });
});
