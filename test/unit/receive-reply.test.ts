import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'vitest';
import { parseReply } from '#adapters/parse-reply.ts';
import type { ReplyReceipt } from '#contracts/replies.ts';
import { replyMessageKey } from '#contracts/replies.ts';
import type { Invoice } from '#domain/invoice.ts';
import { parseKeyring } from '#domain/pay-link.ts';
import { type ReplyVerdicts, verdictProblem } from '#domain/replies/received.ts';
import { mintReplyRoute, replyAddress } from '#domain/reply-address.ts';
import { receiveReply } from '#use-cases/receive-reply.ts';
import {
  InMemoryInvoiceStore,
  InMemoryReplyMailbox,
  InMemoryReplyRoutes,
  InMemoryTaskStore,
  InMemoryUnmatchedReplies,
  RecordingCollectors,
  RecordingEvents,
  RecordingLog,
  SettableClock,
} from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

const DOMAIN = 'replies.example.com';
const keyring = parseKeyring(JSON.stringify({ current: 'k1', k1: 'the-reply-key-0123456789abcdef' }));
const PASS: ReplyVerdicts = { spf: 'PASS', dkim: 'PASS', spam: 'PASS', virus: 'PASS' };

describe('receiving a reply', () => {
  let store: InMemoryInvoiceStore;
  let tasks: InMemoryTaskStore;
  let routes: InMemoryReplyRoutes;
  let unmatched: InMemoryUnmatchedReplies;
  let mailbox: InMemoryReplyMailbox;
  let events: RecordingEvents;
  let collectors: RecordingCollectors;
  let clock: SettableClock;
  let deps: Parameters<typeof receiveReply>[0];

  beforeEach(() => {
    store = new InMemoryInvoiceStore();
    tasks = new InMemoryTaskStore();
    routes = new InMemoryReplyRoutes();
    unmatched = new InMemoryUnmatchedReplies();
    mailbox = new InMemoryReplyMailbox();
    events = new RecordingEvents();
    collectors = new RecordingCollectors();
    clock = new SettableClock('2026-11-30T10:00:00Z');
    deps = {
      store,
      clock,
      events,
      log: new RecordingLog(),
      tasks,
      collectors,
      routes,
      unmatched,
      mailbox,
      parse: (raw) => parseReply(raw),
      keyring: async () => keyring,
      replyDomain: DOMAIN,
    };
  });

  const seed = (invoiceId: string, locale = 'de-DE'): Invoice =>
    store.seed(newInvoice({ invoiceId, customer: { customerId: 'C-RPL', locale } }));
  /** A stored route for a message about these invoices, and its address. */
  const addressFor = async (...invoiceIds: string[]): Promise<string> => {
    const route = mintReplyRoute(keyring, { invoiceIds, customerId: 'C-RPL', step: 'pre-3', sentAt: '2026-11-30T08:00:00.000Z' });
    await routes.create(route);
    return replyAddress(route.code, DOMAIN);
  };
  const receipt = (to: string, sesMessageId = 'ses-1', verdicts: ReplyVerdicts = PASS): ReplyReceipt => ({
    sesMessageId,
    receivedAt: clock.now().toISOString(),
    recipients: [to],
    verdicts,
    messageKey: replyMessageKey(sesMessageId),
  });
  const receive = (to: string, body: string, options: { sesMessageId?: string; verdicts?: ReplyVerdicts; extra?: string[] } = {}) =>
    receiveReply(deps, receipt(to, options.sesMessageId, options.verdicts), Buffer.from(message(to, body, options.extra)));
  const replyEvents = (invoiceId: string) => store.current(invoiceId).timeline.filter((event) => event.type === 'reply.received');

  test('a paid claim: recorded, a payment_claimed hold for paymentClaimDays, a verify_payment task due when it ends, and a re-plan signal', async () => {
    seed('INV-1');
    const to = await addressFor('INV-1');
    const outcome = await receive(to, 'Wir haben die Rechnung gestern überwiesen.\n\nMit freundlichen Grüßen');
    assert.deepEqual(outcome, {
      kind: 'matched',
      class: 'payment_claimed',
      invoices: [{ invoiceId: 'INV-1', effect: 'payment_claimed_hold', taskId: 'TSK.INV-1.reply-ses-1' }],
    });
    const invoice = store.current('INV-1');
    assert.deepEqual(
      invoice.holds?.map((hold) => [hold.holdId, hold.reason, hold.status, hold.until, hold.note]),
      // The note: the reply's first lines, as the timeline shows them.
      [
        [
          'HLD.INV-1.1',
          'payment_claimed',
          'active',
          '2026-12-05T10:00:00.000Z',
          'Wir haben die Rechnung gestern überwiesen.\nMit freundlichen Grüßen',
        ],
      ],
    );
    const types = invoice.timeline.map((event) => event.type);
    assert.deepEqual(types.slice(-3), ['reply.received', 'hold.placed', 'task.opened'], 'the reply first, then what it did');
    const [event] = replyEvents('INV-1');
    assert.equal(event?.class, 'payment_claimed');
    assert.equal(event?.language, 'de');
    assert.equal(event?.effect, 'payment_claimed_hold');
    assert.equal(event?.holdId, 'HLD.INV-1.1');
    assert.equal(event?.messageKey, 'inbound/ses-1');
    assert.equal(event?.from, 'kunde@acme.example');
    assert.deepEqual(event?.task, { reason: 'verify_payment', deadlineDays: 5 });
    const [task] = tasks.all();
    assert.deepEqual([task?.reason, task?.dueAt, task?.kind], ['verify_payment', '2026-12-05T10:00:00.000Z', 'call']);
    assert.equal(collectors.published.length, 1, 'collectors are told');
    assert.deepEqual(
      events.published.map((published) => published.detailType),
      ['invoice.changed'],
      'the execution re-plans at once, as when the API places a hold',
    );
    assert.equal(unmatched.replies.size, 0);
  });

  test('the same SES message again changes nothing: one event, one hold, one task, one signal', async () => {
    seed('INV-1');
    const to = await addressFor('INV-1');
    await receive(to, 'We paid this invoice yesterday.');
    const again = await receive(to, 'We paid this invoice yesterday.');
    assert.deepEqual(again, {
      kind: 'matched',
      class: 'payment_claimed',
      invoices: [{ invoiceId: 'INV-1', effect: 'already_recorded', taskId: 'TSK.INV-1.reply-ses-1' }],
    });
    assert.equal(replyEvents('INV-1').length, 1);
    assert.equal(store.current('INV-1').holds?.length, 1);
    assert.equal(tasks.all().length, 1);
    assert.equal(collectors.published.length, 1);
    assert.equal(events.published.length, 1);
  });

  test('a crash after the write and before the task: the redelivery opens the task, once', async () => {
    seed('INV-1');
    const to = await addressFor('INV-1');
    collectors.failNext = new Error('SNS is down');
    await assert.rejects(receive(to, 'We paid this invoice yesterday.'), /SNS is down/);
    assert.equal(replyEvents('INV-1').length, 1, 'the reply and its hold are recorded');
    await receive(to, 'We paid this invoice yesterday.');
    assert.equal(tasks.all().length, 1);
    assert.equal(collectors.published.length, 1);
    assert.ok(store.current('INV-1').timeline.some((event) => event.type === 'task.opened'));
  });

  test('a reply to a combined reminder acts on each of its open invoices', async () => {
    seed('INV-1');
    seed('INV-2');
    store.seed({ ...newInvoice({ invoiceId: 'INV-3', customer: { customerId: 'C-RPL' } }), status: 'paid' });
    const to = await addressFor('INV-1', 'INV-2', 'INV-3');
    const outcome = await receive(to, 'Both invoices were paid on Friday.');
    assert.equal(outcome.kind, 'matched');
    assert.deepEqual(
      outcome.kind === 'matched' ? outcome.invoices.map((entry) => entry.invoiceId) : [],
      ['INV-1', 'INV-2'],
      'a paid invoice is left alone',
    );
    assert.deepEqual(
      tasks
        .all()
        .map((task) => task.taskId)
        .sort(),
      ['TSK.INV-1.reply-ses-1', 'TSK.INV-2.reply-ses-1'],
    );
    assert.deepEqual(replyEvents('INV-3'), []);
  });

  test('a dispute keeps the customer’s words, not the quoted reminder; an open dispute stays the one', async () => {
    seed('INV-1', 'en-GB');
    const to = await addressFor('INV-1');
    const body =
      'We dispute this invoice: the hours are wrong.\n\nOn Mon, 30 Nov 2026 at 09:00, Dunwell <billing@example.com> wrote:\n> Please pay 1,250.00 EUR by 1 December.';
    await receive(to, body);
    const invoice = store.current('INV-1');
    const dispute = invoice.holds?.find((hold) => hold.reason === 'dispute');
    assert.deepEqual(
      [dispute?.holdId, dispute?.dispute?.reasonCode, dispute?.note],
      ['DSP.INV-1.1', 'other', 'We dispute this invoice: the hours are wrong.'],
    );
    assert.deepEqual(tasks.all(), [], 'a dispute is its own hand-over (the dispute queue)');
    await receive(to, 'We dispute this invoice: the hours are still wrong.', { sesMessageId: 'ses-2' });
    assert.equal(store.current('INV-1').holds?.filter((hold) => hold.reason === 'dispute').length, 1);
    assert.deepEqual(
      replyEvents('INV-1').map((event) => [event.class, event.effect, event.holdId]),
      [
        ['dispute', 'dispute', 'DSP.INV-1.1'],
        ['dispute', 'none', 'DSP.INV-1.1'],
      ],
    );
  });

  test('a promise with a date becomes a promise; a date outside the policy’s window leaves it to a person', async () => {
    seed('INV-1', 'en-GB');
    const to = await addressFor('INV-1');
    await receive(to, 'We will pay on 10 December 2026.');
    const promise = store.current('INV-1').holds?.find((hold) => hold.reason === 'promise');
    assert.equal(promise?.promise?.promisedDate, '2026-12-10');

    seed('INV-2', 'en-GB');
    const far = await addressFor('INV-2');
    // The classifier takes dates up to 180 days ahead; the default policy's maxPromiseDays is shorter.
    await receive(far, 'We will pay on 15 April 2027.', { sesMessageId: 'ses-2' });
    const [event] = replyEvents('INV-2');
    assert.equal(event?.class, 'promise');
    assert.equal(event?.effect, 'none');
    assert.match(String(event?.refused), /promisedDate/);
    assert.deepEqual(store.current('INV-2').holds ?? [], []);
    assert.deepEqual(
      tasks.all().map((task) => task.reason),
      ['reply_received'],
    );
  });

  test('an auto-reply is recorded only; anything else opens a reply_received task and pauses nothing', async () => {
    seed('INV-1');
    seed('INV-2');
    await receive(await addressFor('INV-1'), 'Ich bin bis 14.12. nicht im Büro.', { extra: ['Auto-Submitted: auto-replied'] });
    await receive(await addressFor('INV-2'), 'Können Sie uns die Rechnung noch einmal schicken?', { sesMessageId: 'ses-2' });
    assert.deepEqual(
      replyEvents('INV-1').map((event) => [event.class, event.effect, event.task]),
      [['auto_reply', 'none', undefined]],
    );
    assert.deepEqual(
      replyEvents('INV-2').map((event) => [event.class, event.effect]),
      [['other', 'none']],
    );
    assert.deepEqual(
      tasks.all().map((task) => [task.invoiceId, task.reason]),
      [['INV-2', 'reply_received']],
    );
    assert.deepEqual(store.current('INV-1').holds ?? [], []);
    assert.deepEqual(store.current('INV-2').holds ?? [], []);
    assert.equal(store.current('INV-2').status, 'open');
  });

  test('attachments are kept under attachments/<id>/ and listed on the event', async () => {
    seed('INV-1', 'en-GB');
    const to = await addressFor('INV-1');
    const raw = multipart(
      to,
      'Payment sent yesterday, remittance advice attached.',
      'Remittance advice.pdf',
      Buffer.from('%PDF-1.4 advice'),
    );
    await receiveReply(deps, receipt(to), Buffer.from(raw));
    const [event] = replyEvents('INV-1');
    assert.deepEqual(event?.attachments, [
      { filename: 'Remittance advice.pdf', contentType: 'application/pdf', size: 15, key: 'attachments/ses-1/1-Remittance advice.pdf' },
    ]);
    assert.equal(mailbox.objects.get('attachments/ses-1/1-Remittance advice.pdf')?.content.toString(), '%PDF-1.4 advice');
  });

  describe('what pauses nothing and waits as unmatched', () => {
    test('a forged code: refused offline, before any read of the routes', async () => {
      seed('INV-1');
      const genuine = await addressFor('INV-1');
      const code = genuine.slice(2, 32);
      const forged = `r+${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}@${DOMAIN}`;
      const outcome = await receive(forged, 'We paid.');
      assert.deepEqual(outcome, {
        kind: 'unmatched',
        reason: 'bad_signature',
        detail: "the reply address's code is bad signature",
        repeated: false,
      });
      assert.equal(routes.getCount, 0);
      assert.deepEqual(replyEvents('INV-1'), []);
      const kept = unmatched.replies.get('ses-1');
      assert.deepEqual(
        [kept?.reason, kept?.firstLines, kept?.class, kept?.invoiceIds],
        ['bad_signature', 'We paid.', 'payment_claimed', undefined],
      );
    });

    test('a genuine-looking code without its route, and a stored route whose seal broke', async () => {
      seed('INV-1');
      const unknown = mintReplyRoute(keyring, {
        invoiceIds: ['INV-1'],
        customerId: 'C-RPL',
        step: 'pre-3',
        sentAt: '2026-11-30T08:00:00.000Z',
      });
      assert.equal((await receive(replyAddress(unknown.code, DOMAIN), 'We paid.')).kind, 'unmatched');
      assert.equal(unmatched.replies.get('ses-1')?.reason, 'unknown_route');

      seed('INV-OTHER');
      const to = await addressFor('INV-1');
      const code = to.slice(2, 32);
      const stored = routes.routes.get(code);
      assert.ok(stored);
      routes.routes.set(code, { ...stored, invoiceIds: ['INV-OTHER'] });
      const outcome = await receive(to, 'We paid.', { sesMessageId: 'ses-2' });
      assert.deepEqual([outcome.kind, outcome.kind === 'unmatched' ? outcome.reason : ''], ['unmatched', 'unknown_route']);
      assert.deepEqual(replyEvents('INV-OTHER'), []);
    });

    test('failed verdicts: nothing done, the invoices the genuine address names are listed for the person', async () => {
      seed('INV-1');
      const to = await addressFor('INV-1');
      const outcome = await receive(to, 'Wir haben bezahlt.', { verdicts: { ...PASS, dkim: 'FAIL' } });
      assert.deepEqual(outcome, { kind: 'unmatched', reason: 'verdicts', detail: 'DKIM FAIL', repeated: false });
      assert.deepEqual(unmatched.replies.get('ses-1')?.invoiceIds, ['INV-1']);
      assert.deepEqual(store.current('INV-1').holds ?? [], []);
      assert.deepEqual(tasks.all(), []);
      assert.deepEqual(events.published, []);
    });

    test('no reply address among the recipients, an unreadable message, invoices all closed; a redelivery is kept once', async () => {
      const outcome = await receive(`billing@${DOMAIN}`, 'Hello');
      assert.deepEqual([outcome.kind, outcome.kind === 'unmatched' ? outcome.reason : ''], ['unmatched', 'no_reply_address']);

      const tooLarge = await receiveReply(
        { ...deps, parse: (raw) => parseReply(raw, { maxRawBytes: 10 }) },
        receipt('x', 'ses-2'),
        Buffer.from('0123456789ABC'),
      );
      assert.deepEqual([tooLarge.kind, tooLarge.kind === 'unmatched' ? tooLarge.reason : ''], ['unmatched', 'unreadable']);

      store.seed({ ...newInvoice({ invoiceId: 'INV-PAID', customer: { customerId: 'C-RPL' } }), status: 'paid' });
      const to = await addressFor('INV-PAID');
      const closed = await receive(to, 'We paid.', { sesMessageId: 'ses-3' });
      assert.deepEqual([closed.kind, closed.kind === 'unmatched' ? closed.reason : ''], ['unmatched', 'invoices_closed']);
      assert.deepEqual(unmatched.replies.get('ses-3')?.invoiceIds, ['INV-PAID']);

      const again = await receive(to, 'We paid.', { sesMessageId: 'ses-3' });
      assert.deepEqual(again.kind === 'unmatched' ? again.repeated : undefined, true);
      assert.equal(unmatched.replies.size, 3);
    });
  });
});

describe('SES verdicts: act only on what SES vouches for', () => {
  const cases: [string, ReplyVerdicts, string | undefined][] = [
    ['all PASS', PASS, undefined],
    ['DKIM GRAY (unsigned), SPF PASS', { ...PASS, dkim: 'GRAY' }, undefined],
    ['SPF GRAY (forwarded), DKIM PASS', { ...PASS, spf: 'GRAY' }, undefined],
    ['DKIM FAIL', { ...PASS, dkim: 'FAIL' }, 'DKIM FAIL'],
    ['SPF FAIL', { ...PASS, spf: 'FAIL' }, 'SPF FAIL'],
    ['DMARC FAIL', { ...PASS, dmarc: 'FAIL' }, 'DMARC FAIL'],
    [
      'neither SPF nor DKIM passed',
      { ...PASS, spf: 'GRAY', dkim: 'PROCESSING_FAILED' },
      'neither SPF (GRAY) nor DKIM (PROCESSING_FAILED) passed',
    ],
    ['spam FAIL', { ...PASS, spam: 'FAIL' }, 'spam verdict FAIL'],
    ['spam GRAY', { ...PASS, spam: 'GRAY' }, 'spam verdict GRAY'],
    ['virus FAIL', { ...PASS, virus: 'FAIL' }, 'virus verdict FAIL'],
    ['virus scan off', { ...PASS, virus: 'DISABLED' }, 'virus verdict DISABLED'],
  ];
  for (const [name, verdicts, problem] of cases) {
    test(name, () => assert.equal(verdictProblem(verdicts), problem));
  }
});

/** A plain-text reply (RFC 5322, CRLF line ends). */
function message(to: string, body: string, extra: readonly string[] = []): string {
  return [
    'From: Kunde <kunde@acme.example>',
    `To: ${to}`,
    'Subject: Re: Payment reminder',
    'Date: Mon, 30 Nov 2026 11:00:00 +0100',
    'Message-ID: <reply-1@acme.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...extra,
    '',
    body.replace(/\r?\n/g, '\r\n'),
  ].join('\r\n');
}

/** A reply with one attachment (multipart/mixed). */
function multipart(to: string, body: string, filename: string, content: Buffer): string {
  return [
    'From: Kunde <kunde@acme.example>',
    `To: ${to}`,
    'Subject: Re: Payment reminder',
    'Date: Mon, 30 Nov 2026 11:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '--b1',
    `Content-Type: application/pdf; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    content.toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
}
