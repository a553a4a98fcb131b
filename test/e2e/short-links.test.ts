import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { smsSegments } from '#presentation/reminder-message.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The short link in SMS, over HTTP: from a real text in the outbox, through the 302, to the page;
 * a tampered code and an expired one get the refusal pages, never invoice data.
 */
describe('short links in SMS', () => {
  let server: LocalServer;
  let short: string;
  const INVOICE = 'INV-SL-1';

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const policy = await server.api('PUT', '/v1/policies/texts-first', {
      name: 'Texts first',
      businessHours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
      tiers: [
        {
          tier: 1,
          steps: [
            { stepId: 'sms-pre-3', offsetDays: -3, channel: 'sms', tone: 'friendly' },
            { stepId: 'mail-post-3', offsetDays: 3, channel: 'email', tone: 'firm' },
          ],
        },
      ],
    });
    assert.equal(policy.status, 201);
    const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: INVOICE, policyId: 'texts-first' }));
    assert.equal(created.status, 201);
    await server.advance({ to: '2026-12-05T09:00:00Z' });
  });
  afterAll(() => server.stop());

  test('the text carries a short /p/ link and is one segment; the email after it keeps the long link', async () => {
    const sent = await server.outbox(INVOICE);
    assert.deepEqual(
      sent.map((message) => [message.channel, message.step]),
      [
        ['sms', 'sms-pre-3'],
        ['email', 'mail-post-3'],
      ],
    );
    const [sms, email] = sent;
    const match = new RegExp(`(${server.url}/p/[A-Za-z0-9_-]{20})$`).exec(sms?.text ?? '');
    assert.ok(match?.[1], sms?.text);
    short = match[1];
    assert.doesNotMatch(sms?.text ?? '', /\/pay\//);
    assert.equal(smsSegments(sms?.text ?? ''), 1, sms?.text);
    assert.match(email?.text ?? '', new RegExp(`${server.url}/pay/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`));
  });

  test('the short link answers 302 to the signed page link of that invoice, with the same expiry, and the page loads', async () => {
    const response = await fetch(short, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(await response.text(), '');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=/);
    const location = response.headers.get('location') ?? '';
    const token = /^\/pay\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(location)?.[1];
    assert.ok(token, location);
    const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    assert.equal(claims.inv, INVOICE);
    // Links live 120 days after the later of their issue and the due date: 2026-12-01 + 120 days.
    assert.equal(claims.exp, Date.parse('2027-03-31T00:00:00Z') / 1000);
    const page = await fetch(new URL(location, short));
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`Rechnung ${INVOICE}`));
  });

  test('a code with one character changed, or a made-up one, is 404 with no invoice data, in the browser’s language', async () => {
    const code = short.slice(short.lastIndexOf('/') + 1);
    for (const index of [0, 5, 13, 19]) {
      const tampered = `${short.slice(0, -20)}${code.slice(0, index)}${code[index] === 'A' ? 'B' : 'A'}${code.slice(index + 1)}`;
      const refused = await fetch(tampered, { redirect: 'manual', headers: { 'accept-language': 'de-AT,de;q=0.9' } });
      assert.equal(refused.status, 404, tampered);
      assert.equal(refused.headers.get('location'), null);
      const html = await refused.text();
      assert.doesNotMatch(html, /INV-SL-1|1\.250|Consulting/);
      assert.match(html, /<html lang="de">.*<h1>Link ungültig<\/h1>/s);
    }
    for (const madeUp of ['x', 'A'.repeat(20), `${code}A`]) {
      const refused = await fetch(`${server.url}/p/${madeUp}`, { redirect: 'manual' });
      assert.equal(refused.status, 404, madeUp);
      assert.match(await refused.text(), /<h1>Link not valid<\/h1>/);
    }
  });

  test('after the expiry the short link is 410, like the long one', async () => {
    const location = (await fetch(short, { redirect: 'manual' })).headers.get('location') ?? '';
    await server.api('POST', `/v1/invoices/${INVOICE}/payments`, { paymentId: 'P-1', amount: '1250.00', paidAt: '2026-12-05T10:00:00Z' });
    await server.advance({ to: '2027-03-30T23:59:00Z' });
    assert.equal((await fetch(short, { redirect: 'manual' })).status, 302, 'still valid a minute before');
    await server.advance({ to: '2027-03-31T00:00:00Z' });
    const expired = await fetch(short, { redirect: 'manual', headers: { 'accept-language': 'de-AT,de;q=0.9' } });
    assert.equal(expired.status, 410);
    assert.equal(expired.headers.get('location'), null);
    const html = await expired.text();
    assert.doesNotMatch(html, /INV-SL-1|1\.250/);
    assert.match(html, /<html lang="de">.*<h1>Link abgelaufen<\/h1>/s);
    assert.equal((await fetch(new URL(location, short))).status, 410, 'the long link expires at the same instant');
  });
});
