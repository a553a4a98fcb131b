import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { formTokenOf, payLinkOf, postForm } from '../support/hosted-page.ts';
import { type ApiResponse, invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Races on the local runtime: every write route gets ten requests of one kind at once, aimed at
 * one invoice (or customer, or policy). Every command writes with one conditional put at the
 * version it read; the losers must re-read and decide again, so the answers are only what the
 * API allows one request alone (never a 500), and the state they leave is the sum of what was
 * answered: nothing lost, nothing done twice.
 */

const PARALLEL = 10;

/** Ten requests at once, the index telling them apart. */
function atOnce<T>(request: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: PARALLEL }, (_, index) => request(index)));
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Every answer is one of `allowed`; the message shows every other one with its body. */
function assertOnly(answers: readonly Answer[], allowed: readonly number[]): void {
  const others = answers.filter((answer) => !allowed.includes(answer.status)).map((answer) => [answer.status, answer.body]);
  assert.deepEqual(others, [], `answers must be ${allowed.join('/')}; all: ${answers.map((answer) => answer.status).join(',')}`);
}

const countOf = (answers: readonly Answer[], status: number) => answers.filter((answer) => answer.status === status).length;

/** Every 409 is the business conflict one request alone would get (not a retry that gave up). */
function assertConflictsDecided(answers: readonly Answer[]): void {
  const types = answers.filter((answer) => answer.status === 409).map((answer) => (answer.body as { type?: string }).type);
  assert.deepEqual(new Set(types), new Set(types.length > 0 ? ['urn:dunwell:problem:conflict'] : []));
}

interface TimelineEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

const eventsOf = (invoice: { timeline: TimelineEvent[] }, type: string) => invoice.timeline.filter((event) => event.type === type);

describe('races on the API: ten at once, never a 500', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const invoice = async (invoiceId: string) => {
    const response = await server.api('GET', `/v1/invoices/${invoiceId}`);
    assert.equal(response.status, 200);
    return response.body;
  };
  const create = async (invoiceId: string) => {
    const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }));
    assert.equal(created.status, 201);
  };
  const post = (path: string, body?: unknown, headers?: Record<string, string>) => server.api('POST', path, body, headers);

  describe('POST /v1/invoices', () => {
    test('ten identical creates: one 201, nine 200, one invoice with one invoice.received', async () => {
      const answers = await atOnce(() => post('/v1/invoices', invoiceBody({ invoiceId: 'INV-R-CREATE' })));
      assertOnly(answers, [201, 200]);
      assert.equal(countOf(answers, 201), 1);
      const stored = await invoice('INV-R-CREATE');
      assert.equal(eventsOf(stored, 'invoice.received').length, 1);
      assert.equal(eventsOf(stored, 'invoice.updated').length, 0);
    });

    test('ten creates of one id with different PO numbers: one 201, nine updates, each on the timeline once', async () => {
      const poNumbers = Array.from({ length: PARALLEL }, (_, index) => `PO-R-${index}`);
      const answers = await atOnce((index) => post('/v1/invoices', invoiceBody({ invoiceId: 'INV-R-UPSERT', poNumber: poNumbers[index] })));
      assertOnly(answers, [201, 200]);
      assert.equal(countOf(answers, 201), 1);
      const stored = await invoice('INV-R-UPSERT');
      assert.equal(eventsOf(stored, 'invoice.received').length, 1);
      assert.equal(eventsOf(stored, 'invoice.updated').length, PARALLEL - 1, 'every 200 was an update of its own');
      assert.ok(poNumbers.includes(stored.poNumber));
    });

    test('ten with one Idempotency-Key: the command runs once, the others are replays or in progress', async () => {
      await create('INV-R-IDEM');
      const hold = { note: 'Customer on holiday', until: '2026-11-20T00:00:00Z' };
      const answers = await atOnce(() => post('/v1/invoices/INV-R-IDEM/holds', hold, { 'idempotency-key': 'race-hold-1' }));
      assertOnly(answers, [201, 409]);
      const ran = answers.filter((answer) => answer.status === 201 && !answer.headers.get('idempotent-replayed'));
      assert.equal(ran.length, 1, 'exactly one request ran');
      for (const answer of answers.filter((candidate) => candidate.status === 409)) {
        assert.equal((answer.body as { type: string }).type, 'urn:dunwell:problem:request-in-progress');
      }
      const stored = await invoice('INV-R-IDEM');
      assert.deepEqual(
        stored.holds.map((entry: { holdId: string }) => entry.holdId),
        ['HLD.INV-R-IDEM.1'],
      );
      const replay = await post('/v1/invoices/INV-R-IDEM/holds', hold, { 'idempotency-key': 'race-hold-1' });
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    });
  });

  test('POST /v1/invoices:batch: ten batches naming one invoice at once, every item 201 or 200, each write once', async () => {
    // Each batch updates the shared invoice with its own PO number and creates an invoice of its own.
    const answers = await atOnce((batch) =>
      post('/v1/invoices:batch', {
        invoices: [
          invoiceBody({ invoiceId: 'INV-R-BATCH', poNumber: `PO-B-${batch}` }),
          invoiceBody({ invoiceId: `INV-R-BATCH-${batch}` }),
        ],
      }),
    );
    assertOnly(answers, [207]);
    const items = answers.flatMap((answer) => (answer.body as { results: { invoiceId: string; status: number }[] }).results);
    assertOnly(
      items.map((item) => ({ status: item.status, body: item })),
      [201, 200],
    );
    const shared = items.filter((item) => item.invoiceId === 'INV-R-BATCH');
    assert.equal(shared.filter((item) => item.status === 201).length, 1, 'created once');
    const stored = await invoice('INV-R-BATCH');
    assert.equal(eventsOf(stored, 'invoice.received').length, 1);
    assert.equal(eventsOf(stored, 'invoice.updated').length, PARALLEL - 1, 'every 200 was an update of its own');
    for (let batch = 0; batch < PARALLEL; batch++) {
      assert.equal(eventsOf(await invoice(`INV-R-BATCH-${batch}`), 'invoice.received').length, 1);
    }
  });

  describe('POST /v1/invoices/{invoiceId}/payments', () => {
    test('ten different partial payments: all 201, each recorded once, the balance right', async () => {
      await create('INV-R-PAY');
      const answers = await atOnce((index) =>
        post('/v1/invoices/INV-R-PAY/payments', { paymentId: `PAY-R-${index}`, amount: '10.00', paidAt: '2026-10-31T12:00:00Z' }),
      );
      assertOnly(answers, [201]);
      const stored = await invoice('INV-R-PAY');
      assert.deepEqual(
        stored.payments.map((payment: { paymentId: string }) => payment.paymentId).sort(),
        Array.from({ length: PARALLEL }, (_, index) => `PAY-R-${index}`).sort(),
      );
      assert.equal(eventsOf(stored, 'payment.received').length, PARALLEL);
      assert.equal(stored.paid, '100.00');
      assert.equal(stored.balance, '1150.00');
      assert.equal(stored.status, 'open');
    });

    test('one payment sent ten times: one 201, nine 200, recorded once', async () => {
      await create('INV-R-PAY-SAME');
      const answers = await atOnce(() =>
        post('/v1/invoices/INV-R-PAY-SAME/payments', { paymentId: 'PAY-R-SAME', amount: '50.00', paidAt: '2026-10-31T12:00:00Z' }),
      );
      assertOnly(answers, [201, 200]);
      assert.equal(countOf(answers, 201), 1);
      const stored = await invoice('INV-R-PAY-SAME');
      assert.equal(stored.payments.length, 1);
      assert.equal(stored.balance, '1200.00');
    });
  });

  describe('POST /v1/invoices/{invoiceId}/credit-notes', () => {
    test('ten different credit notes: all 201, each applied once, the balance right', async () => {
      await create('INV-R-CN');
      const answers = await atOnce((index) =>
        post('/v1/invoices/INV-R-CN/credit-notes', { creditNoteId: `CN-R-${index}`, amount: '5.00', reason: 'goodwill' }),
      );
      assertOnly(answers, [201]);
      const stored = await invoice('INV-R-CN');
      assert.equal(eventsOf(stored, 'credit_note.applied').length, PARALLEL);
      assert.equal(stored.credited, '50.00');
      assert.equal(stored.balance, '1200.00');
    });

    test('one credit note sent ten times: one 201 (the one that applied it), nine 200, applied once', async () => {
      await create('INV-R-CN-SAME');
      const answers = await atOnce(() =>
        post('/v1/invoices/INV-R-CN-SAME/credit-notes', { creditNoteId: 'CN-R-SAME', amount: '25.00', reason: 'goodwill' }),
      );
      assertOnly(answers, [201, 200]);
      assert.equal(countOf(answers, 201), 1);
      const stored = await invoice('INV-R-CN-SAME');
      assert.equal(eventsOf(stored, 'credit_note.applied').length, 1);
      assert.equal(stored.balance, '1225.00');
    });
  });

  test('POST /v1/invoices/{invoiceId}/void: ten at once, all 200, voided once', async () => {
    await create('INV-R-VOID');
    const answers = await atOnce(() => post('/v1/invoices/INV-R-VOID/void', { reason: 'issued in error' }));
    assertOnly(answers, [200]);
    const stored = await invoice('INV-R-VOID');
    assert.equal(stored.status, 'void');
    assert.equal(eventsOf(stored, 'invoice.voided').length, 1);
  });

  describe('disputes', () => {
    test('POST /v1/invoices/{invoiceId}/disputes: ten at once, one 201, nine 409, one dispute', async () => {
      await create('INV-R-DSP');
      const answers = await atOnce(() => post('/v1/invoices/INV-R-DSP/disputes', { reason: 'pricing' }));
      assertOnly(answers, [201, 409]);
      assert.equal(countOf(answers, 201), 1);
      assertConflictsDecided(answers);
      const stored = await invoice('INV-R-DSP');
      assert.equal(stored.holds.length, 1);
      assert.equal(eventsOf(stored, 'dispute.opened').length, 1);
    });

    test('POST /v1/disputes/{disputeId}/resolution: ten at once, all 200, resolved and credited once', async () => {
      await create('INV-R-RES');
      const opened = await post('/v1/invoices/INV-R-RES/disputes', { reason: 'pricing' });
      assert.equal(opened.status, 201);
      const answers = await atOnce(() =>
        post(`/v1/disputes/${opened.body.disputeId}/resolution`, { outcome: 'credited', creditAmount: '100.00' }),
      );
      assertOnly(answers, [200]);
      const stored = await invoice('INV-R-RES');
      assert.equal(eventsOf(stored, 'dispute.resolved').length, 1);
      assert.equal(eventsOf(stored, 'credit_note.applied').length, 1);
      assert.equal(stored.balance, '1150.00');
    });
  });

  test('POST /v1/invoices/{invoiceId}/promises: ten at once, all 201, ten promises of which one is active', async () => {
    await create('INV-R-PRM');
    const answers = await atOnce(() => post('/v1/invoices/INV-R-PRM/promises', { promisedDate: '2026-11-20' }));
    assertOnly(answers, [201]);
    const promiseIds = answers.map((answer) => answer.body.promiseId);
    assert.equal(new Set(promiseIds).size, PARALLEL, 'each answer names its own promise');
    const stored = await invoice('INV-R-PRM');
    assert.deepEqual(stored.holds.map((hold: { holdId: string }) => hold.holdId).sort(), [...promiseIds].sort());
    assert.equal(stored.holds.filter((hold: { status: string }) => hold.status === 'active').length, 1);
    assert.equal(eventsOf(stored, 'promise.made').length, PARALLEL);
  });

  describe('holds', () => {
    test('POST /v1/invoices/{invoiceId}/holds: ten at once, all 201, ten holds each named once', async () => {
      await create('INV-R-HLD');
      const answers = await atOnce((index) => post('/v1/invoices/INV-R-HLD/holds', { note: `Hold ${index}` }));
      assertOnly(answers, [201]);
      const holdIds = answers.map((answer) => answer.body.holdId);
      assert.equal(new Set(holdIds).size, PARALLEL);
      const stored = await invoice('INV-R-HLD');
      assert.deepEqual(stored.holds.map((hold: { holdId: string }) => hold.holdId).sort(), [...holdIds].sort());
      assert.equal(eventsOf(stored, 'hold.placed').length, PARALLEL);
    });

    test('POST …/holds/{holdId}/release: ten holds released at once, all 200, each released once', async () => {
      await create('INV-R-REL');
      const holdIds: string[] = [];
      for (let index = 0; index < PARALLEL; index++) {
        const placed = await post('/v1/invoices/INV-R-REL/holds', { note: `Hold ${index}` });
        assert.equal(placed.status, 201);
        holdIds.push(placed.body.holdId);
      }
      const answers = await atOnce((index) => post(`/v1/invoices/INV-R-REL/holds/${holdIds[index]}/release`));
      assertOnly(answers, [200]);
      const stored = await invoice('INV-R-REL');
      assert.ok(stored.holds.every((hold: { status: string }) => hold.status === 'released'));
      assert.equal(eventsOf(stored, 'hold.released').length, PARALLEL);
      assert.equal(stored.status, 'open');
    });

    test('the same hold released ten times at once: all 200, released once', async () => {
      await create('INV-R-REL-SAME');
      const placed = await post('/v1/invoices/INV-R-REL-SAME/holds', { note: 'Waiting for the PO' });
      const answers = await atOnce(() => post(`/v1/invoices/INV-R-REL-SAME/holds/${placed.body.holdId}/release`));
      assertOnly(answers, [200]);
      assert.equal(eventsOf(await invoice('INV-R-REL-SAME'), 'hold.released').length, 1);
    });
  });

  test('POST /v1/invoices/{invoiceId}/payment-plans: ten at once, one 201, nine 409, one plan', async () => {
    await create('INV-R-PLN');
    const installments = [
      { dueDate: '2026-12-01', amount: '625.00' },
      { dueDate: '2027-01-01', amount: '625.00' },
    ];
    const answers = await atOnce(() => post('/v1/invoices/INV-R-PLN/payment-plans', { installments }));
    assertOnly(answers, [201, 409]);
    assert.equal(countOf(answers, 201), 1);
    assertConflictsDecided(answers);
    const stored = await invoice('INV-R-PLN');
    assert.equal(stored.holds.length, 1);
    assert.equal(stored.holds[0].reason, 'payment_plan');
  });

  test('POST /v1/invoices/{invoiceId}/replan: ten at once, all 200, ten re-plans on the timeline', async () => {
    await create('INV-R-RPL');
    const answers = await atOnce(() => post('/v1/invoices/INV-R-RPL/replan', {}));
    assertOnly(answers, [200]);
    assert.equal(eventsOf(await invoice('INV-R-RPL'), 'policy.replanned').length, PARALLEL);
  });

  test('PUT /v1/customers/{customerId}: ten different versions at once, one 201, nine 200, one of them stored', async () => {
    const names = Array.from({ length: PARALLEL }, (_, index) => `Race Customer ${index}`);
    const answers = await atOnce((index) =>
      server.api('PUT', '/v1/customers/C-R-PUT', {
        name: names[index],
        email: 'ap@race.example',
        timeZone: 'Europe/Berlin',
        locale: 'de-DE',
      }),
    );
    assertOnly(answers, [201, 200]);
    assert.equal(countOf(answers, 201), 1);
    const stored = await server.api('GET', '/v1/customers/C-R-PUT');
    assert.ok(names.includes(stored.body.name));
  });

  describe('PUT /v1/policies/{policyId}', () => {
    const policy = (name: string) => ({
      name,
      tiers: [{ tier: 1, steps: [{ stepId: 'mail', offsetDays: 3, channel: 'email', tone: 'friendly' }] }],
    });

    test('ten identical PUTs: one 201, nine 200, one version minted', async () => {
      const answers = await atOnce(() => server.api('PUT', '/v1/policies/race-same', policy('Race')));
      assertOnly(answers, [201, 200]);
      assert.equal(countOf(answers, 201), 1);
      assert.deepEqual(new Set(answers.map((answer) => answer.body.version)), new Set([1]));
      assert.equal((await server.api('GET', '/v1/policies/race-same')).body.version, 1);
      assert.equal((await server.api('GET', '/v1/policies/race-same?version=2')).status, 404);
    });

    test('ten different PUTs: one 201, nine 200, ten consecutive versions, one each', async () => {
      const answers = await atOnce((index) => server.api('PUT', '/v1/policies/race-many', policy(`Race ${index}`)));
      assertOnly(answers, [201, 200]);
      assert.equal(countOf(answers, 201), 1);
      assert.deepEqual(
        answers.map((answer) => answer.body.version).sort((a, b) => a - b),
        Array.from({ length: PARALLEL }, (_, index) => index + 1),
      );
      assert.equal((await server.api('GET', '/v1/policies/race-many')).body.version, PARALLEL);
    });
  });

  describe('POST /webhooks/stripe', () => {
    const signed = async (event: Record<string, unknown>) => {
      // The runtime makes its webhook secret at the first delivery: one that is refused for its signature.
      const refused = await fetch(`${server.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'stripe-signature': 't=0,v1=0' },
        body: '{}',
      });
      assert.equal(refused.status, 400);
      const { webhookSecret } = JSON.parse(readFileSync(join(server.dataDir, 'payment-secret.json'), 'utf8')) as { webhookSecret: string };
      const health = (await (await fetch(`${server.url}/_local/health`)).json()) as { now: string };
      const now = Math.floor(Date.parse(health.now) / 1000);
      const body = JSON.stringify({ object: 'event', type: 'checkout.session.completed', created: now, ...event });
      return { body, signature: `t=${now},v1=${createHmac('sha256', webhookSecret).update(`${now}.${body}`).digest('hex')}` };
    };
    const checkout = (eventId: string, invoiceId: string, paymentIntent: string, amountTotal: number) =>
      signed({
        id: eventId,
        data: {
          object: {
            id: `cs_${eventId}`,
            object: 'checkout.session',
            payment_status: 'paid',
            amount_total: amountTotal,
            currency: 'eur',
            payment_intent: paymentIntent,
            metadata: { invoiceId },
          },
        },
      });
    const deliver = async ({ body, signature }: { body: string; signature: string }): Promise<Answer> => {
      const response = await fetch(`${server.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
      });
      return { status: response.status, body: await response.text() };
    };

    test('ten different paid checkouts at once: all 200, each payment recorded once', async () => {
      await create('INV-R-STRIPE');
      const events = await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) => checkout(`evt_r_${index}`, 'INV-R-STRIPE', `pi_r_${index}`, 2000)),
      );
      const answers = await atOnce((index) => deliver(events[index] as { body: string; signature: string }));
      assertOnly(answers, [200]);
      const stored = await invoice('INV-R-STRIPE');
      assert.equal(stored.payments.length, PARALLEL);
      assert.equal(stored.balance, '1050.00');
    });

    test('one event delivered ten times at once: all 200, the payment recorded once', async () => {
      await create('INV-R-STRIPE-SAME');
      const event = await checkout('evt_r_same', 'INV-R-STRIPE-SAME', 'pi_r_same', 5000);
      const answers = await atOnce(() => deliver(event));
      assertOnly(answers, [200]);
      const stored = await invoice('INV-R-STRIPE-SAME');
      assert.equal(stored.payments.length, 1);
      assert.equal(stored.balance, '1200.00');
    });
  });
});

/**
 * The routes that need something the clock brings first: a pay link from a sent reminder, a
 * collector task, a suppressed address. Two policies make them come on the first day.
 */
describe('races after the first sends: hosted page, tasks, suppressions', () => {
  let server: LocalServer;
  // Due 1 Dec; the steps fall on Monday 2 Nov, 09:00 Berlin.
  const mailFirst = {
    name: 'Mail at once',
    tiers: [{ tier: 1, steps: [{ stepId: 'mail', offsetDays: -29, channel: 'email', tone: 'friendly' }] }],
  };
  const callFirst = {
    name: 'Call at once',
    tiers: [{ tier: 1, steps: [{ stepId: 'call', offsetDays: -29, channel: 'task', tone: 'firm' }] }],
  };
  const customerOf = (customerId: string) => ({ ...invoiceBody().customer, customerId, email: `ap@${customerId.toLowerCase()}.example` });
  const mailed = ['INV-R-WEB-DSP', 'INV-R-WEB-PRM', 'INV-R-WEB-PLN', 'INV-R-SUP'];
  const called = ['INV-R-TASK', 'INV-R-TASK-MIXED'];

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-02T00:00:00Z' });
    assert.equal((await server.api('PUT', '/v1/policies/race-mail', mailFirst)).status, 201);
    assert.equal((await server.api('PUT', '/v1/policies/race-call', callFirst)).status, 201);
    for (const invoiceId of mailed) {
      const body = invoiceBody({ invoiceId, policyId: 'race-mail', customer: customerOf(`C-${invoiceId}`) });
      assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);
    }
    for (const invoiceId of called) {
      const body = invoiceBody({ invoiceId, policyId: 'race-call', customer: customerOf(`C-${invoiceId}`) });
      assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);
    }
    await server.advance({ to: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => server.stop());

  const invoice = async (invoiceId: string) => (await server.api('GET', `/v1/invoices/${invoiceId}`)).body;

  /** The pay link of the invoice's reminder and the form token of its page. */
  const page = async (invoiceId: string) => {
    const [reminder] = await server.outbox(invoiceId);
    const link = payLinkOf(reminder);
    assert.ok(link, `${invoiceId} was reminded with a pay link`);
    return { link, formToken: formTokenOf(await (await fetch(link)).text()) };
  };
  const posted = async (response: Response): Promise<Answer> => ({ status: response.status, body: await response.text() });

  test('POST /pay/{token}/dispute: ten at once, all 303, one dispute', async () => {
    const { link, formToken } = await page('INV-R-WEB-DSP');
    const answers = await atOnce(async () => posted(await postForm(`${link}/dispute`, { formToken, reason: 'damaged_goods' })));
    assertOnly(answers, [303]);
    const stored = await invoice('INV-R-WEB-DSP');
    assert.equal(stored.holds.length, 1);
    assert.equal(eventsOf(stored, 'dispute.opened').length, 1);
  });

  test('POST /pay/{token}/promise: ten at once, all 303, ten promises of which one is active', async () => {
    const { link, formToken } = await page('INV-R-WEB-PRM');
    const answers = await atOnce(async () => posted(await postForm(`${link}/promise`, { formToken, promisedDate: '2026-11-20' })));
    assertOnly(answers, [303]);
    const stored = await invoice('INV-R-WEB-PRM');
    assert.equal(eventsOf(stored, 'promise.made').length, PARALLEL);
    assert.equal(new Set(stored.holds.map((hold: { holdId: string }) => hold.holdId)).size, PARALLEL);
    assert.equal(stored.holds.filter((hold: { status: string }) => hold.status === 'active').length, 1);
  });

  test('POST /pay/{token}/plan-request: ten at once, all 303, one request pending', async () => {
    const { link, formToken } = await page('INV-R-WEB-PLN');
    const answers = await atOnce(async () => posted(await postForm(`${link}/plan-request`, { formToken, installments: '3' })));
    assertOnly(answers, [303]);
    const stored = await invoice('INV-R-WEB-PLN');
    assert.equal(stored.holds.length, 1);
  });

  test('POST /v1/tasks/{taskId}/complete: ten at once with one outcome, all 200, completed once', async () => {
    const taskId = 'TSK.INV-R-TASK.call';
    assert.equal((await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-R-TASK')).body[0]?.taskId, taskId);
    const answers = await atOnce(() => server.api('POST', `/v1/tasks/${taskId}/complete`, { outcome: 'no_answer' }));
    assertOnly(answers, [200]);
    assert.equal(eventsOf(await invoice('INV-R-TASK'), 'task.completed').length, 1);
    assert.deepEqual(await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-R-TASK').then((listed) => listed.body), []);
  });

  test('POST /v1/tasks/{taskId}/complete: ten at once with two outcomes, one wins, the others 409', async () => {
    const taskId = 'TSK.INV-R-TASK-MIXED.call';
    const outcomes = Array.from({ length: PARALLEL }, (_, index) => (index % 2 === 0 ? 'no_answer' : 'other'));
    const answers = await atOnce((index) => server.api('POST', `/v1/tasks/${taskId}/complete`, { outcome: outcomes[index] }));
    assertOnly(answers, [200, 409]);
    assertConflictsDecided(answers);
    const completed = eventsOf(await invoice('INV-R-TASK-MIXED'), 'task.completed');
    assert.equal(completed.length, 1);
    const winner = completed[0]?.outcome;
    assert.deepEqual(
      answers.map((answer) => answer.status),
      outcomes.map((outcome) => (outcome === winner ? 200 : 409)),
      'the requests with the stored outcome are answered 200, the others 409',
    );
  });

  test('POST /v1/customers/{customerId}/suppressions/release: ten at once, one 200, nine 404, lifted once', async () => {
    const [first] = await server.outbox('INV-R-SUP');
    assert.ok(first);
    assert.equal((await server.local('POST', '/_local/ses/feedback', { messageId: first.messageId, type: 'complaint' })).status, 202);
    assert.equal((await server.api('GET', '/v1/customers/C-INV-R-SUP')).body.suppressions.length, 1);
    const answers: ApiResponse[] = await atOnce(() =>
      server.api('POST', '/v1/customers/C-INV-R-SUP/suppressions/release', { channel: 'email' }),
    );
    assertOnly(answers, [200, 404]);
    assert.equal(countOf(answers, 200), 1);
    assert.deepEqual((await server.api('GET', '/v1/customers/C-INV-R-SUP')).body.suppressions, []);
  });
});
