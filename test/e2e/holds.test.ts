import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Holds as a collector and a customer live them: disputes, promises, manual pauses, credit
 * notes and void, through the HTTP API of the running pipeline with the clock advanced.
 * The invoice is due 2026-12-01 (Berlin): pre-3 on Monday 30 Nov (28 Nov is a Saturday), post-3
 * on 4 Dec, post-14 on 15 Dec, each at 09:00 local (08:00Z); tier 2 starts on 1 Jan.
 */
describe('holds pause dunning at once and resume or close when they end', () => {
  let server: LocalServer;
  afterEach(() => server.stop());
  const boot = async (invoiceId: string) => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }))).status, 201);
  };
  const steps = async (invoiceId: string) => (await server.outbox(invoiceId)).map((message) => message.step);
  const events = async (invoiceId: string) =>
    (await server.api('GET', `/v1/invoices/${invoiceId}`)).body.timeline.map((event: { type: string }) => event.type) as string[];

  test('a dispute pauses mid-cadence; after rejection and the grace period, only the latest due step goes out', async () => {
    await boot('INV-DSP-1');
    await server.advance({ to: '2026-11-30T10:00:00Z' });
    assert.deepEqual(await steps('INV-DSP-1'), ['pre-3']);

    const opened = await server.api('POST', '/v1/invoices/INV-DSP-1/disputes', { reason: 'pricing', note: 'Rate should be 110/h' });
    assert.equal(opened.status, 201);
    assert.equal(opened.body.disputeId, 'DSP.INV-DSP-1.1');
    assert.equal(opened.body.invoice.status, 'on_hold');
    assert.deepEqual(opened.body.invoice.nextAction, { type: 'hold', at: null });

    await server.advance({ to: '2026-12-20T10:00:00Z' });
    assert.deepEqual(await steps('INV-DSP-1'), ['pre-3'], 'nothing while the dispute is open');

    const second = await server.api('POST', '/v1/invoices/INV-DSP-1/disputes', { reason: 'other' });
    assert.equal(second.status, 409, 'one open dispute at a time');

    const rejected = await server.api('POST', '/v1/disputes/DSP.INV-DSP-1.1/resolution', { outcome: 'rejected' });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.invoice.status, 'open');
    assert.deepEqual(rejected.body.invoice.nextAction, { type: 'grace', at: '2026-12-23T10:00:00.000Z' });

    await server.advance({ to: '2026-12-23T09:59:00Z' });
    assert.deepEqual(await steps('INV-DSP-1'), ['pre-3'], 'nothing during the grace period');
    await server.advance({ to: '2026-12-31T00:00:00Z' });
    assert.deepEqual(await steps('INV-DSP-1'), ['pre-3', 'post-14'], 'resumes with the latest due step, no burst');
    const timeline = await events('INV-DSP-1');
    assert.ok(timeline.includes('dispute.opened') && timeline.includes('dispute.resolved'));
  });

  test('a hold placed just before a step is due stops that step', async () => {
    await boot('INV-HOLD-1');
    await server.advance({ to: '2026-11-28T07:59:00Z' });
    const held = await server.api('POST', '/v1/invoices/INV-HOLD-1/holds', {
      note: 'Customer is changing bank',
      until: '2026-12-10T00:00:00Z',
    });
    assert.equal(held.status, 201);
    assert.equal(held.body.holdId, 'HLD.INV-HOLD-1.1');
    assert.deepEqual(held.body.invoice.nextAction, { type: 'hold', at: '2026-12-10T00:00:00.000Z' });
    await server.advance({ to: '2026-12-10T07:59:00Z' });
    assert.deepEqual(await steps('INV-HOLD-1'), [], 'the hold ends at 01:00 Berlin time: the step waits for business hours');
    await server.advance({ to: '2026-12-10T08:00:00Z' });
    const [message] = await server.outbox('INV-HOLD-1');
    assert.deepEqual([message?.step, message?.sentAt], ['post-3', '2026-12-10T08:00:00.000Z'], 'the step due meanwhile goes out, once');
    assert.ok((await events('INV-HOLD-1')).includes('hold.released'));
  });

  test('an open-ended manual hold lasts until released', async () => {
    await boot('INV-HOLD-2');
    const held = await server.api('POST', '/v1/invoices/INV-HOLD-2/holds', { note: 'Legal review' });
    assert.deepEqual(held.body.invoice.nextAction, { type: 'hold', at: null });
    await server.advance({ to: '2026-12-10T09:00:00Z' });
    assert.deepEqual(await steps('INV-HOLD-2'), []);
    const released = await server.api('POST', '/v1/invoices/INV-HOLD-2/holds/HLD.INV-HOLD-2.1/release');
    assert.equal(released.status, 200);
    await server.advance({ hours: 1 });
    assert.deepEqual(await steps('INV-HOLD-2'), ['post-3']);
    const missing = await server.api('POST', '/v1/invoices/INV-HOLD-2/holds', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.body.errors.map((e: { path: string }) => e.path),
      ['note'],
    );
    // Money arrived that may be this invoice's: an unmatched-cash hold, numbered with the manual ones.
    const cash = await server.api('POST', '/v1/invoices/INV-HOLD-2/holds', {
      note: 'Bank transfer without reference',
      reason: 'unmatched_cash',
    });
    assert.equal(cash.status, 201);
    assert.equal(cash.body.holdId, 'HLD.INV-HOLD-2.2');
    assert.equal(cash.body.invoice.holds.at(-1).reason, 'unmatched_cash');
    const badReason = await server.api('POST', '/v1/invoices/INV-HOLD-2/holds', { note: 'x', reason: 'dispute' });
    assert.deepEqual([badReason.status, badReason.body.errors.map((e: { path: string }) => e.path)], [400, ['reason']]);
  });

  test('a credited dispute for the whole balance closes the invoice without reminders or thanks', async () => {
    await boot('INV-DSP-2');
    await server.api('POST', '/v1/invoices/INV-DSP-2/disputes', { reason: 'damaged_goods' });
    const credited = await server.api('POST', '/v1/disputes/DSP.INV-DSP-2.1/resolution', { outcome: 'credited', creditAmount: '1250.00' });
    assert.equal(credited.status, 200);
    assert.equal(credited.body.invoice.balance, '0.00');
    assert.equal(credited.body.invoice.credited, '1250.00');
    await server.advance({ days: 60 });
    assert.deepEqual(await steps('INV-DSP-2'), []);
    assert.equal((await events('INV-DSP-2')).at(-1), 'invoice.closed');
  });

  test('a partly credited dispute resumes with the lower balance in the next reminder', async () => {
    await boot('INV-DSP-3');
    await server.api('POST', '/v1/invoices/INV-DSP-3/disputes', { reason: 'short_delivery' });
    const over = await server.api('POST', '/v1/disputes/DSP.INV-DSP-3.1/resolution', { outcome: 'credited', creditAmount: '5000.00' });
    assert.equal(over.status, 400);
    assert.deepEqual(
      over.body.errors.map((e: { path: string }) => e.path),
      ['creditAmount'],
    );
    await server.api('POST', '/v1/disputes/DSP.INV-DSP-3.1/resolution', { outcome: 'credited', creditAmount: '250.00' });
    await server.advance({ to: '2026-11-30T09:00:00Z' });
    const [reminder] = await server.outbox('INV-DSP-3');
    assert.match(reminder?.text ?? '', /1\.000,00\s€/);
  });

  test('an upheld dispute voids the invoice and nothing more is sent', async () => {
    await boot('INV-DSP-4');
    await server.api('POST', '/v1/invoices/INV-DSP-4/disputes', { reason: 'duplicate_billing' });
    const upheld = await server.api('POST', '/v1/disputes/DSP.INV-DSP-4.1/resolution', { outcome: 'upheld' });
    assert.equal(upheld.body.invoice.status, 'void');
    await server.advance({ days: 60 });
    assert.deepEqual(await steps('INV-DSP-4'), []);
    const again = await server.api('POST', '/v1/disputes/DSP.INV-DSP-4.1/resolution', { outcome: 'rejected' });
    assert.equal(again.status, 409);
    assert.equal((await server.api('POST', '/v1/disputes/DSP.NOPE.1/resolution', { outcome: 'rejected' })).status, 404);
  });

  test('a kept promise: paid before the promised date, one thank-you and the promise is recorded as kept', async () => {
    await boot('INV-PRM-1');
    await server.advance({ to: '2026-12-02T10:00:00Z' });
    const promised = await server.api('POST', '/v1/invoices/INV-PRM-1/promises', { promisedDate: '2026-12-09' });
    assert.equal(promised.status, 201);
    assert.equal(promised.body.promiseId, 'PRM.INV-PRM-1.1');
    assert.equal(promised.body.invoice.status, 'on_hold');
    await server.advance({ to: '2026-12-08T10:00:00Z' });
    assert.deepEqual(await steps('INV-PRM-1'), ['pre-3'], 'post-3 (4 Dec) is held back by the promise');
    await server.api('POST', '/v1/invoices/INV-PRM-1/payments', { paymentId: 'P-1', amount: '1250.00', paidAt: '2026-12-08T09:00:00Z' });
    await server.advance({ days: 30 });
    assert.deepEqual(await steps('INV-PRM-1'), ['pre-3', 'thank-you']);
    const timeline = await events('INV-PRM-1');
    assert.ok(timeline.includes('promise.kept'), timeline.join(', '));
  });

  test('a broken promise: a collector task, and dunning resumes one tier firmer once the grace period has passed', async () => {
    await boot('INV-PRM-2');
    await server.advance({ to: '2026-12-02T10:00:00Z' });
    await server.api('POST', '/v1/invoices/INV-PRM-2/promises', { promisedDate: '2026-12-05' });
    // Grace: 2 days, checked at the end of 7 Dec, Berlin time.
    await server.advance({ to: '2026-12-07T22:00:00Z' });
    assert.deepEqual(await steps('INV-PRM-2'), ['pre-3']);
    // Broken at midnight; the reminder waits for 09:00 Berlin.
    await server.advance({ to: '2026-12-08T08:00:00Z' });
    const messages = await server.outbox('INV-PRM-2');
    // Tier 1's next step would have been a friendly post-3; tier 2's latest due step is firm.
    assert.deepEqual(
      messages.map((m) => m.step),
      ['pre-3', 't2-post-1'],
    );
    assert.equal(messages[1]?.sentAt, '2026-12-08T08:00:00.000Z');
    assert.equal(messages[1]?.subject, 'Zahlung überfällig: Rechnung INV-PRM-2');
    const invoice = await server.api('GET', '/v1/invoices/INV-PRM-2');
    assert.equal(invoice.body.policy.tier, 2);
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-PRM-2');
    assert.equal(tasks.status, 200);
    assert.deepEqual(
      tasks.body.map((task: { reason: string; kind: string }) => [task.reason, task.kind]),
      [['broken_promise', 'call']],
    );
    const timeline = await events('INV-PRM-2');
    assert.ok(timeline.includes('promise.broken'));
  });

  test('promise and hold inputs are validated against the policy and the invoice', async () => {
    await boot('INV-PRM-3');
    const past = await server.api('POST', '/v1/invoices/INV-PRM-3/promises', { promisedDate: '2026-10-01' });
    assert.equal(past.status, 400);
    assert.deepEqual(past.body.errors, [{ path: 'promisedDate', message: 'must not be in the past' }]);
    const far = await server.api('POST', '/v1/invoices/INV-PRM-3/promises', { promisedDate: '2027-06-01' });
    assert.deepEqual(
      far.body.errors.map((e: { path: string }) => e.path),
      ['promisedDate'],
    );
    const tooMuch = await server.api('POST', '/v1/invoices/INV-PRM-3/promises', { promisedDate: '2026-11-20', amount: '9999.00' });
    assert.deepEqual(
      tooMuch.body.errors.map((e: { path: string }) => e.path),
      ['amount'],
    );
    const badReason = await server.api('POST', '/v1/invoices/INV-PRM-3/disputes', { reason: 'too_expensive' });
    assert.deepEqual(
      badReason.body.errors.map((e: { path: string }) => e.path),
      ['reason'],
    );
    const invoice = await server.api('GET', '/v1/invoices/INV-PRM-3');
    assert.deepEqual(invoice.body.holds, [], 'rejected requests leave nothing behind');
  });

  test('void closes the invoice; credit notes lower the balance and are idempotent by id', async () => {
    await boot('INV-CN-1');
    const credit = { creditNoteId: 'CN-9', amount: '250.00', reason: 'Goodwill' };
    assert.equal((await server.api('POST', '/v1/invoices/INV-CN-1/credit-notes', credit)).status, 201);
    const repeat = await server.api('POST', '/v1/invoices/INV-CN-1/credit-notes', credit);
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.invoice.balance, '1000.00');
    const conflicting = await server.api('POST', '/v1/invoices/INV-CN-1/credit-notes', { ...credit, amount: '300.00' });
    assert.equal(conflicting.status, 409);
    await server.advance({ to: '2026-11-30T09:00:00Z' });
    assert.deepEqual(await steps('INV-CN-1'), ['pre-3']);
    const voided = await server.api('POST', '/v1/invoices/INV-CN-1/void', { reason: 'Issued in error' });
    assert.equal(voided.status, 200);
    assert.equal(voided.body.status, 'void');
    await server.advance({ days: 60 });
    assert.deepEqual(await steps('INV-CN-1'), ['pre-3']);
    assert.equal((await server.api('GET', '/v1/invoices/INV-CN-1')).body.nextAction, null);
    const payAfterVoid = await server.api('POST', '/v1/invoices/INV-CN-1/payments', {
      paymentId: 'P',
      amount: '1.00',
      paidAt: '2026-12-01T00:00:00Z',
    });
    assert.equal(payAfterVoid.status, 409);
  });
});
