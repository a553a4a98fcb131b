import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'vitest';
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
  const linkFromReminder = async (overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z', env });
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
    assert.match(
      await past.text(),
      /<li><a href="#promisedDate">Ich bezahle bis zum: Das Datum darf nicht in der Vergangenheit liegen\.<\/a><\/li>/,
    );
    const late = await post(`${link}/promise`, { formToken: formTokenOf(html), promisedDate: '2027-03-01' });
    assert.equal(late.status, 400);
    assert.match(
      await late.text(),
      /<li><a href="#promisedDate">Ich bezahle bis zum: Bitte wählen Sie ein Datum bis spätestens 30\. Dezember 2026\.<\/a><\/li>/,
    );
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
    assert.match(
      await badReason.text(),
      /<li><a href="#reason">Grund: Bitte wählen Sie einen der Gründe\.<\/a><\/li>/,
      'field errors in the customer’s language',
    );
    const extra = await post(`${link}/dispute`, { formToken: token, reason: 'pricing', admin: '<i>1' });
    assert.equal(extra.status, 400);
    const extraHtml = await extra.text();
    assert.match(extraHtml, /<li>admin: Dieses Feld ist nicht vorgesehen\.<\/li>/, 'a field the page does not have: no link');
    assert.doesNotMatch(extraHtml, /aria-invalid="true"/);
    const json = await fetch(`${link}/dispute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 415);
    const tampered = link.replace(/.$/, (char) => (char === 'A' ? 'B' : 'A'));
    const refused = await fetch(tampered);
    assert.equal(refused.status, 404);
    const refusedHtml = await refused.text();
    assert.doesNotMatch(refusedHtml, /INV-WEB-1|1\.250|Dunwell Demo/);
    assert.match(refusedHtml, /<html lang="en">.*<h1>Link not valid<\/h1>/s, 'no invoice, no browser preference: English');
    const french = await fetch(tampered, { headers: { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' } });
    assert.equal(french.status, 404);
    assert.equal(french.headers.get('content-language'), 'fr');
    assert.match(await french.text(), /<html lang="fr">.*<h1>Lien non valide<\/h1>/s, 'the browser’s language when the invoice is unknown');
    const crossSite = await post(
      `${link}/dispute`,
      { formToken: token, reason: 'pricing' },
      { 'sec-fetch-site': 'cross-site', 'accept-language': 'es' },
    );
    assert.match(await crossSite.text(), /<h1>No permitido<\/h1>/);
    const forged = await post(`${link}/dispute`, { formToken: 'forged', reason: 'pricing' });
    assert.match(await forged.text(), /<html lang="de-DE">.*Dieses Formular ist abgelaufen/s, 'a valid link: the customer’s language');
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
    const expired = await fetch(link, { headers: { 'accept-language': 'de-AT,de;q=0.9' } });
    assert.equal(expired.status, 410);
    const expiredHtml = await expired.text();
    assert.doesNotMatch(expiredHtml, /INV-WEB-1/);
    assert.match(expiredHtml, /<html lang="de">.*<h1>Link abgelaufen<\/h1>/s);
    assert.equal((await fetch(`${link}/invoice`)).status, 410, 'the printable invoice expires with its link');
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

  test('who is asking: the creditor heads the page, the preferences page and the printable invoice, and signs every email', async () => {
    const link = await linkFromReminder(
      {},
      { DUNWELL_CREDITOR_NAME: 'Acme <Supplies> & "Co"', DUNWELL_CREDITOR_CONTACT: '+49 30 1234567' },
    );
    const html = await (await fetch(link)).text();
    assert.match(html, /<p class="from">Rechnung von Acme &lt;Supplies&gt; &amp; &quot;Co&quot;<\/p>/);
    assert.match(html, /<p>Fragen\? So erreichen Sie uns: <a href="tel:\+49301234567">\+49 30 1234567<\/a><\/p>/);
    assert.doesNotMatch(html, /<Supplies>/);
    const preferences = await (await fetch(link.replace('/pay/', '/preferences/'))).text();
    assert.match(preferences, /<p class="from">Zahlungserinnerungen von Acme &lt;Supplies&gt; &amp; &quot;Co&quot;<\/p>/);
    const [reminder] = await server.outbox('INV-WEB-1');
    assert.ok(
      reminder?.text.endsWith('Mit freundlichen Grüßen\nAcme <Supplies> & "Co"\n\nFragen? So erreichen Sie uns: +49 30 1234567'),
      reminder?.text,
    );
    assert.match(reminder?.html ?? '', /Mit freundlichen Grüßen<br>Acme &lt;Supplies&gt; &amp; &quot;Co&quot;<\/p>/);
    // The thank-you signs too.
    await server.api('POST', '/v1/invoices/INV-WEB-1/payments', { paymentId: 'P', amount: '1250.00', paidAt: '2026-11-30T10:00:00Z' });
    await server.advance({ hours: 1 });
    const thankYou = (await server.outbox('INV-WEB-1')).at(-1);
    assert.equal(thankYou?.step, 'thank-you');
    assert.match(thankYou?.text ?? '', /Mit freundlichen Grüßen\nAcme <Supplies> & "Co"/);
  });

  test('asking for a payment plan: paused for review, one collector task, the pending state on the page', async () => {
    const link = await linkFromReminder();
    const html = await (await fetch(link)).text();
    assert.match(html, /<p class="from">Rechnung von Dunwell Demo Ltd<\/p>/, 'the local default creditor');
    assert.match(html, /<form method="post" action="\/pay\/[^"]+\/plan-request">/);
    const response = await post(`${link}/plan-request`, {
      formToken: formTokenOf(html),
      installments: '6',
      note: '<script>alert("x")</script> Quarter end',
    });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /\?done=plan$/);
    const confirmation = await (await fetch(new URL(response.headers.get('location') ?? '', link))).text();
    assert.match(confirmation, /Anfrage nach einer Ratenzahlung an unser Team weitergegeben/);
    assert.match(confirmation, /<p class="notice">Ihre Anfrage nach einer Ratenzahlung liegt unserem Team vor\./);
    assert.doesNotMatch(confirmation, /\/plan-request"/, 'no second form while the request is pending');
    assert.doesNotMatch(confirmation, /<script/);

    const invoice = (await server.api('GET', '/v1/invoices/INV-WEB-1')).body;
    assert.equal(invoice.status, 'on_hold');
    const event = invoice.timeline.find((entry: { type: string }) => entry.type === 'plan.requested');
    assert.equal(event?.installments, 6);
    assert.equal(event?.note, '<script>alert("x")</script> Quarter end', 'kept as text; the pages escape it');
    assert.equal(invoice.holds[0].reason, 'manual');
    assert.equal(invoice.holds[0].until, '2026-12-07T09:00:00.000Z', 'a seven-day review window');
    await server.advance({ hours: 1 });
    const tasks = await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-WEB-1');
    assert.deepEqual(
      tasks.body.map((task: { reason: string; kind: string }) => [task.reason, task.kind]),
      [['payment_plan_request', 'call']],
    );

    // Asking again (a replayed post) changes nothing: no second hold, no second task.
    const again = await post(`${link}/plan-request`, { formToken: formTokenOf(html), installments: '3' });
    assert.equal(again.status, 303);
    await server.advance({ hours: 1 });
    assert.equal((await server.api('GET', '/v1/tasks?status=open&invoiceId=INV-WEB-1')).body.length, 1);
    const after = (await server.api('GET', '/v1/invoices/INV-WEB-1')).body;
    assert.equal(after.holds.length, 1);
    assert.equal(after.timeline.filter((entry: { type: string }) => entry.type === 'plan.requested').length, 1);

    // Nothing is sent while finance reviews; when the window ends unanswered, dunning resumes.
    await server.advance({ to: '2026-12-06T23:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-WEB-1')).map((m) => m.step),
      ['pre-3'],
      'paused during the review',
    );
    await server.advance({ to: '2026-12-08T12:00:00Z' });
    assert.deepEqual(
      (await server.outbox('INV-WEB-1')).map((m) => m.step),
      ['pre-3', 'post-3'],
      'resumed after the review window',
    );

    // A second request is heard; after that the page says so instead of offering the form, and a
    // third post is refused: asking again and again cannot keep dunning paused.
    const second = await post(`${link}/plan-request`, { formToken: formTokenOf(await (await fetch(link)).text()), installments: '4' });
    assert.equal(second.status, 303);
    await server.api('POST', `/v1/invoices/INV-WEB-1/holds/HLD.INV-WEB-1.2/release`);
    const page = await (await fetch(link)).text();
    assert.match(page, /Sie haben für diese Rechnung bereits eine Ratenzahlung angefragt/);
    assert.doesNotMatch(page, /\/plan-request"/);
    const third = await post(`${link}/plan-request`, { formToken: formTokenOf(page), installments: '3' });
    assert.equal(third.status, 409);
    assert.equal((await server.api('GET', '/v1/invoices/INV-WEB-1')).body.status, 'open');
  });

  test('plan requests refuse bad counts, long notes, unknown fields, forged or foreign tokens and cross-site posts', async () => {
    const link = await linkFromReminder();
    await server.api(
      'POST',
      '/v1/invoices',
      invoiceBody({ invoiceId: 'INV-WEB-2', customer: { ...invoiceBody().customer, customerId: 'C-200', email: 'b@other.example' } }),
    );
    await server.advance({ to: '2026-11-30T10:00:00Z' });
    const otherLink = (await server.outbox('INV-WEB-2')).map(payLinkOf).find(Boolean);
    assert.ok(otherLink);
    const html = await (await fetch(link)).text();
    const token = formTokenOf(html);
    const label = 'Anzahl der Monatsraten \\(2 bis 12\\)';
    for (const installments of ['1', '13', '2.5', 'abc', '', '-3', '1e1']) {
      const refused = await post(`${link}/plan-request`, { formToken: token, installments });
      assert.equal(refused.status, 400, installments);
      assert.match(
        await refused.text(),
        new RegExp(`<li><a href="#installments">${label}: Bitte geben Sie eine ganze Zahl von 2 bis 12 ein\\.</a></li>`),
        installments,
      );
    }
    const longNote = await post(`${link}/plan-request`, { formToken: token, installments: '3', note: 'x'.repeat(501) });
    assert.equal(longNote.status, 400);
    assert.match(
      await longNote.text(),
      /<li><a href="#planNote">Möchten Sie uns noch etwas mitteilen\? \(optional\): Bitte verwenden Sie höchstens 500 Zeichen\.<\/a><\/li>/,
    );
    const extra = await post(`${link}/plan-request`, { formToken: token, installments: '3', '<b>x</b>': '1' });
    assert.equal(extra.status, 400);
    const extraHtml = await extra.text();
    assert.match(extraHtml, /<li>&lt;b&gt;x&lt;\/b&gt;: Dieses Feld ist nicht vorgesehen\.<\/li>/);
    assert.doesNotMatch(extraHtml, /<b>x/);
    assert.equal((await post(`${link}/plan-request`, { formToken: token, installments: '3', note: 'x'.repeat(17_000) })).status, 413);
    assert.equal((await post(`${link}/plan-request`, { formToken: 'forged', installments: '3' })).status, 403);
    const foreign = formTokenOf(await (await fetch(otherLink)).text());
    assert.equal(
      (await post(`${link}/plan-request`, { formToken: foreign, installments: '3' })).status,
      403,
      'another invoice’s form token',
    );
    assert.equal((await post(`${otherLink}/plan-request`, { formToken: token, installments: '3' })).status, 403);
    const crossSite = await post(`${link}/plan-request`, { formToken: token, installments: '3' }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    const tampered = link.replace(/.$/, (char) => (char === 'A' ? 'B' : 'A'));
    assert.equal((await post(`${tampered}/plan-request`, { formToken: token, installments: '3' })).status, 404);
    for (const id of ['INV-WEB-1', 'INV-WEB-2']) {
      const invoice = (await server.api('GET', `/v1/invoices/${id}`)).body;
      assert.deepEqual(invoice.holds, [], `${id}: nothing was accepted`);
      assert.deepEqual((await server.api('GET', `/v1/tasks?status=open&invoiceId=${id}`)).body, []);
    }
  });

  test('a form that comes back with errors keeps what was typed, escaped and bounded, each error tied to its field', async () => {
    const link = await linkFromReminder();
    const token = formTokenOf(await (await fetch(link)).text());
    /** The element with this id, as the page wrote it (textareas with their text). */
    const element = (html: string, id: string) =>
      new RegExp(`<(?:input|select|textarea) id="${id}"[^>]*>(?:[^<]*</textarea>|(?:<option[^>]*>[^<]*</option>)*</select>)?`).exec(
        html,
      )?.[0] ?? '';

    // A dispute with an invalid reason: the note comes back escaped inside its textarea.
    const note = '<script>alert(1)</script> & "quotes"';
    for (const reason of [{ reason: 'because' }, {}] as Record<string, string>[]) {
      const refused = await post(`${link}/dispute`, { formToken: token, ...reason, note });
      assert.equal(refused.status, 400);
      const html = await refused.text();
      assert.match(html, /<li><a href="#reason">Grund: Bitte wählen Sie einen der Gründe\.<\/a><\/li>/);
      assert.match(html, /<div class="error" role="alert" tabindex="-1" autofocus>/, 'the summary is focused first');
      assert.match(
        html,
        /<label for="reason">Grund<\/label>\n<p class="field-error" id="reason-error">Bitte wählen Sie einen der Gründe\.<\/p>\n<select /,
      );
      assert.match(
        element(html, 'reason'),
        /^<select id="reason" name="reason" required aria-invalid="true" aria-describedby="reason-error">/,
      );
      assert.doesNotMatch(element(html, 'reason'), /selected/, 'no reason the page does not offer');
      assert.equal(
        element(html, 'note'),
        '<textarea id="note" name="note" rows="3" maxlength="2000">\n&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</textarea>',
      );
      assert.doesNotMatch(html, /<script|alert\(1\)<\//);
      assert.equal(
        element(html, 'planNote'),
        '<textarea id="planNote" name="note" rows="3" maxlength="500">\n</textarea>',
        'only the posted form',
      );
      assert.doesNotMatch(html, /id="(?:installments|promisedDate)"[^>]* value=/);
    }

    // A note over its limit: the chosen reason stays selected, the note comes back cut to its 2000 characters.
    const tooLong = await post(`${link}/dispute`, { formToken: token, reason: 'short_delivery', note: `${'y'.repeat(2000)}TAIL` });
    assert.equal(tooLong.status, 400);
    const tooLongHtml = await tooLong.text();
    assert.match(element(tooLongHtml, 'reason'), /<option value="short_delivery" selected>/);
    assert.equal((element(tooLongHtml, 'reason').match(/ selected/g) ?? []).length, 1);
    assert.doesNotMatch(element(tooLongHtml, 'reason'), /aria-invalid/);
    assert.match(element(tooLongHtml, 'note'), /aria-invalid="true" aria-describedby="note-error">\ny{2000}<\/textarea>$/);
    assert.match(
      tooLongHtml,
      /<p class="field-error" id="note-error">Bitte verwenden Sie höchstens 2000 Zeichen\.<\/p>\n<textarea id="note"/,
    );

    // A plan request with 13 installments: the count is refused, both fields keep what was typed.
    const plan = await post(`${link}/plan-request`, { formToken: token, installments: '13', note: 'Quarter end, <b>bitte</b>' });
    assert.equal(plan.status, 400);
    const planHtml = await plan.text();
    assert.match(
      planHtml,
      /<li><a href="#installments">Anzahl der Monatsraten \(2 bis 12\): Bitte geben Sie eine ganze Zahl von 2 bis 12 ein\.<\/a><\/li>/,
    );
    assert.match(
      element(planHtml, 'installments'),
      /^<input id="installments" [^>]*value="13" required aria-invalid="true" aria-describedby="installments-error">$/,
    );
    assert.match(
      planHtml,
      /<p class="field-error" id="installments-error">Bitte geben Sie eine ganze Zahl von 2 bis 12 ein\.<\/p>\n<input id="installments"/,
    );
    assert.equal(
      element(planHtml, 'planNote'),
      '<textarea id="planNote" name="note" rows="3" maxlength="500">\nQuarter end, &lt;b&gt;bitte&lt;/b&gt;</textarea>',
    );
    assert.equal(
      element(planHtml, 'note'),
      '<textarea id="note" name="note" rows="3" maxlength="2000">\n</textarea>',
      'the dispute note stays empty',
    );
    // Attribute values are escaped and cut to the field's length; a note is never cut inside a character.
    const hostile = await post(`${link}/plan-request`, { formToken: token, installments: '"><script>', note: `${'z'.repeat(499)}😀` });
    assert.equal(hostile.status, 400);
    const hostileHtml = await hostile.text();
    assert.match(element(hostileHtml, 'installments'), / value="&quot;&gt;" required aria-invalid="true"/);
    assert.match(element(hostileHtml, 'planNote'), /^<textarea id="planNote" name="note" rows="3" maxlength="500">\nz{499}<\/textarea>$/);
    assert.doesNotMatch(hostileHtml, /<script|\uFFFD/);

    // A promise past the horizon: the date is refused and kept.
    const promise = await post(`${link}/promise`, { formToken: token, promisedDate: '2027-03-01' });
    assert.equal(promise.status, 400);
    const promiseHtml = await promise.text();
    assert.match(
      element(promiseHtml, 'promisedDate'),
      /^<input id="promisedDate" [^>]*max="2026-12-30" value="2027-03-01" required aria-invalid="true" aria-describedby="promisedDate-error">$/,
    );
    assert.match(
      promiseHtml,
      /<p class="field-error" id="promisedDate-error">Bitte wählen Sie ein Datum bis spätestens 30\. Dezember 2026\.<\/p>/,
    );
    assert.doesNotMatch(element(promiseHtml, 'installments'), /value=/);

    const invoice = await server.api('GET', '/v1/invoices/INV-WEB-1');
    assert.deepEqual(invoice.body.holds, [], 'nothing was accepted');
  });

  test('the printable invoice: every figure, in the customer’s language, with print CSS and the same strict headers', async () => {
    const link = await linkFromReminder({ poNumber: 'PO-<778>' });
    await server.api('POST', '/v1/invoices/INV-WEB-1/payments', { paymentId: 'P1', amount: '250.00', paidAt: '2026-11-30T09:00:00Z' });
    const page = await (await fetch(link)).text();
    assert.match(page, /<a href="\/pay\/[^"]+\/invoice">Rechnung drucken oder speichern<\/a>/);
    const response = await fetch(`${link}/invoice`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'; style-src 'sha256-[^']+'/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const html = await response.text();
    assert.match(html, /<html lang="de-DE">/);
    assert.match(html, /<strong>Dunwell Demo Ltd<\/strong><br>billing@dunwell\.local/);
    assert.match(html, /<dt>Rechnungsnummer<\/dt><dd>INV-WEB-1<\/dd><dt>Bestellnummer<\/dt><dd>PO-&lt;778&gt;<\/dd>/);
    assert.match(html, /<dt>Rechnungsdatum<\/dt><dd>1\. November 2026<\/dd><dt>Fällig am<\/dt><dd>1\. Dezember 2026<\/dd>/);
    assert.match(html, /<h2>Rechnungsempfänger<\/h2>\n<p>Acme GmbH<br>ap@acme\.example<\/p>/);
    assert.match(
      html,
      /<td>Consulting, November<\/td><td class="num">10<\/td><td class="num">125,00\s€<\/td><td class="num">1\.250,00\s€<\/td>/,
    );
    assert.match(html, /<th scope="row">Erhaltene Zahlungen<\/th><td class="num">−250,00\s€<\/td>/);
    assert.match(html, /<tr class="due"><th scope="row">Offener Betrag<\/th><td class="num">1\.000,00\s€<\/td>/);
    assert.match(html, /@media print\{/);
    assert.doesNotMatch(html, /<script|<form/i);
    // The style is the hashed one the CSP allows, and nothing else.
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    assert.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`));
  });
});
