import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/** Every message goes out in the customer's own business hours, across zones and DST changes. */
describe("customers' local time", () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  const localTime = (instant: string, timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(instant),
    );

  test('a Tokyo customer and a New York customer each get their reminders at 09:00 on weekdays, their time', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const customer = invoiceBody().customer;
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-TYO', customer: { ...customer, customerId: 'C-TYO', timeZone: 'Asia/Tokyo', locale: 'ja-JP' } }),
    );
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-NYC', customer: { ...customer, customerId: 'C-NYC', timeZone: 'America/New_York', locale: 'en-US' } }),
    );
    // Until before the follow-ups that fill the wait for tier 2 (see resumption.test.ts).
    await server.advance({ to: '2026-12-20T00:00:00Z' });
    const tokyo = await server.outbox('INV-TYO');
    const newYork = await server.outbox('INV-NYC');
    assert.deepEqual(
      tokyo.map((m) => [m.step, m.sentAt]),
      [
        ['pre-3', '2026-11-30T00:00:00.000Z'],
        ['post-3', '2026-12-04T00:00:00.000Z'],
        ['post-14', '2026-12-15T00:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      newYork.map((m) => [m.step, m.sentAt]),
      [
        ['pre-3', '2026-11-30T14:00:00.000Z'],
        ['post-3', '2026-12-04T14:00:00.000Z'],
        ['post-14', '2026-12-15T14:00:00.000Z'],
      ],
    );
    for (const message of tokyo) assert.match(localTime(message.sentAt, 'Asia/Tokyo'), /^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    for (const message of newYork) assert.match(localTime(message.sentAt, 'America/New_York'), /^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    assert.match(newYork[0]?.text ?? '', /Amount due: €1,250\.00\nDue date: December 1, 2026/, 'amounts and dates in the customer locale');
    assert.match(tokyo[0]?.text ?? '', /Due date: 2026年12月1日/);
  });

  test('across the DST weekend, 09:00 stays 09:00 local (Berlin, 25 October)', async () => {
    server = await LocalServer.start({ clockStart: '2026-10-01T00:00:00Z' });
    // Due Wednesday 21 Oct: pre-3 on Sunday 18 Oct → Monday 19 Oct (CEST, UTC+2); post-3 on Saturday
    // 24 Oct → Monday 26 Oct, after the switch back to CET (UTC+1).
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-DST', issueDate: '2026-10-01', dueDate: '2026-10-21' }));
    await server.advance({ to: '2026-11-01T00:00:00Z' });
    const sent = await server.outbox('INV-DST');
    assert.deepEqual(
      sent.map((m) => [m.step, m.sentAt]),
      [
        ['pre-3', '2026-10-19T07:00:00.000Z'],
        ['post-3', '2026-10-26T08:00:00.000Z'],
      ],
    );
    for (const message of sent) assert.match(localTime(message.sentAt, 'Europe/Berlin'), /^Mon 09:00$/);
  });

  test('SMS respects business hours and never goes out before 08:00 or after 21:00 local', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-02T00:00:00Z' });
    const evening = {
      name: 'Evening SMS',
      businessHours: { start: '06:00', end: '23:00', days: [1, 2, 3, 4, 5, 6, 7] },
      tiers: [{ tier: 1, steps: [{ stepId: 'sms', offsetDays: 1, channel: 'sms', tone: 'friendly' }] }],
    };
    assert.equal((await server.api('PUT', '/v1/policies/evening', evening)).status, 201);
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-SMS', dueDate: '2026-11-10', policyId: 'evening' }));
    await server.advance({ to: '2026-11-20T00:00:00Z' });
    const [sms] = await server.outbox('INV-SMS');
    // Business hours open at 06:00, but SMS waits for 08:00 Berlin (07:00Z).
    assert.deepEqual([sms?.channel, sms?.sentAt], ['sms', '2026-11-11T07:00:00.000Z']);
  });
});
