import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { consolePaths } from '#presentation/console/context.ts';
import { consoleWording } from '#presentation/console/wording.ts';
import { escapeHtml } from '#presentation/html.ts';
import { brokenPromisesServer, ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, type LocalServer } from '../support/local-server.ts';

/**
 * The console on the running local pipeline, over HTTP as a browser without script would use
 * it: sign-in per role, the pages, the forms with their CSRF token, and what each role may do.
 * Three invoices of one customer whose promises broke give a collector three tasks to work.
 */
const riskScore = (score: number, tier: number) => consoleWording.tasks.riskScore(score, tier);

describe('the console', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await brokenPromisesServer();
  });
  afterAll(() => server.stop());

  test('without a session every page sends the person to sign in; the local sign-in page offers one click per role', async () => {
    const anonymous = new ConsoleClient(server.url);
    const pages = ['/console', '/console/invoices', '/console/tasks', '/console/invoices/INV-CON-1'];
    const messages = ['/console/invoices/INV-CON-1/messages/any', '/console/invoices/INV-CON-1/messages/any/body'];
    for (const path of [...pages, ...messages]) {
      const answer = await anonymous.get(path);
      assert.equal(answer.status, 303, path);
      assert.equal(answer.location, '/console/sign-in', path);
    }
    const signIn = await anonymous.get('/console/sign-in');
    assert.equal(signIn.status, 200);
    assert.match(signIn.html, /href="\/console\/dev-sign-in\?role=finance"/);
    assert.match(signIn.html, /href="\/console\/dev-sign-in\?role=collector"/);
    const forged = await anonymous.post('/console/invoices/INV-CON-1/hold', { note: 'x' }, { csrf: 'guess' });
    assert.equal(forged.status, 303, 'a post without a session goes to sign-in, changing nothing');
  });

  test('the session cookie is HttpOnly and SameSite, and a tampered one is refused', async () => {
    const collector = new ConsoleClient(server.url);
    const answer = await collector.get('/console/dev-sign-in?role=collector');
    assert.equal(answer.status, 303);
    assert.equal(answer.location, '/console');
    const [cookie = ''] = answer.setCookies;
    assert.match(cookie, /^dunwell-session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const tampered = await fetch(`${server.url}/console`, {
      redirect: 'manual',
      headers: { cookie: cookie.split(';')[0]?.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')) ?? '' },
    });
    assert.equal(tampered.status, 303);
  });

  test("a collector's day: the worklist, three tasks worked, an invoice paused — and no finance actions", async () => {
    const collector = await ConsoleClient.signIn(server.url, 'collector');
    const worklist = await collector.get('/console/tasks');
    assert.equal(worklist.status, 200);
    const taskIds = [
      ...new Set([...worklist.html.matchAll(/href="\/console\/tasks\/([^"?]+)"/g)].map((match) => decodeURIComponent(match[1] ?? ''))),
    ];
    assert.equal(taskIds.length, 3, worklist.html);
    assert.doesNotMatch(worklist.html, /href="\/console\/policies"/, 'no Policies for a collector');
    const { risk } = (await server.api('GET', '/v1/customers/C-100')).body;
    assert.ok(risk.score > 0, 'three broken promises weigh on the customer');
    assert.equal(worklist.html.split(riskScore(risk.score, risk.tier)).length - 1, 3, 'each task shows its customer’s risk');

    const outcomes: Record<string, string>[] = [
      { outcome: 'no_answer' },
      { outcome: 'promise_obtained', promisedDate: '2026-12-15' },
      { outcome: 'other', note: 'Left a voicemail' },
    ];
    for (const [index, taskId] of taskIds.entries()) {
      const page = await collector.get(`/console/tasks/${encodeURIComponent(taskId)}`);
      assert.equal(page.status, 200);
      const done = await collector.post(`/console/tasks/${encodeURIComponent(taskId)}/complete`, outcomes[index] ?? {});
      assert.equal(done.status, 303, done.html);
      assert.equal(done.location, `/console/tasks/${encodeURIComponent(taskId)}?done=complete`);
    }
    const completed = await server.api('GET', '/v1/tasks?status=completed');
    assert.deepEqual(completed.body.map((task: { outcome?: string }) => task.outcome).sort(), ['no_answer', 'other', 'promise_obtained']);
    const promised = await server.api(
      'GET',
      `/v1/invoices/${encodeURIComponent(completed.body.find((task: { outcome?: string }) => task.outcome === 'promise_obtained').invoiceId)}`,
    );
    assert.equal(promised.body.status, 'on_hold', 'the promise obtained by phone pauses dunning');

    await collector.get('/console/invoices/INV-CON-3');
    const paused = await collector.post('/console/invoices/INV-CON-3/hold', {
      note: 'Customer asked for a week',
      until: '2026-12-15T09:00',
    });
    assert.equal(paused.status, 303, paused.html);
    assert.equal(paused.location, '/console/invoices/INV-CON-3?done=hold');
    const held = await server.api('GET', '/v1/invoices/INV-CON-3');
    assert.equal(held.body.status, 'on_hold');
    assert.deepEqual(held.body.nextAction, { type: 'hold', at: '2026-12-15T09:00:00.000Z' });

    const page = await collector.get('/console/invoices/INV-CON-1');
    assert.doesNotMatch(page.html, /action="\/console\/invoices\/INV-CON-1\/void"/, 'no void form for a collector');
    const voided = await collector.post('/console/invoices/INV-CON-1/void', { reason: 'trying' });
    assert.equal(voided.status, 403);
    assert.equal((await server.api('GET', '/v1/invoices/INV-CON-1')).body.status !== 'void', true);
  });

  test('a form without its token, or from another origin, changes nothing', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    await finance.get('/console/invoices/INV-CON-2');
    const before = (await server.api('GET', '/v1/invoices/INV-CON-2')).body.timeline.length;
    const noToken = await finance.post('/console/invoices/INV-CON-2/hold', { note: 'no token' }, { csrf: null });
    assert.equal(noToken.status, 403);
    const crossSite = await finance.post('/console/invoices/INV-CON-2/hold', { note: 'cross site' }, { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.equal((await server.api('GET', '/v1/invoices/INV-CON-2')).body.timeline.length, before);
  });

  test("a finance lead's day: the dashboard from the reports, the receivables searched, a bad form shown again with its errors", async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    // The report figures are computed after the first view's response (waiting for idle waits for them).
    assert.equal((await finance.get('/console')).status, 200);
    await server.advance({ hours: 0 });
    const dashboard = await finance.get('/console');
    assert.equal(dashboard.status, 200, dashboard.html);
    assert.match(dashboard.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const aging = await server.api('GET', '/v1/reports/aging?asOf=2026-12-08&currency=EUR');
    assert.equal(aging.status, 200);
    assert.ok(dashboard.html.includes('role="img"'), 'charts');
    const total = aging.body.total.amount as string;
    assert.ok(
      dashboard.html.includes(total.replace('.', ',')) || dashboard.html.includes(total) || dashboard.html.includes('3,750.00'),
      'the aging total of the reports API',
    );
    assert.match(dashboard.html, /href="\/console\/policies"/, 'finance sees Policies');

    const forgedCursor = Buffer.from(JSON.stringify({ pk: 'INVOICE#x', sk: 'INVOICE' })).toString('base64url');
    const forged = await finance.get(`/console/invoices?cursor=${forgedCursor}`);
    assert.equal(forged.status, 400, 'a page link the list did not hand out is refused, never given to the store');
    assert.match(forged.html, /not one the list handed out/);

    const searched = await finance.get('/console/invoices?q=CON-2');
    assert.equal(searched.status, 200);
    assert.match(searched.html, /INV-CON-2/);
    assert.doesNotMatch(searched.html, /INV-CON-1/);

    const invoicePage = await finance.get('/console/invoices/INV-CON-1');
    const messageLink = /href="(\/console\/invoices\/INV-CON-1\/messages\/[^"]+)"/.exec(invoicePage.html)?.[1];
    assert.ok(messageLink, 'the reminders sent are listed');
    const message = await finance.get(messageLink.replaceAll('&amp;', '&'));
    assert.equal(message.status, 200);
    assert.match(message.html, /ap@acme\.example/, 'the address it went to');
    assert.match(message.html, new RegExp(consoleWording.message.asSent), 'and the message itself, from the archive');
    assert.equal((await finance.get('/console/invoices/INV-CON-1/messages/no-such-message')).status, 404);
    const bad = await finance.post('/console/invoices/INV-CON-1/promise', { promisedDate: '2026-10-01' });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /must not be in the past/);
    assert.match(bad.html, /aria-invalid="true"/);

    const profile = {
      customerId: 'C-CON-9',
      name: 'Zeta <Holdings> & Co',
      email: 'ap@zeta.example',
      timeZone: 'Europe/Berlin',
      locale: 'de-DE',
      segment: 'smb',
    };
    assert.equal((await server.api('PUT', '/v1/customers/C-CON-9', profile)).status, 201);
    const customers = await finance.get('/console/customers?segment=smb');
    assert.equal(customers.status, 200);
    assert.match(customers.html, /href="\/console\/customers\/C-CON-9">Zeta &lt;Holdings&gt; &amp; Co</, 'listed, linked and escaped');
    const customer = await finance.get('/console/customers/C-CON-9');
    assert.equal(customer.status, 200);

    const policies = await finance.get('/console/policies');
    assert.equal(policies.status, 200);
    assert.match(policies.html, /default/);
  });

  test('a message as the customer saw it: its subject, and its HTML byte for byte in a sandboxed frame of its own', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const [sent] = await server.outbox('INV-CON-1');
    assert.ok(sent?.html && sent.subject, 'a reminder went out by email');
    const page = await finance.get(consolePaths.message('INV-CON-1', sent.messageId));
    assert.equal(page.status, 200, page.html);
    assert.ok(page.html.includes(escapeHtml(sent.subject)), 'the subject');
    const bodyPath = consolePaths.messageBody('INV-CON-1', sent.messageId);
    assert.ok(
      page.html.includes(`<iframe class="message-frame" sandbox src="${escapeHtml(bodyPath)}"`),
      'the HTML, framed from the body route',
    );
    assert.ok(page.html.includes(`<pre class="message-text">${escapeHtml(sent.text)}</pre>`), 'the plain-text part');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-src 'self'; /, 'the console may frame its own origin');

    const body = await finance.get(bodyPath);
    assert.equal(body.status, 200);
    assert.equal(body.html, sent.html, 'exactly what SES was given');
    assert.equal(
      body.headers.get('content-security-policy'),
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
    );
    assert.equal(body.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(body.headers.get('cache-control'), 'private, no-store');

    // A combined reminder is every one of its invoices' message; under an invoice it was not sent about, it does not exist.
    assert.equal((await finance.get(consolePaths.messageBody('INV-CON-2', sent.messageId))).html, sent.html);
    assert.equal(
      (
        await server.api(
          'POST',
          '/v1/invoices',
          invoiceBody({ invoiceId: 'INV-CON-OTHER', customer: { ...invoiceBody().customer, customerId: 'C-OTHER' } }),
        )
      ).status,
      201,
    );
    assert.equal((await finance.get(consolePaths.messageBody('INV-CON-OTHER', sent.messageId))).status, 404);
    assert.equal((await finance.get(consolePaths.message('INV-CON-OTHER', sent.messageId))).status, 404);
    assert.equal((await finance.get(consolePaths.messageBody('INV-CON-1', 'no-such-message'))).status, 404);

    const anonymous = await new ConsoleClient(server.url).get(bodyPath);
    assert.equal(anonymous.status, 303, 'signed out: to the sign-in page, like every page');
    assert.equal(anonymous.location, '/console/sign-in');
    assert.equal(anonymous.html, '');
  });

  test('the stylesheet is served with the strict page headers; pages carry a CSP without script', async () => {
    const css = await fetch(`${server.url}/console/assets/console.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const page = await fetch(`${server.url}/console/invoices`, { headers: { cookie: 'x=y' }, redirect: 'manual' });
    assert.equal(page.status, 303);
    const signedIn = await finance.get('/console/invoices');
    assert.equal(signedIn.status, 200);
    assert.doesNotMatch(signedIn.html, /<script/);
  });
});
