import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'vitest';
import { ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Customers answer back, through the running pipeline: every reminder carries a signed Reply-To
 * on the reply domain, and a reply posted to POST /_local/ses/inbound (the raw message and SES's
 * verdicts, as SES receiving hands them over) goes through the replies bucket to the reply
 * function. The invoices are due 2026-12-01 (Berlin): pre-3 on Monday 30 Nov 08:00Z, post-3 on
 * Friday 4 Dec 08:00Z, post-14 on 15 Dec.
 */
describe('replies to reminders pause, route and land on the timeline', () => {
  let server: LocalServer;
  afterEach(() => server.stop());

  const customer = (customerId: string, locale = 'de-DE') => ({
    customerId,
    name: `Kunde ${customerId}`,
    email: `ap-${customerId.toLowerCase()}@kunde.example`,
    timeZone: 'Europe/Berlin',
    locale,
  });
  const ingest = async (invoiceId: string, customerId: string, locale?: string) => {
    const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId, customer: customer(customerId, locale) }));
    assert.equal(created.status, 201);
  };
  const timeline = async (invoiceId: string) =>
    (await server.api('GET', `/v1/invoices/${invoiceId}`)).body.timeline as { type: string; [key: string]: unknown }[];
  const replyEvents = async (invoiceId: string) => (await timeline(invoiceId)).filter((event) => event.type === 'reply.received');
  const steps = async (invoiceId: string) => (await server.outbox(invoiceId)).map((message) => message.step);
  const replyToOf = async (invoiceId: string) => {
    const [email] = (await server.outbox(invoiceId)).filter((message) => message.channel === 'email');
    assert.ok(email?.replyTo, `the reminder of ${invoiceId} carries a Reply-To`);
    return email.replyTo;
  };
  const openTasks = async (invoiceId: string) =>
    (await server.api('GET', `/v1/tasks?status=open&invoiceId=${invoiceId}`)).body as { taskId: string; reason: string; dueAt: string }[];
  const inbound = (body: Record<string, unknown>) => server.local('POST', '/_local/ses/inbound', body);

  test('"Wir haben die Rechnung gestern überwiesen": a payment_claimed hold and a task; no reminder meanwhile; dunning resumes after the days', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await ingest('INV-RPL-PAID', 'C-RPL-PAID');
    await server.advance({ to: '2026-11-30T10:00:00Z' });
    assert.deepEqual(await steps('INV-RPL-PAID'), ['pre-3']);
    const replyTo = await replyToOf('INV-RPL-PAID');
    assert.match(replyTo, /^r\+[0-9a-f]{30}@replies\.dunwell\.local$/);

    const raw = replyMessage({
      to: replyTo,
      from: 'ap-c-rpl-paid@kunde.example',
      body: 'Wir haben die Rechnung gestern überwiesen.\n\nMit freundlichen Grüßen\nBuchhaltung',
      attachment: { filename: 'Zahlungsavis.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 Zahlungsavis') },
    });
    const received = await inbound({ raw, messageId: 'ses-rpl-paid-1' });
    assert.equal(received.status, 202);
    assert.equal(received.body.messageId, 'ses-rpl-paid-1');
    assert.equal(received.body.outcome.kind, 'matched');
    assert.equal(received.body.outcome.class, 'payment_claimed');

    const invoice = (await server.api('GET', '/v1/invoices/INV-RPL-PAID')).body;
    assert.equal(invoice.status, 'on_hold');
    const hold = invoice.holds.find((candidate: { reason: string }) => candidate.reason === 'payment_claimed');
    assert.ok(hold, 'a payment_claimed hold');
    // paymentClaimDays (5) from the reply.
    assert.equal(hold.until, '2026-12-05T10:00:00.000Z');
    assert.deepEqual(invoice.nextAction, { type: 'hold', at: '2026-12-05T10:00:00.000Z' });
    const [event] = await replyEvents('INV-RPL-PAID');
    assert.equal(event?.class, 'payment_claimed');
    assert.equal(event?.language, 'de');
    assert.match(String(event?.firstLines), /^Wir haben die Rechnung gestern überwiesen\./);
    assert.equal(event?.from, 'ap-c-rpl-paid@kunde.example');
    assert.equal(event?.messageKey, 'inbound/ses-rpl-paid-1');
    // The raw message and the remittance advice, in the replies bucket (a folder of the data directory locally).
    assert.equal(readFileSync(join(server.dataDir, 'replies', 'inbound', 'ses-rpl-paid-1'), 'utf8'), raw);
    assert.deepEqual(event?.attachments, [
      { filename: 'Zahlungsavis.pdf', contentType: 'application/pdf', size: 21, key: 'attachments/ses-rpl-paid-1/1-Zahlungsavis.pdf' },
    ]);
    assert.equal(
      readFileSync(join(server.dataDir, 'replies', 'attachments', 'ses-rpl-paid-1', '1-Zahlungsavis.pdf'), 'utf8'),
      '%PDF-1.4 Zahlungsavis',
    );
    const tasks = await openTasks('INV-RPL-PAID');
    assert.deepEqual(
      tasks.map((task) => [task.taskId, task.reason, task.dueAt]),
      [['TSK.INV-RPL-PAID.reply-ses-rpl-paid-1', 'verify_payment', '2026-12-05T10:00:00.000Z']],
    );

    // The same SES message again (SES or Lambda delivers it twice): acted on once.
    const again = await inbound({ raw, messageId: 'ses-rpl-paid-1' });
    assert.equal(again.status, 202);
    assert.equal((await replyEvents('INV-RPL-PAID')).length, 1);
    const holds = (await server.api('GET', '/v1/invoices/INV-RPL-PAID')).body.holds as { reason: string }[];
    assert.equal(holds.filter((candidate) => candidate.reason === 'payment_claimed').length, 1);
    assert.equal((await openTasks('INV-RPL-PAID')).length, 1);

    // post-3 falls due on Friday 4 Dec: held. The hold ends Saturday 5 Dec, so it waits for Monday's business hours.
    await server.advance({ to: '2026-12-07T07:59:00Z' });
    assert.deepEqual(await steps('INV-RPL-PAID'), ['pre-3'], 'no reminder while the claim is checked');
    assert.ok((await timeline('INV-RPL-PAID')).some((entry) => entry.type === 'hold.released' && entry.reason === 'payment_claimed'));
    await server.advance({ to: '2026-12-07T08:00:00Z' });
    assert.deepEqual(await steps('INV-RPL-PAID'), ['pre-3', 'post-3'], 'dunning resumes once the hold ran out');
  });

  test('a forged address and a DKIM failure pause nothing and wait as unmatched; an auto-reply is recorded only; a quoted reminder does not count', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await ingest('INV-RPL-FORGED', 'C-RPL-FORGED');
    await ingest('INV-RPL-DKIM', 'C-RPL-DKIM');
    await ingest('INV-RPL-AUTO', 'C-RPL-AUTO');
    await ingest('INV-RPL-QUOTE', 'C-RPL-QUOTE', 'en-GB');
    await server.advance({ to: '2026-11-30T10:00:00Z' });

    // Forged: a well-formed code whose tag no key of the keyring made.
    const genuine = await replyToOf('INV-RPL-FORGED');
    const forgedCode = genuine.slice(2, 22) + (genuine.slice(22, 32) === '0000000000' ? '1111111111' : '0000000000');
    const forged = await inbound({
      raw: replyMessage({ to: `r+${forgedCode}@replies.dunwell.local`, body: 'Wir haben die Rechnung bereits bezahlt.' }),
      messageId: 'ses-rpl-forged',
    });
    assert.equal(forged.status, 202);
    assert.deepEqual([forged.body.outcome.kind, forged.body.outcome.reason], ['unmatched', 'bad_signature']);

    // DKIM FAIL on a genuine address.
    const dkim = await inbound({
      raw: replyMessage({ to: await replyToOf('INV-RPL-DKIM'), body: 'Wir haben die Rechnung gestern überwiesen.' }),
      verdicts: { dkim: 'FAIL' },
      messageId: 'ses-rpl-dkim',
    });
    assert.deepEqual([dkim.body.outcome.kind, dkim.body.outcome.reason], ['unmatched', 'verdicts']);

    // A collector reads the queue in the console: both, why each was not acted on, and the invoice a genuine address names.
    const collector = await ConsoleClient.signIn(server.url, 'collector');
    const queue = await collector.get('/console/replies');
    assert.equal(queue.status, 200, queue.html);
    // Compact tables leave their rows' end tags implied: a row runs to the next <tr>.
    const rows = queue.html.split('<tr>').filter((row) => row.includes('<td'));
    assert.equal(rows.length, 2);
    const failedChecks = rows.find((row) => row.includes('Failed spam, virus or sender checks')) ?? '';
    assert.match(failedChecks, /href="\/console\/invoices\/INV-RPL-DKIM"/, 'the invoice its genuine address names');
    const forgedRow = rows.find((row) => row.includes('Forged or altered reply address')) ?? '';
    assert.match(forgedRow, /Wir haben die Rechnung bereits bezahlt/);
    assert.doesNotMatch(forgedRow, /href="\/console\/invoices\//, 'a forged address names no invoice');
    assert.equal((await collector.get('/console/replies?cursor=forged')).status, 400);

    // An out-of-office: recorded on the timeline, nothing paused, no task.
    const auto = await inbound({
      raw: replyMessage({
        to: await replyToOf('INV-RPL-AUTO'),
        subject: 'Automatische Antwort: Zahlungserinnerung',
        headers: ['Auto-Submitted: auto-replied'],
        body: 'Ich bin bis zum 14.12. nicht im Büro. Wir haben die Rechnung bezahlt, sobald ich zurück bin.',
      }),
      messageId: 'ses-rpl-auto',
    });
    assert.deepEqual([auto.body.outcome.kind, auto.body.outcome.class], ['matched', 'auto_reply']);

    // The customer's own words say "paid"; the quoted reminder under them says "please pay by 1 December".
    const quotedReminder = (await server.outbox('INV-RPL-QUOTE'))[0]?.text ?? '';
    assert.match(quotedReminder, /pay/i);
    const quote = await inbound({
      raw: replyMessage({
        to: await replyToOf('INV-RPL-QUOTE'),
        subject: 'Re: Payment reminder',
        body: `We transferred the full amount yesterday.\n\nOn Mon, 30 Nov 2026 at 09:00, Dunwell Demo Ltd <billing@dunwell.local> wrote:\n${quotedReminder
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n')}\n> Please pay now.`,
      }),
      messageId: 'ses-rpl-quote',
    });
    assert.deepEqual([quote.body.outcome.kind, quote.body.outcome.class], ['matched', 'payment_claimed']);
    const [quoted] = await replyEvents('INV-RPL-QUOTE');
    assert.equal(quoted?.firstLines, 'We transferred the full amount yesterday.');

    for (const invoiceId of ['INV-RPL-FORGED', 'INV-RPL-DKIM', 'INV-RPL-AUTO']) {
      const invoice = (await server.api('GET', `/v1/invoices/${invoiceId}`)).body;
      assert.equal(invoice.status, 'open', `${invoiceId}: nothing paused`);
      assert.deepEqual(invoice.holds, [], `${invoiceId}: no hold`);
      assert.deepEqual(await openTasks(invoiceId), [], `${invoiceId}: no task`);
    }
    assert.deepEqual(await replyEvents('INV-RPL-FORGED'), []);
    assert.deepEqual(await replyEvents('INV-RPL-DKIM'), []);
    assert.deepEqual(
      (await replyEvents('INV-RPL-AUTO')).map((event) => [event.class, event.effect]),
      [['auto_reply', 'none']],
    );

    const unmatched = await server.api('GET', '/v1/replies?status=unmatched');
    assert.equal(unmatched.status, 200);
    const byId = new Map(
      (unmatched.body.items as { sesMessageId: string; [key: string]: unknown }[]).map((item) => [item.sesMessageId, item]),
    );
    assert.deepEqual([...byId.keys()].sort(), ['ses-rpl-dkim', 'ses-rpl-forged']);
    assert.equal(byId.get('ses-rpl-forged')?.reason, 'bad_signature');
    assert.equal(byId.get('ses-rpl-forged')?.invoiceIds, undefined, 'a forged address names no invoice');
    assert.equal(byId.get('ses-rpl-dkim')?.reason, 'verdicts');
    assert.match(String(byId.get('ses-rpl-dkim')?.detail), /DKIM FAIL/);
    assert.deepEqual(
      byId.get('ses-rpl-dkim')?.invoiceIds,
      ['INV-RPL-DKIM'],
      'a genuine address refused for its verdicts names its invoice',
    );
    assert.equal(byId.get('ses-rpl-dkim')?.firstLines, 'Wir haben die Rechnung gestern überwiesen.');

    // The KPIs count replies by class (the lake's reply.received rows): the quoted one and the auto-reply.
    await server.local('POST', '/_local/exports/flush');
    const kpis = await server.api('GET', '/v1/reports/kpis?from=2026-11-01&to=2026-11-30&currency=EUR');
    assert.equal(kpis.status, 200);
    assert.deepEqual(kpis.body.replies, { payment_claimed: 1, dispute: 0, promise: 0, auto_reply: 1, other: 0 });

    // Dunning goes on for all three: post-3 on Friday 4 Dec.
    await server.advance({ to: '2026-12-04T09:00:00Z' });
    for (const invoiceId of ['INV-RPL-FORGED', 'INV-RPL-DKIM', 'INV-RPL-AUTO']) {
      assert.deepEqual(await steps(invoiceId), ['pre-3', 'post-3'], `${invoiceId}: dunning went on`);
    }
    assert.deepEqual(await steps('INV-RPL-QUOTE'), ['pre-3'], 'the paid claim holds');
  });

  test('a dispute in the customer’s words; a promised date; anything else is a task while dunning goes on; the local control checks its body', async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    await ingest('INV-RPL-DSP', 'C-RPL-DSP', 'fr-FR');
    await ingest('INV-RPL-OTHER', 'C-RPL-OTHER', 'es-ES');
    await ingest('INV-RPL-PRM', 'C-RPL-PRM', 'en-GB');
    await server.advance({ to: '2026-11-30T10:00:00Z' });

    // A date in the reply: a promise for that day, and reminders wait for it.
    const promise = await inbound({
      raw: replyMessage({
        to: await replyToOf('INV-RPL-PRM'),
        subject: 'RE: Payment reminder',
        body: 'Hello,\n\nwe will pay this invoice on 10 December.\n\nKind regards\nAccounts',
      }),
    });
    assert.deepEqual([promise.body.outcome.kind, promise.body.outcome.class], ['matched', 'promise']);
    const promised = (await server.api('GET', '/v1/invoices/INV-RPL-PRM')).body;
    assert.equal(promised.status, 'on_hold');
    const made = (promised.timeline as { type: string; promisedDate?: string }[]).find((event) => event.type === 'promise.made');
    assert.equal(made?.promisedDate, '2026-12-10');

    const dispute = await inbound({
      raw: replyMessage({
        to: await replyToOf('INV-RPL-DSP'),
        subject: 'RE: Rappel de paiement',
        body: 'Nous contestons cette facture : le prix ne correspond pas au devis.',
      }),
    });
    assert.deepEqual([dispute.body.outcome.kind, dispute.body.outcome.class], ['matched', 'dispute']);
    const disputed = (await server.api('GET', '/v1/invoices/INV-RPL-DSP')).body;
    assert.equal(disputed.status, 'on_hold');
    const opened = (disputed.timeline as { type: string; reason?: string; note?: string }[]).find(
      (event) => event.type === 'dispute.opened',
    );
    assert.equal(opened?.reason, 'other');
    assert.equal(opened?.note, 'Nous contestons cette facture : le prix ne correspond pas au devis.');

    const other = await inbound({
      raw: replyMessage({ to: await replyToOf('INV-RPL-OTHER'), body: '¿Pueden enviarnos una copia de la factura, por favor?' }),
    });
    assert.deepEqual([other.body.outcome.kind, other.body.outcome.class], ['matched', 'other']);
    assert.deepEqual(
      (await openTasks('INV-RPL-OTHER')).map((task) => task.reason),
      ['reply_received'],
    );

    await server.advance({ to: '2026-12-04T09:00:00Z' });
    assert.deepEqual(await steps('INV-RPL-OTHER'), ['pre-3', 'post-3'], 'dunning goes on after a reply nobody could act on automatically');
    assert.deepEqual(await steps('INV-RPL-DSP'), ['pre-3'], 'the dispute holds');
    assert.deepEqual(await steps('INV-RPL-PRM'), ['pre-3'], 'the promise holds until its day');

    const missing = await inbound({});
    assert.equal(missing.status, 400);
    assert.deepEqual(
      (missing.body.errors as { path: string }[]).map((error) => error.path),
      ['raw'],
    );
    const badVerdict = await inbound({ raw: replyMessage({ to: 'r+00@replies.dunwell.local', body: 'x' }), verdicts: { dkim: 'MAYBE' } });
    assert.equal(badVerdict.status, 400);
    assert.deepEqual(
      (badVerdict.body.errors as { path: string }[]).map((error) => error.path),
      ['verdicts.dkim'],
    );
    const elsewhere = await inbound({ raw: replyMessage({ to: 'billing@dunwell.local', body: 'Hallo' }) });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.body.errors[0].message, /replies\.dunwell\.local/);
  });
});

/** A reply as a mail client would send it (RFC 5322, CRLF line ends, UTF-8 text), with an attachment when given. */
function replyMessage(message: {
  to: string;
  from?: string;
  subject?: string;
  headers?: readonly string[];
  body: string;
  attachment?: { filename: string; contentType: string; content: Buffer };
}): string {
  const text = message.body.replace(/\r?\n/g, '\r\n');
  const { attachment } = message;
  const content = attachment
    ? [
        'Content-Type: multipart/mixed; boundary="reply-part"',
        '',
        '--reply-part',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        text,
        '--reply-part',
        `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
        `Content-Disposition: attachment; filename="${attachment.filename}"`,
        'Content-Transfer-Encoding: base64',
        '',
        attachment.content.toString('base64'),
        '--reply-part--',
        '',
      ]
    : ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', ...(message.headers ?? []), '', text];
  return [
    `From: Kunde <${message.from ?? 'ap@kunde.example'}>`,
    `To: ${message.to}`,
    `Subject: ${message.subject ?? 'AW: Zahlungserinnerung'}`,
    'Date: Mon, 30 Nov 2026 11:00:00 +0100',
    `Message-ID: <${randomUUID()}@kunde.example>`,
    'MIME-Version: 1.0',
    ...(attachment ? (message.headers ?? []) : []),
    ...content,
  ].join('\r\n');
}
