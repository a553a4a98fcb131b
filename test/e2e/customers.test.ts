import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/** Customer master data and risk, through the HTTP API of the running local pipeline. */
describe('customers', () => {
  let server: LocalServer;
  beforeAll(async () => {
    // Monday 5 January 2026.
    server = await LocalServer.start({ clockStart: '2026-01-05T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const contact = (customerId: string, email = `ap@${customerId.toLowerCase()}.example`) => ({
    customerId,
    name: `Customer ${customerId}`,
    email,
    phone: '+4915123456789',
    timeZone: 'Europe/Berlin',
    locale: 'de-DE',
    segment: 'enterprise',
  });
  const paths = (body: { errors: { path: string }[] }) => body.errors.map((error) => error.path);

  test('PUT creates and replaces a customer, GET shows it with its risk; bad bodies are refused field by field', async () => {
    const { customerId: _id, ...fields } = contact('C-MD');
    const created = await server.api('PUT', '/v1/customers/C-MD', {
      ...fields,
      consent: { email: true, sms: false },
      preferredChannel: 'email',
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/v1/customers/C-MD');
    assert.equal(created.body.customerId, 'C-MD');
    assert.deepEqual(created.body.consent, { email: true, sms: false });
    assert.equal(created.body.preferredChannel, 'email');
    assert.deepEqual(created.body.risk, { score: 0, tier: 1, drivers: [], basis: { invoices: 0, settled: 0 } });
    assert.deepEqual(created.body.openInvoices, { count: 0, balance: {} });

    // The same customer object an invoice carries (customerId included); consent left out stays as it was.
    const replaced = await server.api('PUT', '/v1/customers/C-MD', { ...contact('C-MD'), name: 'Renamed GmbH', timeZone: 'europe/vienna' });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.version, 2);
    assert.deepEqual(replaced.body.consent, { email: true, sms: false });
    assert.equal(replaced.body.preferredChannel, undefined, 'a PUT replaces the settings it carries');
    const read = await server.api('GET', '/v1/customers/C-MD');
    assert.equal(read.status, 200);
    assert.equal(read.body.name, 'Renamed GmbH');
    assert.equal(read.body.timeZone, 'Europe/Vienna');
    assert.equal(read.body.source, 'profile');
    assert.equal(
      (await server.api('PUT', '/v1/customers/C-MD', { ...contact('C-MD'), name: 'Renamed GmbH', timeZone: 'Europe/Vienna' })).body.version,
      2,
    );

    const bad = await server.api('PUT', '/v1/customers/C-MD', {
      customerId: 'C-OTHER',
      name: ' ',
      email: 'not-an-address',
      phone: '015123456789',
      timeZone: 'Mars/Olympus',
      consent: { email: 'yes' },
      preferredChannel: 'fax',
      creditLimit: '1000.00',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.deepEqual(paths(bad.body), [
      'customerId',
      'name',
      'email',
      'phone',
      'timeZone',
      'consent.email',
      'consent.sms',
      'preferredChannel',
      'creditLimit',
    ]);
    const noPolicy = await server.api('PUT', '/v1/customers/C-MD', { ...fields, policyId: 'no-such-policy' });
    assert.deepEqual([noPolicy.status, paths(noPolicy.body)], [400, ['policyId']]);
    const noConsent = await server.api('PUT', '/v1/customers/C-MD', { ...fields, preferredChannel: 'sms' });
    assert.deepEqual([noConsent.status, paths(noConsent.body)], [400, ['preferredChannel']], 'SMS consent was withdrawn');
    const noPhone = await server.api('PUT', '/v1/customers/C-MD', { name: 'No phone', preferredChannel: 'sms' });
    assert.deepEqual([noPhone.status, paths(noPhone.body)], [400, ['preferredChannel']]);
    assert.equal((await server.api('GET', '/v1/customers/C-MD')).body.version, 2, 'nothing refused was stored');

    assert.equal((await server.api('GET', '/v1/customers/C-NOBODY')).status, 404);
    assert.deepEqual(paths((await server.api('GET', '/v1/customers/bad%20id')).body), ['customerId']);
    const readOnly = await server.token('dunwell/invoices.read');
    const forbidden = await server.api('PUT', '/v1/customers/C-MD', fields, { authorization: `Bearer ${readOnly}` });
    assert.equal(forbidden.status, 403);
    const allowed = await server.api('GET', '/v1/customers/C-MD', undefined, { authorization: `Bearer ${readOnly}` });
    assert.equal(allowed.status, 200);
  });

  // Needs the lifecycle to call CustomerDirectory.invoiceCreated on ingestion (that links invoices to customers).
  test('a customer who pays late gets a higher risk score and tier than one who pays on time, with the drivers that say why', async () => {
    const due = '2026-01-20';
    for (const n of [1, 2, 3]) {
      for (const customerId of ['C-LATE', 'C-PROMPT']) {
        const created = await server.api(
          'POST',
          '/v1/invoices',
          invoiceBody({ invoiceId: `INV-${customerId}-${n}`, customer: contact(customerId), issueDate: '2026-01-05', dueDate: due }),
        );
        assert.equal(created.status, 201);
      }
    }
    // The prompt customer pays five days before the due date ...
    await server.advance({ to: '2026-01-15T10:00:00Z' });
    for (const n of [1, 2, 3]) await pay(`INV-C-PROMPT-${n}`, '2026-01-15T10:00:00Z');
    // ... the late one two months after it, after the reminders; and has one more invoice, open and overdue.
    const open = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-C-LATE-4', customer: contact('C-LATE'), issueDate: '2026-01-15', dueDate: '2026-02-14' }),
    );
    assert.equal(open.status, 201);
    await server.advance({ to: '2026-03-21T10:00:00Z' });
    for (const n of [1, 2, 3]) await pay(`INV-C-LATE-${n}`, '2026-03-21T10:00:00Z');
    assert.ok((await server.outbox('INV-C-LATE-1')).length > 0, 'reminders went out before the late payment');

    const late = await server.api('GET', '/v1/customers/C-LATE');
    const prompt = await server.api('GET', '/v1/customers/C-PROMPT');
    assert.equal(late.status, 200);
    assert.equal(prompt.status, 200);
    assert.equal(late.body.email, 'ap@c-late.example', 'contacts recorded from the invoices');
    assert.deepEqual(late.body.consent, { email: true, sms: true });

    assert.deepEqual(prompt.body.risk.basis, { invoices: 3, settled: 3 });
    assert.equal(prompt.body.risk.score, 0);
    assert.equal(prompt.body.risk.tier, 1);
    assert.deepEqual(prompt.body.openInvoices, { count: 0, balance: {} });

    assert.deepEqual(late.body.risk.basis, { invoices: 4, settled: 3 });
    assert.ok(late.body.risk.score >= 25, `late payer's score ${late.body.risk.score}`);
    assert.ok(late.body.risk.tier >= 2, `late payer's tier ${late.body.risk.tier}`);
    const drivers = Object.fromEntries(
      late.body.risk.drivers.map((driver: { driver: string; points: number; value: number; explanation: string }) => [
        driver.driver,
        driver,
      ]),
    );
    // 60 days late on three invoices, and the fourth 35 days overdue so far: (3 × 60 + 35) / 4 ≈ 54 days.
    assert.equal(late.body.risk.drivers[0].driver, 'average_days_late');
    assert.ok(drivers.average_days_late.points > 20);
    assert.match(drivers.average_days_late.explanation, /days late on average/);
    assert.equal(drivers.share_paid_late.points, 15);
    assert.match(drivers.share_paid_late.explanation, /4 of 4 invoices more than 3 days late \(1 of them still unpaid\)/);
    assert.equal(drivers.open_overdue.value, 35);
    assert.deepEqual(late.body.openInvoices, { count: 1, balance: { EUR: '1250.00' } });
    assert.ok(late.body.risk.score > prompt.body.risk.score);
  });

  // Needs the lifecycle to ask CustomerDirectory.policyId for a new invoice that names no policy.
  test("a new invoice without its own policyId follows its customer's policy", async () => {
    const policy = await server.api('PUT', '/v1/policies/for-customer', {
      name: 'Customer policy',
      tiers: [{ tier: 1, steps: [{ stepId: 'only', offsetDays: 1, channel: 'email', tone: 'friendly' }] }],
    });
    assert.equal(policy.status, 201);
    const { customerId: _id, ...fields } = contact('C-POL');
    const customer = await server.api('PUT', '/v1/customers/C-POL', { ...fields, policyId: 'for-customer' });
    assert.equal(customer.status, 201);
    assert.equal(customer.body.policyId, 'for-customer');

    const dueDate = '2026-05-01';
    const inherits = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-POL-C1', customer: contact('C-POL'), issueDate: '2026-01-05', dueDate }),
    );
    assert.equal(inherits.status, 201, JSON.stringify(inherits.body));
    assert.deepEqual(
      { policyId: inherits.body.policy.policyId, version: inherits.body.policy.version },
      { policyId: 'for-customer', version: 1 },
    );
    const own = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-POL-C2', customer: contact('C-POL'), issueDate: '2026-01-05', dueDate, policyId: 'default' }),
    );
    assert.equal(own.body.policy.policyId, 'default', "the invoice's own policyId wins");
    const other = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-POL-C3', customer: contact('C-NOPOL'), issueDate: '2026-01-05', dueDate }),
    );
    assert.equal(other.body.policy.policyId, 'default', 'no customer policy: the default');
  });

  async function pay(invoiceId: string, paidAt: string) {
    const invoice = await server.api('GET', `/v1/invoices/${invoiceId}`);
    const paid = await server.api('POST', `/v1/invoices/${invoiceId}/payments`, {
      paymentId: `PAY-${invoiceId}`,
      amount: invoice.body.balance,
      paidAt,
    });
    assert.equal(paid.status, 201);
    await server.advance({ hours: 1 });
  }

  test('a customer who opted out of email gets the reminder by SMS; with no channel left, a collector task', async () => {
    const now = await server.advance({ hours: 1 });
    const today = now.slice(0, 10);
    const due = new Date(Date.parse(now) + 10 * 86_400_000).toISOString().slice(0, 10);
    const smsOnly = contact('C-NOMAIL');
    assert.ok(
      [200, 201].includes((await server.api('PUT', '/v1/customers/C-NOMAIL', { ...smsOnly, consent: { email: false, sms: true } })).status),
    );
    const silent = contact('C-NOCHANNEL');
    assert.ok(
      [200, 201].includes(
        (await server.api('PUT', '/v1/customers/C-NOCHANNEL', { ...silent, consent: { email: false, sms: false } })).status,
      ),
    );
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-NOMAIL', issueDate: today, dueDate: due, customer: smsOnly }));
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-NOCHANNEL', issueDate: today, dueDate: due, customer: silent }));
    await server.advance({ days: 12 });

    const texts = await server.outbox('INV-NOMAIL');
    assert.ok(texts.length >= 1);
    assert.ok(
      texts.every((message) => message.channel === 'sms' && message.to === smsOnly.phone),
      JSON.stringify(texts),
    );
    const smsInvoice = await server.api('GET', '/v1/invoices/INV-NOMAIL');
    const sent = smsInvoice.body.timeline.filter((event: { type: string }) => event.type === 'reminder.sent');
    assert.ok(sent.every((event: { channel: string }) => event.channel === 'sms'));

    assert.deepEqual(await server.outbox('INV-NOCHANNEL'), []);
    const silentInvoice = await server.api('GET', '/v1/invoices/INV-NOCHANNEL');
    const skipped = silentInvoice.body.timeline.filter((event: { type: string }) => event.type === 'reminder.skipped');
    assert.ok(skipped.some((event: { reason: string }) => event.reason === 'no_email_consent'));
    // Never silence: the unreachable customer is handed to a collector, once.
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-NOCHANNEL');
    assert.deepEqual(
      tasks.body.map((task: { reason: string; kind: string }) => [task.reason, task.kind]),
      [['no_channel', 'call']],
    );
  });
});
