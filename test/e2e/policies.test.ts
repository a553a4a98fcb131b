import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/** Cadence policies as data: versioned, validated, pinned by the invoices that use them. */
describe('policies', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-02T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const smsFirst = (mailOffset: number) => ({
    name: 'SMS first',
    tiers: [
      {
        tier: 1,
        steps: [
          { stepId: 'sms-1', offsetDays: 1, channel: 'sms', tone: 'friendly' },
          { stepId: 'mail', offsetDays: mailOffset, channel: 'email', tone: 'firm' },
        ],
      },
    ],
  });

  test('the default policy is the 4-tier matrix', async () => {
    const listed = await server.api('GET', '/v1/policies');
    assert.equal(listed.status, 200);
    const [standard] = listed.body;
    assert.equal(standard.policyId, 'default');
    assert.deepEqual(
      standard.tiers.map((tier: { tier: number }) => tier.tier),
      [1, 2, 3, 4],
    );
    assert.deepEqual(standard.businessHours, { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] });
    const channels = new Set(standard.tiers.flatMap((tier: { steps: { channel: string }[] }) => tier.steps.map((step) => step.channel)));
    assert.deepEqual([...channels].sort(), ['agency', 'email', 'notice', 'sms', 'task', 'write_off']);
  });

  test('PUT publishes a version; the same content again mints none; bad policies are refused by field', async () => {
    const created = await server.api('PUT', '/v1/policies/sms-first', smsFirst(5));
    assert.equal(created.status, 201);
    assert.equal(created.body.version, 1);
    assert.deepEqual(created.body.frequencyCap, { perDay: 1, perWeek: 3 }, 'omitted rules take the defaults');
    assert.equal(created.body.maxSilenceDays, 14, 'omitted rules take the defaults');
    const again = await server.api('PUT', '/v1/policies/sms-first', smsFirst(5));
    assert.equal(again.status, 200);
    assert.equal(again.body.version, 1);

    const bad = await server.api('PUT', '/v1/policies/broken', {
      name: 'Broken',
      businessHours: { start: '17:00', end: '09:00', days: [1, 2, 3] },
      tiers: [
        {
          tier: 2,
          steps: [
            { stepId: 'a', offsetDays: 1, channel: 'pigeon', tone: 'firm' },
            { stepId: 'b', offsetDays: 2, channel: 'email', tone: 'firm' },
          ],
        },
      ],
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((error: { path: string }) => error.path),
      ['tiers.0.steps.0.channel'],
    );
    const noTierOne = await server.api('PUT', '/v1/policies/broken', {
      name: 'Broken',
      businessHours: { start: '17:00', end: '09:00', days: [1, 2, 3] },
      tiers: [{ tier: 2, steps: [{ stepId: 'b', offsetDays: 2, channel: 'email', tone: 'firm' }] }],
    });
    assert.deepEqual(noTierOne.body.errors.map((error: { path: string }) => error.path).sort(), ['businessHours', 'tiers']);
    assert.equal((await server.api('GET', '/v1/policies/broken')).status, 404);

    // maxSilenceDays: a whole number of days from 7 to 90.
    for (const maxSilenceDays of [6, 91, 10.5]) {
      const silent = await server.api('PUT', '/v1/policies/quiet', { ...smsFirst(5), maxSilenceDays });
      assert.equal(silent.status, 400, String(maxSilenceDays));
      assert.deepEqual(
        silent.body.errors.map((error: { path: string }) => error.path),
        ['maxSilenceDays'],
      );
    }
    const patient = await server.api('PUT', '/v1/policies/quiet', { ...smsFirst(5), maxSilenceDays: 21 });
    assert.equal(patient.status, 201);
    assert.equal(patient.body.maxSilenceDays, 21);

    const readOnly = await server.token('dunwell/invoices.read dunwell/policies.read');
    const forbidden = await server.api('PUT', '/v1/policies/sms-first', smsFirst(5), { authorization: `Bearer ${readOnly}` });
    assert.equal(forbidden.status, 403);
  });

  test('an invoice follows its policy; a new version reaches new invoices only', async () => {
    // Due Wednesday 18 Nov: the SMS is due Thursday 19 Nov at 09:00 Berlin.
    const first = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-POL-1', dueDate: '2026-11-18', policyId: 'sms-first' }),
    );
    assert.equal(first.status, 201);
    assert.deepEqual(first.body.policy, { policyId: 'sms-first', version: 1, tier: 1 });
    const edited = await server.api('PUT', '/v1/policies/sms-first', smsFirst(2));
    assert.equal(edited.body.version, 2);
    // Another customer, so the frequency cap does not tie the two invoices together.
    const other = { ...invoiceBody().customer, customerId: 'C-200', email: 'ap@other.example', phone: '+4915199999999' };
    const second = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-POL-2', dueDate: '2026-11-18', policyId: 'sms-first', customer: other }),
    );
    assert.deepEqual(second.body.policy, { policyId: 'sms-first', version: 2, tier: 1 });

    await server.advance({ to: '2026-11-30T00:00:00Z' });
    const one = await server.outbox('INV-POL-1');
    const two = await server.outbox('INV-POL-2');
    assert.deepEqual(
      one.map((m) => [m.channel, m.step, m.sentAt]),
      [
        ['sms', 'sms-1', '2026-11-19T08:00:00.000Z'],
        ['email', 'mail', '2026-11-23T08:00:00.000Z'],
      ],
      'version 1: mail 5 days after due (a Monday)',
    );
    assert.deepEqual(
      two.map((m) => [m.channel, m.step, m.sentAt]),
      [
        ['sms', 'sms-1', '2026-11-19T08:00:00.000Z'],
        ['email', 'mail', '2026-11-20T08:00:00.000Z'],
      ],
      'version 2: mail 2 days after due (a Friday)',
    );
    const [sms] = one;
    assert.equal(sms?.to, '+4915123456789');
    assert.match(
      sms?.text ?? '',
      // One segment: the creditor's name, the reminder and a short signed link.
      /^Dunwell Demo Ltd: Erinnerung an Rechnung INV-POL-1: 1\.250,00 EUR, fällig am 18\.11\.2026\. Zahlen: http:\/\/127\.0\.0\.1:\d+\/p\/[\w-]{20}$/,
    );
  });

  test('an unknown policy on a new invoice is a 400 naming policyId', async () => {
    const response = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-POL-X', policyId: 'nope' }));
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.errors, [{ path: 'policyId', message: 'is not a known policy' }]);
    assert.equal((await server.api('GET', '/v1/invoices/INV-POL-X')).status, 404);
  });

  test('an explicit re-plan moves a running invoice to the latest version (or another policy)', async () => {
    const customer = { ...invoiceBody().customer, customerId: 'C-300', email: 'ap@third.example' };
    const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-POL-3', policyId: 'sms-first', customer }));
    const pinned = created.body.policy.version;
    const newer = await server.api('PUT', '/v1/policies/sms-first', smsFirst(4));
    assert.equal(newer.body.version, pinned + 1);
    assert.equal((await server.api('GET', '/v1/invoices/INV-POL-3')).body.policy.version, pinned, 'not without asking');
    const replanned = await server.api('POST', '/v1/invoices/INV-POL-3/replan', {});
    assert.equal(replanned.status, 200);
    assert.deepEqual(replanned.body.policy, { policyId: 'sms-first', version: pinned + 1, tier: 1 });
    assert.equal(replanned.body.timeline.at(-1).type, 'policy.replanned');
    const toDefault = await server.api('POST', '/v1/invoices/INV-POL-3/replan', { policyId: 'default' });
    assert.deepEqual(toDefault.body.policy, { policyId: 'default', version: 1, tier: 1 });
    const unknown = await server.api('POST', '/v1/invoices/INV-POL-3/replan', { policyId: 'nope' });
    assert.deepEqual(unknown.body.errors, [{ path: 'policyId', message: 'is not a known policy' }]);
    assert.equal((await server.api('POST', '/v1/invoices/NOPE/replan', {})).status, 404);
  });

  test('an agency referral step escalates the invoice and hands over the whole file', async () => {
    const agencyFirst = {
      name: 'Straight to the agency',
      tiers: [{ tier: 1, steps: [{ stepId: 'agency-2', offsetDays: 2, channel: 'agency', tone: 'final', taskDeadlineDays: 10 }] }],
    };
    assert.equal((await server.api('PUT', '/v1/policies/agency-first', agencyFirst)).status, 201);
    const customer = { ...invoiceBody().customer, customerId: 'C-400', email: 'ap@fourth.example' };
    const now = await server.advance({ hours: 1 });
    const due = new Date(Date.parse(now) - 5 * 86_400_000).toISOString().slice(0, 10);
    const issue = new Date(Date.parse(now) - 35 * 86_400_000).toISOString().slice(0, 10);
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-AGY', issueDate: issue, dueDate: due, policyId: 'agency-first', customer }),
    );
    await server.advance({ hours: 1 });
    const invoice = await server.api('GET', '/v1/invoices/INV-AGY');
    assert.equal(invoice.body.status, 'escalated');
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-AGY');
    const [task] = tasks.body;
    assert.equal(task.kind, 'agency_referral');
    assert.equal(task.handover.invoice.invoiceId, 'INV-AGY');
    assert.deepEqual([task.handover.contacts.customerId, task.handover.contacts.email], ['C-400', 'ap@fourth.example']);
    assert.deepEqual(task.handover.timeline.map((event: { type: string }) => event.type).slice(0, 2), [
      'invoice.received',
      'dunning.started',
    ]);
    assert.equal(task.handover.invoice.balance, '1250.00');
    assert.deepEqual(await server.outbox('INV-AGY'), [], 'an agency referral is not a customer message');
  });
});
