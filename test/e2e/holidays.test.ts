import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * No reminder goes out on a public holiday where the customer is, nor on a closed date of the
 * policy (issue 9, item 3): through the HTTP API of the running pipeline, the clock advanced.
 */
describe('public holidays and closed dates', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  const customer = (customerId: string, fields: Record<string, string>) => ({
    ...invoiceBody().customer,
    customerId,
    ...fields,
  });

  test('a reminder due on a holiday goes on the next business day: Christmas in Berlin, Thanksgiving in New York, Golden Week in Tokyo', async () => {
    server = await LocalServer.start({ clockStart: '2026-04-01T00:00:00Z' });
    const post = (invoiceId: string, dueDate: string, fields: Record<string, string>) =>
      server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({ invoiceId, issueDate: '2026-04-01', dueDate, customer: customer(`C-${invoiceId}`, fields) }),
      );
    // post-3 of each falls on a holiday: Friday 25 December (DE, from Europe/Berlin), Thursday
    // 26 November (US, given), Monday 4 May (JP, from Asia/Tokyo; 5 and 6 May are holidays too).
    assert.equal((await post('INV-HOL-DE', '2026-12-22', { timeZone: 'Europe/Berlin' })).status, 201);
    const us = await post('INV-HOL-US', '2026-11-23', { timeZone: 'America/New_York', country: 'us', subdivision: 'ny' });
    assert.equal(us.status, 201);
    assert.equal((await post('INV-HOL-JP', '2026-05-01', { timeZone: 'Asia/Tokyo', locale: 'ja-JP' })).status, 201);

    const customerView = await server.api('GET', '/v1/customers/C-INV-HOL-US');
    assert.equal(customerView.body.country, 'US');
    assert.equal(customerView.body.subdivision, 'NY');

    await server.advance({ to: '2027-01-01T00:00:00Z' });
    const sentAt = async (invoiceId: string) =>
      Object.fromEntries((await server.outbox(invoiceId)).map((message) => [message.step, message.sentAt]));
    // Tokyo: Thursday 7 May, 09:00 JST.
    assert.equal((await sentAt('INV-HOL-JP'))['post-3'], '2026-05-07T00:00:00.000Z');
    // New York: Friday 27 November, 09:00 EST.
    assert.equal((await sentAt('INV-HOL-US'))['post-3'], '2026-11-27T14:00:00.000Z');
    // Berlin: Monday 28 December, 09:00 CET.
    assert.equal((await sentAt('INV-HOL-DE'))['post-3'], '2026-12-28T08:00:00.000Z');
    // And nothing at all, to any of them, on a holiday of theirs.
    const holidays: Record<string, string[]> = {
      'INV-HOL-DE': ['2026-12-25', '2026-12-26'],
      'INV-HOL-US': ['2026-11-26', '2026-12-25'],
      'INV-HOL-JP': ['2026-05-04', '2026-05-05', '2026-05-06'],
    };
    const zones: Record<string, string> = { 'INV-HOL-DE': 'Europe/Berlin', 'INV-HOL-US': 'America/New_York', 'INV-HOL-JP': 'Asia/Tokyo' };
    for (const [invoiceId, dates] of Object.entries(holidays)) {
      const localDays = (await server.outbox(invoiceId)).map((message) =>
        new Intl.DateTimeFormat('en-CA', { timeZone: zones[invoiceId] }).format(new Date(message.sentAt)),
      );
      assert.ok(localDays.length >= 2, invoiceId);
      assert.deepEqual(
        localDays.filter((day) => dates.includes(day)),
        [],
        `${invoiceId}: ${localDays.join(', ')}`,
      );
    }
  });

  test("a policy's closed dates hold every reminder until the next open business day", async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const policy = await server.api('PUT', '/v1/policies/year-end', {
      name: 'Closed between the years',
      closedDates: ['2026-12-04', '2026-12-03'],
      tiers: [{ tier: 1, steps: [{ stepId: 'post-3', offsetDays: 3, channel: 'email', tone: 'friendly' }] }],
    });
    assert.equal(policy.status, 201);
    assert.deepEqual(policy.body.closedDates, ['2026-12-03', '2026-12-04']);
    const bad = await server.api('PUT', '/v1/policies/year-end', { ...policy.body, closedDates: ['2026-02-30'] });
    assert.equal(bad.status, 400);

    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-CLOSED-1', policyId: 'year-end' }))).status, 201);
    await server.advance({ to: '2026-12-10T00:00:00Z' });
    // Due Friday 4 December (closed): Monday 7 December, 09:00 Berlin.
    assert.deepEqual(
      (await server.outbox('INV-CLOSED-1')).map((message) => [message.step, message.sentAt]),
      [['post-3', '2026-12-07T08:00:00.000Z']],
    );
  });
});
