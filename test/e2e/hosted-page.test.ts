import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { formTokenOf, payLinkOf, postForm } from '../support/hosted-page.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The page behind the link in every message, driven like a browser would: follow the link
 * from a real outbox email, read the page, post its forms. (Browser and accessibility tests in
 * Chromium come with issue 4.)
 */
describe('hosted page', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  /** Boots, creates an invoice and returns the pay link from its first reminder (Mon 30 Nov). */
  const linkFromReminder = async (overrides: Record<string, unknown> = {}) => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-WEB-1', ...overrides }));
    await server.advance({ to: '2026-11-30T09:00:00Z' });
    const [reminder] = await server.outbox('INV-WEB-1');
    const link = payLinkOf(reminder);
    assert.ok(link, 'the reminder carries a pay link');
    return link;
  };
  const post = postForm;

  test('shows the invoice, its lines and balance in the customer locale, with strict security headers', async () => {
    const link = await linkFromReminder();
    const response = await fetch(link);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<html lang="de-DE">/);
    assert.match(html, /Rechnung INV-2026-0001|Rechnung INV-WEB-1/);
    assert.match(html, /1\.250,00\s€/);
    assert.match(html, /1\. Dezember 2026/);
    assert.match(html, /<td>Consulting, November<\/td><td>10<\/td><td>125,00\s€<\/td>/);
    assert.match(html, /<form method="post" action="\/pay\/[^"]+\/dispute">/);
    assert.doesNotMatch(html, /<script/i, 'no scripts at all');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('a dispute from the page pauses reminders at once', async () => {
    const link = await linkFromReminder();
    const html = await (await fetch(link)).text();
    const response = await post(`${link}/dispute`, {
      formToken: formTokenOf(html),
      reason: 'damaged_goods',
      note: 'Two boxes were crushed',
    });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /\?done=dispute$/);
    const confirmation = await (await fetch(new URL(response.headers.get('location') ?? '', link))).text();
    assert.match(confirmation, /Erinnerungen pausiert, während wir Ihre Beanstandung prüfen/);
    const invoice = await server.api('GET', '/v1/invoices/INV-WEB-1');
    assert.equal(invoice.body.status, 'on_hold');
    assert.equal(invoice.body.holds[0].disputeReason, 'damaged_goods');
    await server.advance({ days: 20 });
    assert.deepEqual(
      (await server.outbox('INV-WEB-1')).map((m) => m.step),
      ['pre-3'],
      'no reminder after the dispute',
    );
  });

  test('a promise from the page pauses reminders until the promised date', async () => {
    const link = await linkFromReminder();
    const html = await (await fetch(link)).text();
    const past = await post(`${link}/promise`, { formToken: formTokenOf(html), promisedDate: '2026-11-01' });
    assert.equal(past.status, 400);
    assert.match(await past.text(), /promisedDate: must not be in the past/);
    const response = await post(`${link}/promise`, { formToken: formTokenOf(html), promisedDate: '2026-12-10' });
    assert.equal(response.status, 303);
    const invoice = await server.api('GET', '/v1/invoices/INV-WEB-1');
    assert.equal(invoice.body.holds[0].promisedDate, '2026-12-10');
    assert.deepEqual(invoice.body.nextAction.type, 'hold');
  });

  test('hostile input: forged, cross-site, oversized and malformed posts change nothing', async () => {
    const link = await linkFromReminder({ customer: { ...invoiceBody().customer, name: '<script>alert(1)</script>' } });
    const html = await (await fetch(link)).text();
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const token = formTokenOf(html);
    assert.equal((await post(`${link}/dispute`, { formToken: 'forged', reason: 'pricing' })).status, 403);
    assert.equal((await post(`${link}/dispute`, { reason: 'pricing' })).status, 403);
    assert.equal((await post(`${link}/dispute`, { formToken: token, reason: 'pricing' }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await post(`${link}/dispute`, { formToken: token, reason: 'pricing', note: 'x'.repeat(20_000) })).status, 413);
    const badReason = await post(`${link}/dispute`, { formToken: token, reason: 'because' });
    assert.equal(badReason.status, 400);
    assert.match(await badReason.text(), /reason: choose one of the reasons/);
    const extra = await post(`${link}/dispute`, { formToken: token, reason: 'pricing', admin: '1' });
    assert.equal(extra.status, 400);
    const json = await fetch(`${link}/dispute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 415);
    const tampered = link.replace(/.$/, (char) => (char === 'A' ? 'B' : 'A'));
    const refused = await fetch(tampered);
    assert.equal(refused.status, 404);
    assert.doesNotMatch(await refused.text(), /INV-WEB-1|1\.250/);
    assert.equal((await post(`${tampered}/dispute`, { formToken: token, reason: 'pricing' })).status, 404);
    const invoice = await server.api('GET', '/v1/invoices/INV-WEB-1');
    assert.deepEqual(invoice.body.holds, [], 'nothing was accepted');
  });

  test('a paid invoice shows its status instead of the forms; an expired link shows no data', async () => {
    const link = await linkFromReminder();
    await server.api('POST', '/v1/invoices/INV-WEB-1/payments', { paymentId: 'P', amount: '1250.00', paidAt: '2026-11-30T09:00:00Z' });
    const html = await (await fetch(link)).text();
    assert.match(html, /Diese Rechnung ist bezahlt/);
    assert.doesNotMatch(html, /<form/);
    // Links live 120 days after the later of their issue and the due date.
    await server.advance({ to: '2027-04-01T00:00:00Z' });
    const expired = await fetch(link);
    assert.equal(expired.status, 410);
    assert.doesNotMatch(await expired.text(), /INV-WEB-1/);
  });

  test('one-click unsubscribe from the email header moves reminders to SMS; the preferences page turns email back on', async () => {
    const link = await linkFromReminder();
    const [reminder] = await server.outbox('INV-WEB-1');
    const unsubscribe = /^<(http:\/\/\S+\/preferences\/\S+)>$/.exec(reminder?.listUnsubscribe ?? '')?.[1];
    assert.ok(unsubscribe, `List-Unsubscribe header: ${reminder?.listUnsubscribe}`);
    assert.equal(unsubscribe, link.replace('/pay/', '/preferences/'));

    // What a mail client sends (RFC 8058): no cookie, no form token, a fixed body.
    const oneClick = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(oneClick.status, 200);
    const customer = await server.api('GET', '/v1/customers/C-100');
    assert.deepEqual(customer.body.consent, { email: false, sms: true });

    await server.advance({ to: '2026-12-05T00:00:00Z' });
    const [, next] = await server.outbox('INV-WEB-1');
    assert.deepEqual([next?.step, next?.channel, next?.to], ['post-3', 'sms', '+4915123456789'], 'the next reminder goes by SMS');

    const preferences = await (await fetch(unsubscribe)).text();
    assert.match(preferences, /<input type="checkbox" name="email" value="on">/);
    assert.match(preferences, /<input type="checkbox" name="sms" value="on" checked>/);
    const forged = await post(unsubscribe, { formToken: 'forged', email: 'on', sms: 'on' });
    assert.equal(forged.status, 403);
    const saved = await post(unsubscribe, { formToken: formTokenOf(preferences), email: 'on', sms: 'on' });
    assert.equal(saved.status, 303);
    assert.deepEqual((await server.api('GET', '/v1/customers/C-100')).body.consent, { email: true, sms: true });
  });
});
