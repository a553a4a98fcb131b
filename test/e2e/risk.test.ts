import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

interface Driver {
  driver: string;
  value: number;
  points: number;
  explanation: string;
}

/** Written-off and voided invoices in a customer's risk, through the HTTP API of the running local pipeline. */
describe('customer risk: written off and void', () => {
  let server: LocalServer;
  beforeAll(async () => {
    // Monday 5 January 2026.
    server = await LocalServer.start({ clockStart: '2026-01-05T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const contact = (customerId: string) => ({
    customerId,
    name: `Customer ${customerId}`,
    email: `ap@${customerId.toLowerCase()}.example`,
    timeZone: 'Europe/Berlin',
    locale: 'en-US',
  });
  const driversOf = (body: { risk: { drivers: Driver[] } }) =>
    Object.fromEntries(body.risk.drivers.map((driver) => [driver.driver, driver])) as Record<string, Driver>;

  test('a customer whose invoice was written off is bad debt in GET /v1/customers/{id}: worse than paying it late, and never "paid"', async () => {
    // A policy that proposes a write-off two days past due, so the proposal comes quickly.
    const policy = await server.api('PUT', '/v1/policies/write-off-early', {
      name: 'Write-off proposal early',
      tiers: [{ tier: 1, steps: [{ stepId: 'wo-2', offsetDays: 2, channel: 'write_off', tone: 'final', taskDeadlineDays: 60 }] }],
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    // The same invoice for two customers: one never pays and finance writes it off, the other pays it on that day.
    for (const customerId of ['C-LOST', 'C-PAIDLATE']) {
      const created = await server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({
          invoiceId: `INV-${customerId}`,
          customer: contact(customerId),
          issueDate: '2026-01-05',
          dueDate: '2026-01-20',
          policyId: 'write-off-early',
        }),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    await server.advance({ to: '2026-01-23T10:00:00Z' });
    const proposals = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-C-LOST');
    assert.deepEqual(
      proposals.body.map((task: { kind: string; stepId: string }) => [task.kind, task.stepId]),
      [['write_off_proposal', 'wo-2']],
    );

    // Sixty days past due: finance approves the write-off of one, the other customer pays.
    await server.advance({ to: '2026-03-21T10:00:00Z' });
    const approved = await server.api('POST', `/v1/tasks/${proposals.body[0].taskId}/complete`, {
      outcome: 'approved',
      note: 'Customer insolvent',
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const paid = await server.api('POST', '/v1/invoices/INV-C-PAIDLATE/payments', {
      paymentId: 'PAY-C-PAIDLATE',
      amount: '1250.00',
      paidAt: '2026-03-21T10:00:00Z',
    });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    await server.advance({ hours: 1 });
    assert.equal((await server.api('GET', '/v1/invoices/INV-C-LOST')).body.status, 'written_off');
    assert.equal((await server.api('GET', '/v1/invoices/INV-C-PAIDLATE')).body.status, 'paid');

    const lost = await server.api('GET', '/v1/customers/C-LOST');
    const paidLate = await server.api('GET', '/v1/customers/C-PAIDLATE');
    assert.equal(lost.status, 200);
    assert.equal(paidLate.status, 200);
    assert.ok(
      lost.body.risk.score > paidLate.body.risk.score,
      `written off ${lost.body.risk.score} > paid late ${paidLate.body.risk.score}`,
    );
    assert.ok(lost.body.risk.tier >= 3, `tier ${lost.body.risk.tier}`);
    assert.deepEqual(lost.body.risk.basis, { invoices: 1, settled: 0 }, 'a written-off invoice was never settled');
    assert.deepEqual(lost.body.openInvoices, { count: 0, balance: {} });

    const drivers = driversOf(lost.body);
    // One write-off, weighted 0.79 (due 60 days ago: ½^(60/180)), past the 0.25 that earns the full 20 points.
    assert.deepEqual(
      [drivers.written_off?.value, drivers.written_off?.points, drivers.written_off?.explanation],
      [0.79, 20, '1 of 1 invoice written off as bad debt'],
    );
    assert.equal(drivers.average_days_late?.value, 60, 'unpaid for 60 days (20 Jan → 21 Mar)');
    assert.equal(
      drivers.average_days_late?.explanation,
      '60 days late on average, counting 1 written off by their days past due so far (recent invoices count most)',
    );
    assert.equal(drivers.share_paid_late?.explanation, '1 of 1 invoice more than 3 days late (1 of them written off)');
    for (const driver of lost.body.risk.drivers as Driver[]) {
      assert.doesNotMatch(driver.explanation, /\bpaid\b/i, `${driver.driver}: ${driver.explanation}`);
    }

    // The customer who paid the same invoice on the same day: late, but no bad debt.
    const paidDrivers = driversOf(paidLate.body);
    assert.deepEqual(paidLate.body.risk.basis, { invoices: 1, settled: 1 });
    assert.deepEqual(
      [paidDrivers.written_off?.points, paidDrivers.written_off?.explanation],
      [0, '0 of 1 invoice written off as bad debt'],
    );
    assert.equal(paidDrivers.share_paid_late?.explanation, 'Paid 1 of 1 invoice more than 3 days late');
    assert.equal(paidDrivers.average_days_late?.value, 60);
  });

  test('an invoice voided because the customer won the dispute does not count against them', async () => {
    await server.advance({ hours: 1 });
    const created = await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-C-RIGHT', customer: contact('C-RIGHT'), issueDate: '2026-01-05', dueDate: '2026-01-20' }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const disputed = await server.api('POST', '/v1/invoices/INV-C-RIGHT/disputes', { reason: 'duplicate_billing' });
    assert.equal(disputed.status, 201, JSON.stringify(disputed.body));
    await server.advance({ days: 10 });
    const before = await server.api('GET', '/v1/customers/C-RIGHT');
    assert.ok(before.body.risk.score > 0, `overdue and disputed: score ${before.body.risk.score}`);

    const upheld = await server.api('POST', `/v1/disputes/${disputed.body.disputeId}/resolution`, { outcome: 'upheld' });
    assert.equal(upheld.status, 200, JSON.stringify(upheld.body));
    await server.advance({ hours: 1 });
    assert.equal((await server.api('GET', '/v1/invoices/INV-C-RIGHT')).body.status, 'void');
    const after = await server.api('GET', '/v1/customers/C-RIGHT');
    assert.deepEqual(after.body.risk, { score: 0, tier: 1, drivers: [], basis: { invoices: 0, settled: 0 } });
  });
});
