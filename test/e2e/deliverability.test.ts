import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * What the providers report after a send, through the running local pipeline: SES's
 * configuration-set events (its mailbox simulator addresses, or a bounce reported later) and
 * SNS's opt-out list. Nothing is lost and nothing goes silent: a hard-bounced reminder goes
 * again by SMS, a dead address is never mailed again, a STOP reply moves texts to email.
 */
describe('deliverability: bounces, complaints and SMS opt-outs', () => {
  let server: LocalServer;
  // Each scenario on its own clock.
  beforeEach(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterEach(() => server.stop());

  const customer = (customerId: string, contacts: { email?: string; phone?: string }) => ({
    customerId,
    name: `Customer ${customerId}`,
    timeZone: 'Europe/Berlin',
    locale: 'de-DE',
    ...contacts,
  });
  const timeline = async (invoiceId: string) =>
    (await server.api('GET', `/v1/invoices/${invoiceId}`)).body.timeline as { type: string; stepId?: string; [key: string]: unknown }[];
  const events = async (invoiceId: string) =>
    (await timeline(invoiceId)).map((event) => `${event.type}${event.stepId ? `:${event.stepId}` : ''}`);
  const sends = async (invoiceId: string) => (await server.outbox(invoiceId)).map((message) => `${message.channel}:${message.step}`);

  test('a hard bounce suppresses the address, sends the same reminder again by SMS, and later steps go by SMS', async () => {
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({
        invoiceId: 'INV-BOUNCE-1',
        customer: customer('C-BOUNCE', { email: 'bounce@simulator.amazonses.com', phone: '+4915100000001' }),
      }),
    );
    // pre-3 is due Monday 30 Nov 08:00Z. The bounced email reached nobody, so it gives its place
    // under the frequency cap back: the text goes the same morning.
    await server.advance({ to: '2026-12-02T00:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-BOUNCE-1')).map((message) => [message.channel, message.step, message.sentAt]),
      [
        ['email', 'pre-3', '2026-11-30T08:00:00.000Z'],
        ['sms', 'pre-3', '2026-11-30T08:00:00.000Z'],
      ],
    );
    const history = await timeline('INV-BOUNCE-1');
    const bounced = history.find((event) => event.type === 'email.bounced');
    assert.ok(bounced, 'the bounce is on the timeline');
    assert.equal(bounced.bounceType, 'permanent');
    assert.equal(bounced.addressSuppressed, true);
    assert.deepEqual(bounced.to, ['bounce@simulator.amazonses.com']);
    assert.match(String(bounced.diagnostic), /550/);
    const order = history.map((event) => `${event.type}${event.stepId ? `:${event.stepId}` : ''}`);
    assert.ok(
      order.indexOf('reminder.sent:pre-3') < order.indexOf('email.bounced:pre-3') &&
        order.indexOf('email.bounced:pre-3') < order.indexOf('reminder.undelivered:pre-3'),
      order.join(', '),
    );
    assert.equal(order.filter((event) => event === 'reminder.sent:pre-3').length, 2, 'once by email, once by SMS');

    const profile = await server.api('GET', '/v1/customers/C-BOUNCE');
    assert.deepEqual(
      profile.body.suppressions.map((entry: { channel: string; address: string; reason: string }) => [
        entry.channel,
        entry.address,
        entry.reason,
      ]),
      [['email', 'bounce@simulator.amazonses.com', 'bounce']],
    );

    await server.advance({ to: '2026-12-20T00:00:00Z' });
    assert.deepEqual(await sends('INV-BOUNCE-1'), ['email:pre-3', 'sms:pre-3', 'sms:post-3', 'sms:post-14'], 'never mailed again');

    // Paid: the thank-you cannot go to the dead address, so it goes by text.
    const paid = await server.api('POST', '/v1/invoices/INV-BOUNCE-1/payments', {
      paymentId: 'PAY-B-1',
      amount: '1250.00',
      paidAt: '2026-12-20T00:00:00Z',
    });
    assert.equal(paid.status, 201);
    await server.advance({ hours: 1 });
    assert.deepEqual((await sends('INV-BOUNCE-1')).slice(4), ['sms:thank-you']);
    assert.match(
      (await server.outbox('INV-BOUNCE-1')).at(-1)?.text ?? '',
      /Vielen Dank: Wir haben 1\.250,00 EUR für Rechnung INV-BOUNCE-1 erhalten/,
    );
    assert.equal((await timeline('INV-BOUNCE-1')).find((event) => event.type === 'thank_you.sent')?.channel, 'sms');
    assert.equal((await server.api('GET', '/v1/invoices/INV-BOUNCE-1')).body.status, 'paid');
  });

  test('a bounce with no other channel hands the invoice to a collector instead of going silent', async () => {
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-BOUNCE-2', customer: customer('C-BOUNCE-2', { email: 'bounce+solo@simulator.amazonses.com' }) }),
    );
    await server.advance({ to: '2026-12-02T00:00:00Z' });
    assert.deepEqual(await sends('INV-BOUNCE-2'), ['email:pre-3']);
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-BOUNCE-2');
    assert.deepEqual(
      tasks.body.map((task: { reason: string }) => task.reason),
      ['no_channel'],
    );
    const skipped = (await timeline('INV-BOUNCE-2')).find((event) => event.type === 'reminder.skipped' && event.stepId === 'pre-3');
    assert.equal(skipped?.reason, 'email_bounced');
  });

  test('a spam complaint stops email to that address without re-sending what was delivered', async () => {
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({
        invoiceId: 'INV-SPAM-1',
        customer: customer('C-SPAM', { email: 'complaint@simulator.amazonses.com', phone: '+4915100000002' }),
      }),
    );
    await server.advance({ to: '2026-12-10T00:00:00Z' });
    assert.deepEqual(await sends('INV-SPAM-1'), ['email:pre-3', 'sms:post-3']);
    const order = await events('INV-SPAM-1');
    assert.ok(order.includes('email.delivered:pre-3') && order.includes('email.complained:pre-3'), order.join(', '));
    assert.ok(!order.includes('reminder.undelivered:pre-3'));
    const profile = await server.api('GET', '/v1/customers/C-SPAM');
    assert.deepEqual(
      profile.body.suppressions.map((entry: { reason: string }) => entry.reason),
      ['complaint'],
    );
  });

  test('a bounce reported later is recorded once however often it arrives; a soft bounce suppresses nothing; a new address is used', async () => {
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-LATE-1', customer: customer('C-LATE', { email: 'ap@late.example', phone: '+4915100000003' }) }),
    );
    await server.advance({ to: '2026-11-30T12:00:00Z' });
    const [first] = await server.outbox('INV-LATE-1');
    assert.ok(first);

    const soft = await server.local('POST', '/_local/ses/feedback', {
      messageId: first.messageId,
      type: 'bounce',
      bounceType: 'Transient',
    });
    assert.equal(soft.status, 202);
    let history = await timeline('INV-LATE-1');
    assert.equal(history.find((event) => event.type === 'email.bounced')?.bounceType, 'transient');
    assert.deepEqual((await server.api('GET', '/v1/customers/C-LATE')).body.suppressions, []);

    for (let delivery = 0; delivery < 2; delivery++) {
      const hard: { status: number } = await server.local('POST', '/_local/ses/feedback', { messageId: first.messageId, type: 'bounce' });
      assert.equal(hard.status, 202);
    }
    history = await timeline('INV-LATE-1');
    assert.equal(history.filter((event) => event.type === 'email.bounced' && event.bounceType === 'permanent').length, 1);
    await server.advance({ to: '2026-12-02T00:00:00Z' });
    assert.deepEqual(await sends('INV-LATE-1'), ['email:pre-3', 'sms:pre-3']);

    // The ERP sends a corrected address: it is not suppressed, so email is used again.
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-LATE-2', customer: customer('C-LATE', { email: 'billing@late.example', phone: '+4915100000003' }) }),
    );
    await server.advance({ to: '2026-12-05T00:00:00Z' });
    assert.ok((await sends('INV-LATE-2')).every((send) => send.startsWith('email:')));
    assert.ok((await sends('INV-LATE-2')).length > 0);
  });

  test('a number that replied STOP is recorded and the text goes by email instead', async () => {
    const policy = await server.api('PUT', '/v1/policies/texts-first', {
      name: 'Texts first',
      businessHours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
      tiers: [{ tier: 1, steps: [{ stepId: 'sms-pre-3', offsetDays: -3, channel: 'sms', tone: 'friendly' }] }],
    });
    assert.equal(policy.status, 201);
    const optOut = await server.local('POST', '/_local/sms/opt-out', { phoneNumber: '+4915100000004' });
    assert.equal(optOut.status, 200);
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({
        invoiceId: 'INV-STOP-1',
        policyId: 'texts-first',
        customer: customer('C-STOP', { email: 'ap@stop.example', phone: '+4915100000004' }),
      }),
    );
    await server.advance({ to: '2026-12-01T00:00:00Z' });
    assert.deepEqual(await sends('INV-STOP-1'), ['email:sms-pre-3']);
    const order = await events('INV-STOP-1');
    assert.ok(order.includes('sms.opted_out:sms-pre-3'), order.join(', '));
    const profile = await server.api('GET', '/v1/customers/C-STOP');
    assert.deepEqual(
      profile.body.suppressions.map((entry: { channel: string; address: string; reason: string }) => [
        entry.channel,
        entry.address,
        entry.reason,
      ]),
      [['sms', '+4915100000004', 'sms_opt_out']],
    );
  });

  test("a customer's preferred channel steers the reminders, and the view says so", async () => {
    const { customerId: _id, ...contacts } = customer('C-PREF', { email: 'ap@pref.example', phone: '+4915100000005' });
    const put = await server.api('PUT', '/v1/customers/C-PREF', { ...contacts, preferredChannel: 'sms' });
    assert.equal(put.status, 201);
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-PREF-1', customer: customer('C-PREF', { email: 'ap@pref.example', phone: '+4915100000005' }) }),
    );
    assert.equal((await server.api('GET', '/v1/invoices/INV-PREF-1')).body.nextAction.type, 'sms');
    await server.advance({ to: '2026-12-05T00:00:00Z' });
    assert.deepEqual(await sends('INV-PREF-1'), ['sms:pre-3', 'sms:post-3']);

    // Back to email: the later steps go by email.
    await server.api('PUT', '/v1/customers/C-PREF', { ...contacts, preferredChannel: 'email' });
    await server.advance({ to: '2026-12-20T00:00:00Z' });
    assert.deepEqual(await sends('INV-PREF-1'), ['sms:pre-3', 'sms:post-3', 'email:post-14']);
  });

  test('finance can lift a suppression: the address is used again, and a bad request is refused by name', async () => {
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-LIFT-1', customer: customer('C-LIFT', { email: 'ap@lift.example', phone: '+4915100000006' }) }),
    );
    await server.advance({ to: '2026-11-30T12:00:00Z' });
    const [first] = await server.outbox('INV-LIFT-1');
    assert.ok(first);
    await server.local('POST', '/_local/ses/feedback', { messageId: first.messageId, type: 'complaint' });
    assert.equal((await server.api('GET', '/v1/customers/C-LIFT')).body.suppressions.length, 1);

    const bad = await server.api('POST', '/v1/customers/C-LIFT/suppressions/release', { channel: 'fax' });
    assert.deepEqual([bad.status, bad.body.errors.map((error: { path: string }) => error.path)], [400, ['channel']]);
    const none = await server.api('POST', '/v1/customers/C-LIFT/suppressions/release', { channel: 'sms' });
    assert.equal(none.status, 404);

    const lifted = await server.api('POST', '/v1/customers/C-LIFT/suppressions/release', { channel: 'email', address: 'AP@lift.example' });
    assert.equal(lifted.status, 200);
    assert.deepEqual(
      lifted.body.lifted.map((entry: { address: string; reason: string }) => [entry.address, entry.reason]),
      [['ap@lift.example', 'complaint']],
    );
    assert.deepEqual(lifted.body.customer.suppressions, []);
    await server.advance({ to: '2026-12-05T00:00:00Z' });
    assert.deepEqual(await sends('INV-LIFT-1'), ['email:pre-3', 'email:post-3']);
  });

  test('the local controls refuse bad input by name', async () => {
    const unknown = await server.local('POST', '/_local/ses/feedback', { messageId: 'no-such-message', type: 'bounce' });
    assert.equal(unknown.status, 404);
    const bad = await server.local('POST', '/_local/ses/feedback', { messageId: 'x', type: 'explode' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((error: { path: string }) => error.path),
      ['type'],
    );
    const badNumber = await server.local('POST', '/_local/sms/opt-out', { phoneNumber: '0151 not a number' });
    assert.deepEqual(
      badNumber.body.errors.map((error: { path: string }) => error.path),
      ['phoneNumber'],
    );
  });
});
