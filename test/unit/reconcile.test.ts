import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RECONCILE_CONCURRENCY, type ReconcileDeps, reconcile } from '#domain/lifecycle.ts';

/** A store whose only use here is listing open invoices; the rest of the port is not called. */
function storeListing(invoiceIds: readonly string[]): ReconcileDeps['store'] {
  return {
    async *listActive() {
      yield* invoiceIds;
    },
  } as unknown as ReconcileDeps['store'];
}

/** Start requests that answer on a later turn, recording what was asked and how many were in flight. */
function slowStarts(fail?: string) {
  const requested: string[] = [];
  let inFlight = 0;
  let peak = 0;
  return {
    requested,
    peak: () => peak,
    starts: {
      async request(invoiceId: string) {
        requested.push(invoiceId);
        peak = Math.max(peak, ++inFlight);
        await new Promise((done) => setImmediate(done));
        inFlight--;
        if (invoiceId === fail) throw new Error(`queue refused ${invoiceId}`);
      },
    },
  };
}

describe('reconcile', () => {
  test('requests every open invoice once, several at a time but never more than the bound', async () => {
    const ids = Array.from({ length: RECONCILE_CONCURRENCY * 3 + 5 }, (_, i) => `INV-${i}`);
    const recorder = slowStarts();
    assert.equal(await reconcile({ store: storeListing(ids), starts: recorder.starts }), ids.length);
    assert.deepEqual([...recorder.requested].sort(), [...ids].sort());
    assert.equal(recorder.peak(), RECONCILE_CONCURRENCY);
  });

  test('a request that fails fails the run, after the requests in flight have settled', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `INV-${i}`);
    const recorder = slowStarts('INV-3');
    await assert.rejects(reconcile({ store: storeListing(ids), starts: recorder.starts }), /queue refused INV-3/);
    assert.ok(recorder.requested.length < ids.length, 'no new request after the failure was seen');
  });
});
