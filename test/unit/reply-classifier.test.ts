import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { type AutoReplyHeaders, classifyReply, type ReplyKind, readDates } from '#domain/replies/classify.ts';
import { newText } from '#domain/replies/new-text.ts';
import { foldForMatching, phrases, replyLanguages } from '#domain/replies/phrases.ts';

// Monday 7 December 2026, the day the reminders below went out and the replies came back.
const today = '2026-12-07';

// The reminders customers reply to, quoted the way their mail clients quote them. Each says
// "pay", a date and "dispute" in its own words: only the text above may decide.
const quotedEn = `
On Mon, 7 Dec 2026 at 09:12, Acme Billing <reminders@dunwell.example> wrote:
> Dear customer,
> invoice INV-1001 over EUR 1,250.00 was due on 30 November 2026.
> Please pay by 15 December 2026. If you dispute this invoice, tell us why.
> We have not received your payment yet. We have already paid you our thanks.`;

const outlookEn = `
________________________________
From: Acme Billing <reminders@dunwell.example>
Sent: Monday, December 7, 2026 9:12 AM
To: AP Team <ap@customer.example>
Subject: Payment reminder: invoice INV-1001

Dear customer, please pay invoice INV-1001 by 15 December 2026.
The invoice is wrong? Reply and we will pay attention to it.`;

const quotedDe = `
Am 07.12.2026 um 09:12 schrieb Acme Buchhaltung <erinnerung@dunwell.example>:
> Sehr geehrte Damen und Herren,
> die Rechnung R-1001 über 1.250,00 EUR war am 30.11.2026 fällig.
> Bitte überweisen Sie den Betrag bis zum 15.12.2026. Falls die Rechnung
> fehlerhaft ist, legen Sie bitte Widerspruch ein. Wir haben bereits bezahlt? Dann danke.`;

const outlookDe = `
-----Ursprüngliche Nachricht-----
Von: Acme Buchhaltung <erinnerung@dunwell.example>
Gesendet: Montag, 7. Dezember 2026 09:12
An: Buchhaltung <buchhaltung@kunde.example>
Betreff: Zahlungserinnerung R-1001

Bitte überweisen Sie den Betrag bis zum 15.12.2026. Die Rechnung ist falsch? Widerspruch bitte hier.`;

const quotedFr = `
Le lun. 7 déc. 2026 à 09:12, Acme Facturation <relance@dunwell.example> a écrit :
> Madame, Monsieur,
> la facture F-1001 de 1 250,00 EUR était due le 30/11/2026.
> Merci de régler avant le 15/12/2026. Si vous contestez cette facture, répondez-nous.
> Si vous avez déjà payé, merci de ne pas tenir compte de ce message.`;

const quotedEs = `
El lun, 7 dic 2026 a las 9:12, Acme Facturación (<recordatorio@dunwell.example>)
escribió:
> Estimado cliente:
> la factura F-1001 de 1.250,00 EUR venció el 30/11/2026.
> Por favor, pague antes del 15/12/2026. Si la factura es incorrecta, contéstenos.
> Si ya ha pagado, ignore este mensaje.`;

interface Row {
  readonly name: string;
  readonly text: string;
  readonly subject?: string;
  readonly headers?: AutoReplyHeaders;
  readonly locale?: string;
  readonly kind: ReplyKind;
  readonly promisedDate?: string;
  /** Must never be misclassified: automatic replies, and replies whose only signal is quoted. */
  readonly strict?: 'auto_reply' | 'quoted_only';
}

const rows: readonly Row[] = [
  // English
  {
    name: 'en paid on a past date, reminder quoted',
    text: `Hi,\n\nwe paid this invoice on 2 December, please check your account.\n\nBest regards,\nTom Baker\nAccounts Payable${quotedEn}`,
    kind: 'payment_claimed',
  },
  { name: 'en typos: allready payed', text: 'Hello, We have allready payed the invoice last week. Regards, Sam', kind: 'payment_claimed' },
  {
    name: 'en payment was made yesterday, remittance attached',
    text: 'Dear Sir or Madam,\nPayment was made yesterday, remittance advice attached.\nKind regards\nLiz',
    kind: 'payment_claimed',
  },
  {
    name: 'en charged twice, Outlook block underneath',
    text: `Hi there,\nthis invoice is wrong - we were charged twice for the same delivery.\nPlease send a corrected invoice.\n\nJane${outlookEn}`,
    kind: 'dispute',
  },
  {
    name: 'en never received the goods',
    text: "Hello,\nwe never recieved the goods from order PO-5512, so we won't pay for them.\n--\nMike Jones | Purchasing",
    kind: 'dispute',
  },
  {
    name: 'en promise with a date, iPhone footer, quoted',
    text: `Hello,\nwe will pay on 15 December.\nThanks, Mark\n\nSent from my iPhone${quotedEn}`,
    kind: 'promise',
    promisedDate: '2026-12-15',
  },
  {
    name: 'en promise by Friday',
    text: "Sorry for the delay! We'll settle the balance by Friday.",
    kind: 'promise',
    promisedDate: '2026-12-11',
  },
  { name: 'en-US month first', text: 'We will pay on 12/15, thanks.', locale: 'en-US', kind: 'promise', promisedDate: '2026-12-15' },
  { name: 'en-GB day first', text: 'We will pay on 18/12/2026.', locale: 'en-GB', kind: 'promise', promisedDate: '2026-12-18' },
  { name: 'en not paid yet, next week', text: 'We have NOT paid yet, our payment run is next week.', kind: 'other' },
  { name: 'en promise on a past date', text: 'We will pay on 1 December 2026.', kind: 'other' },
  { name: 'en thanks only, reminder quoted', text: `Thanks for the reminder, noted.${quotedEn}`, kind: 'other', strict: 'quoted_only' },
  { name: 'en please call me', text: 'Please call me on +44 20 7946 0000 to discuss this.\n\nRegards,\nPriya', kind: 'other' },
  { name: 'en paid and disputed', text: 'We paid on 1 December, but the amount on the invoice is wrong.', kind: 'other' },
  { name: 'en asking whether paid', text: 'Can you confirm whether we already paid this?', kind: 'other' },
  {
    name: 'en forwarded to AP, Outlook block says pay',
    text: `Forwarding to our AP department.${outlookEn}`,
    kind: 'other',
    strict: 'quoted_only',
  },
  {
    name: 'en out of office by header',
    text: 'Thank you for your email. I will read it when I can.',
    subject: 'Re: Payment reminder: invoice INV-1001',
    headers: { autoSubmitted: 'auto-replied' },
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'en out of office by subject',
    text: "I'm away until Monday and will pay all invoices when I'm back on 14 December.",
    subject: 'Out of Office: Payment reminder: invoice INV-1001',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'en automatic reply by body only',
    text: 'I am currently out of the office until 14 December with limited access to email.',
    subject: 'Re: Payment reminder',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  // German
  {
    name: 'de bereits am 01.12.2026 bezahlt, quoted',
    text: `Sehr geehrte Damen und Herren,\n\ndie Rechnung wurde bereits am 01.12.2026 bezahlt.\n\nMit freundlichen Grüßen\nJürgen Müller${quotedDe}`,
    kind: 'payment_claimed',
  },
  {
    name: 'de gestern überwiesen, iPhone footer',
    text: `Hallo,\nwir haben den Betrag gestern überwiesen.\nGruß Petra\n\nVon meinem iPhone gesendet${quotedDe}`,
    kind: 'payment_claimed',
  },
  { name: 'de Zahlung ist erfolgt', text: 'Die Zahlung ist erfolgt.', kind: 'payment_claimed' },
  { name: 'de ueberwiesen without umlaut', text: 'Hallo, haben gestern ueberwiesen. Gruss', kind: 'payment_claimed' },
  {
    name: 'de Betrag stimmt nicht, Widerspruch',
    text: 'Guten Tag,\nder Betrag stimmt nicht, laut Angebot waren es 1.100,00 EUR. Wir legen Widerspruch ein.',
    kind: 'dispute',
  },
  { name: 'de nicht bestellt', text: 'Diese Ware haben wir nicht bestellt!', kind: 'dispute' },
  {
    name: 'de Guten Morgen is not tomorrow, bis zum 15.12.',
    text: `Guten Morgen,\nwir überweisen bis zum 15.12.\nViele Grüße${outlookDe}`,
    kind: 'promise',
    promisedDate: '2026-12-15',
  },
  {
    name: 'de werden am 18. Dezember begleichen',
    text: 'Wir werden die Rechnung am 18. Dezember begleichen.',
    kind: 'promise',
    promisedDate: '2026-12-18',
  },
  {
    name: 'de Zahlung erfolgt am 20.12.2026',
    text: 'Die Zahlung erfolgt am 20.12.2026 mit unserem Zahlungslauf.',
    kind: 'promise',
    promisedDate: '2026-12-20',
  },
  {
    name: 'de noch nicht bezahlt, bitte anrufen',
    text: 'Hallo, wir haben die Rechnung noch nicht bezahlt, weil uns Unterlagen fehlen. Bitte rufen Sie mich an.',
    kind: 'other',
  },
  { name: 'de thanks only, quoted', text: `Danke für die Info.${quotedDe}`, kind: 'other', strict: 'quoted_only' },
  {
    name: 'de copy request, Outlook block says pay',
    text: `Bitte senden Sie uns eine Kopie der Rechnung.${outlookDe}`,
    kind: 'other',
    strict: 'quoted_only',
  },
  { name: 'de paid and disputed', text: 'Wir haben bereits bezahlt, aber die Rechnung ist außerdem fehlerhaft.', kind: 'other' },
  {
    name: 'de Abwesenheitsnotiz by subject',
    text: 'Ich bin bis zum 14.12. nicht im Büro. Zahlungen werden danach überwiesen.',
    subject: 'Abwesenheitsnotiz: Zahlungserinnerung R-1001',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'de automatische Antwort by header',
    text: 'Vielen Dank für Ihre Nachricht.',
    subject: 'AW: Zahlungserinnerung R-1001',
    headers: { precedence: 'bulk' },
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'de Automatische Antwort subject',
    text: 'Ich bin ab dem 14.12. wieder erreichbar.',
    subject: 'Automatische Antwort: Zahlungserinnerung',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  // French
  {
    name: 'fr réglé le 3 décembre, quoted',
    text: `Bonjour,\n\nNous avons réglé cette facture le 3 décembre par virement.\n\nCordialement,\nSophie Martin${quotedFr}`,
    kind: 'payment_claimed',
  },
  { name: 'fr déjà payée', text: 'Bonjour, la facture a déjà été payée. Cordialement', kind: 'payment_claimed' },
  { name: 'fr virement effectué ce matin', text: 'Virement effectué ce matin.\n\nEnvoyé de mon iPhone', kind: 'payment_claimed' },
  {
    name: 'fr facture erronée, contestons',
    text: 'Madame, Monsieur,\nCette facture est erronée : le montant ne correspond pas à notre commande. Nous contestons ce montant.',
    kind: 'dispute',
  },
  { name: 'fr jamais reçu la marchandise', text: "Nous n'avons jamais reçu la marchandise.", kind: 'dispute' },
  {
    name: 'fr réglerons le 15/12',
    text: `Bonjour,\nnous réglerons le 15/12.\nBien à vous${quotedFr}`,
    kind: 'promise',
    promisedDate: '2026-12-15',
  },
  {
    name: 'fr virement sera effectué le 18 décembre',
    text: 'Le virement sera effectué le 18 décembre.',
    kind: 'promise',
    promisedDate: '2026-12-18',
  },
  { name: 'fr pas encore payé', text: "Nous n'avons pas encore payé, je vous recontacte.", kind: 'other' },
  { name: 'fr thanks only, quoted', text: `Merci, bien reçu.${quotedFr}`, kind: 'other', strict: 'quoted_only' },
  { name: 'fr paid half, rest disputed', text: 'Nous avons payé la moitié, mais le reste de la facture est erroné.', kind: 'other' },
  { name: 'fr please call', text: "Pouvez-vous m'appeler ? Merci.", kind: 'other' },
  {
    name: 'fr réponse automatique by subject',
    text: "Je suis absente jusqu'au 14 décembre.",
    subject: 'Réponse automatique : Relance facture F-1001',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'fr absence du bureau subject',
    text: 'Merci pour votre message.',
    subject: 'Absence du bureau',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'fr autoreply by header',
    text: 'Merci pour votre message, nous avons réglé la facture.',
    subject: 'RE: Relance facture F-1001',
    headers: { xAutoreply: 'yes' },
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  // Spanish
  {
    name: 'es ya hemos pagado, comprobante, quoted',
    text: `Hola,\n\nya hemos pagado la factura, adjunto el comprobante de pago.\n\nSaludos,\nCarlos${quotedEs}`,
    kind: 'payment_claimed',
  },
  {
    name: 'es transferencia fue realizada',
    text: 'Buenos días, la transferencia fue realizada el 2 de diciembre.',
    kind: 'payment_claimed',
  },
  {
    name: 'es transferencia realizada, mobile footer',
    text: 'Transferencia realizada.\n\nEnviado desde mi iPhone',
    kind: 'payment_claimed',
  },
  { name: 'es factura incorrecta', text: 'La factura es incorrecta, el importe no coincide con el pedido.', kind: 'dispute' },
  { name: 'es no hemos recibido la mercancía', text: `No hemos recibido la mercancía todavía.${quotedEs}`, kind: 'dispute' },
  {
    name: 'es pagaremos el 15 de diciembre',
    text: 'Hola, pagaremos el 15 de diciembre. Un saludo',
    kind: 'promise',
    promisedDate: '2026-12-15',
  },
  { name: 'es mañana por la mañana', text: 'Vamos a pagar mañana por la mañana.', kind: 'promise', promisedDate: '2026-12-08' },
  { name: 'es todavía no hemos pagado', text: 'Todavía no hemos pagado, lo revisamos y le decimos.', kind: 'other' },
  { name: 'es thanks only, quoted', text: `Gracias por el aviso.${quotedEs}`, kind: 'other', strict: 'quoted_only' },
  { name: 'es paid and duplicate', text: 'Ya pagamos, pero la factura está duplicada.', kind: 'other' },
  { name: 'es please call me', text: '¿Podrían llamarme, por favor?', kind: 'other' },
  {
    name: 'es respuesta automática by subject',
    text: 'Estoy fuera de la oficina hasta el lunes.',
    subject: 'Respuesta automática: Recordatorio de pago',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'es fuera de la oficina subject',
    text: 'Gracias por su mensaje.',
    subject: 'Fuera de la oficina',
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
  {
    name: 'es help desk by header',
    text: 'Hemos recibido su mensaje. Ya hemos pagado todas las facturas pendientes.',
    subject: 'RE: Recordatorio de pago',
    headers: { autoSubmitted: 'auto-generated' },
    kind: 'auto_reply',
    strict: 'auto_reply',
  },
];

function classify(row: Row) {
  return classifyReply({
    text: row.text,
    subject: row.subject ?? 'Re: Payment reminder',
    headers: row.headers ?? {},
    today,
    locale: row.locale,
  });
}

describe('reply classifier', () => {
  test('the table has at least 40 replies, at least 10 per language', () => {
    assert.ok(rows.length >= 40, `${rows.length} rows`);
    for (const language of replyLanguages) {
      const count = rows.filter((row) => row.name.startsWith(`${language} `) || row.name.startsWith(`${language}-`)).length;
      assert.ok(count >= 10, `${language}: ${count} rows`);
    }
  });

  test('classifies the table with at least 95 % accuracy', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const result = classify(row);
      const right = result.kind === row.kind && (row.promisedDate === undefined || result.promisedDate === row.promisedDate);
      if (!right) {
        wrong.push(
          `  ${row.name}: expected ${row.kind}${row.promisedDate ? ` ${row.promisedDate}` : ''}, got ${result.kind}${result.promisedDate ? ` ${result.promisedDate}` : ''} (${result.evidence})`,
        );
      }
    }
    const correct = rows.length - wrong.length;
    const accuracy = correct / rows.length;
    console.log(
      `reply classifier: ${correct}/${rows.length} correct (${(accuracy * 100).toFixed(1)} %)${wrong.length ? `\n${wrong.join('\n')}` : ''}`,
    );
    assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  });

  for (const row of rows.filter((candidate) => candidate.strict)) {
    test(`never misclassified (${row.strict}): ${row.name}`, () => {
      const result = classify(row);
      assert.equal(result.kind, row.kind, result.evidence);
    });
  }

  test('a promise carries its date; other kinds carry none', () => {
    const promise = classify({ name: '', text: 'We will pay on 15 December.', kind: 'promise' });
    assert.equal(promise.promisedDate, '2026-12-15');
    assert.equal(promise.evidence, '"We will pay" + 2026-12-15');
    const paid = classify({ name: '', text: 'We paid on 1 December.', kind: 'payment_claimed' });
    assert.equal(paid.kind, 'payment_claimed');
    assert.equal('promisedDate' in paid, false);
  });

  test('evidence quotes the phrase as the customer wrote it, and names the header', () => {
    assert.equal(
      classify({ name: '', text: 'Wir haben gestern überwiesen.', kind: 'payment_claimed' }).evidence,
      '"haben gestern überwiesen"',
    );
    const auto = classifyReply({ text: 'x', subject: 'x', headers: { autoSubmitted: 'auto-replied' }, today });
    assert.equal(auto.evidence, 'Auto-Submitted: auto-replied');
    assert.equal(classifyReply({ text: 'x', subject: 'x', headers: { autoSubmitted: 'no' }, today }).kind, 'other');
  });

  test('a promise beyond the horizon, or without a date, is left to a person', () => {
    assert.equal(classify({ name: '', text: 'We will pay on 15 December 2027.', kind: 'other' }).kind, 'other');
    // "3.12." on 7 December is next year's 3 December: not believable as a promise.
    assert.equal(classify({ name: '', text: 'Wir überweisen am 3.12.', kind: 'other' }).kind, 'other');
    assert.equal(classify({ name: '', text: 'We will pay next Friday.', kind: 'other' }).kind, 'other');
  });

  test('out-of-office wording next to a claim: auto_reply with a weak header, else other', () => {
    const text = 'I am out of the office until 14 December. We paid the invoice on 1 December.';
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: {}, today }).kind, 'other');
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: { xAutoResponseSuppress: 'All' }, today }).kind, 'auto_reply');
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: { returnPathEmpty: true }, today }).kind, 'auto_reply');
  });

  test('a person replying through a mailing list (Precedence: bulk or list with a List-Id) is still read', () => {
    const text = 'We paid on 1 December.';
    const listId = 'AP team <ap.customer.example>';
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: { precedence: 'bulk', listId }, today }).kind, 'payment_claimed');
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: { precedence: 'list', listId }, today }).kind, 'payment_claimed');
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: { precedence: 'bulk' }, today }).kind, 'auto_reply');
    assert.equal(classifyReply({ text, subject: 'Re: Reminder', headers: { precedence: 'junk', listId }, today }).kind, 'auto_reply');
  });

  test('words that only look like a claim are left to a person', () => {
    const lookalikes = [
      'I transferred your email to our accounts team.',
      'I cleared it with my manager, will revert.',
      'Hi, have we paid this already?',
      "We haven't received the invoice, please send it again.",
      'Please send us your bank details so we can pay.',
      'We pay all invoices at 60 days end of month.',
      'Wir haben die Rechnung nicht erhalten, bitte senden Sie sie erneut.',
      'Hallo, ist die Rechnung schon bezahlt?',
      'Wir bezahlen die Rechnung nächste Woche.',
      'Nous avons réglé le problème avec votre collègue.',
      "Nous n'avons pas reçu la facture, merci de la renvoyer.",
      'No hemos recibido la factura, ¿pueden reenviarla?',
      'Hola, ¿ya está pagada?',
      'Pagaremos la próxima semana.',
    ];
    for (const text of lookalikes) assert.equal(classify({ name: '', text, kind: 'other' }).kind, 'other', text);
  });

  test('a dispute with a promise is a dispute', () => {
    const result = classify({ name: '', text: 'The amount is wrong; we will pay the correct part on 15 December.', kind: 'dispute' });
    assert.equal(result.kind, 'dispute');
  });

  test('language: from the words, then from the rule, then from the locale', () => {
    assert.equal(classify({ name: '', text: 'Wir haben die Rechnung bereits bezahlt.', kind: 'payment_claimed' }).language, 'de');
    assert.equal(classify({ name: '', text: 'Ok, merci.', kind: 'other', locale: 'fr-FR' }).language, 'fr');
    assert.equal(classify({ name: '', text: 'Transferencia realizada.', kind: 'payment_claimed', locale: 'en-GB' }).language, 'es');
    assert.equal(classify({ name: '', text: 'OK', kind: 'other' }).language, undefined);
  });

  test('firstLines: the first three non-empty lines of the new text, at most 300 characters', () => {
    const result = classify({ name: '', text: `Hi,\n\n\nwe paid.\nThanks\nTom\nAccounts${quotedEn}`, kind: 'payment_claimed' });
    assert.equal(result.firstLines, 'Hi,\nwe paid.\nThanks');
    const long = classify({ name: '', text: 'x'.repeat(1000), kind: 'other' });
    assert.equal(long.firstLines.length, 300);
    assert.ok(long.firstLines.endsWith('…'));
  });

  test('refuses a malformed today', () => {
    assert.throws(() => classifyReply({ text: '', subject: '', headers: {}, today: '07.12.2026' }), /YYYY-MM-DD/);
  });
});

describe('newText', () => {
  const reply = 'We paid on 1 December.';
  const cases: readonly (readonly [string, string])[] = [
    ['> quoted lines', `${reply}\n\n> Please pay by 15 December.\n> Thanks`],
    ['en attribution', `${reply}\n\nOn Mon, 7 Dec 2026 at 09:12, Dunwell <reminders@dunwell.example> wrote:\n> Please pay`],
    [
      'en attribution wrapped onto two lines',
      `${reply}\n\nOn Mon, 7 Dec 2026 at 09:12, Dunwell Reminders <\nreminders@dunwell.example> wrote:\n\nPlease pay`,
    ],
    ['de attribution', `${reply}\n\nAm 07.12.2026 um 09:12 schrieb Dunwell <erinnerung@dunwell.example>:\nBitte zahlen`],
    [
      'de attribution wrapped',
      `${reply}\n\nAm 07.12.2026 um 09:12 schrieb Dunwell Buchhaltung\n<erinnerung@dunwell.example>:\nBitte zahlen`,
    ],
    ['fr attribution', `${reply}\n\nLe lun. 7 déc. 2026 à 09:12, Dunwell <relance@dunwell.example> a écrit :\nMerci de régler`],
    [
      'fr attribution wrapped',
      `${reply}\n\nLe lun. 7 déc. 2026 à 09:12, Dunwell Facturation\n<relance@dunwell.example> a écrit :\nMerci de régler`,
    ],
    ['es attribution', `${reply}\n\nEl lun, 7 dic 2026 a las 9:12, Dunwell (<recordatorio@dunwell.example>) escribió:\nPague`],
    ['es attribution wrapped', `${reply}\n\nEl lun, 7 dic 2026 a las 9:12, Dunwell (<recordatorio@dunwell.example>)\nescribió:\nPague`],
    ['name <address> wrote:', `${reply}\n\nDunwell <reminders@dunwell.example> wrote:\nPlease pay`],
    ['-----Original Message-----', `${reply}\n\n-----Original Message-----\nPlease pay`],
    ['-----Ursprüngliche Nachricht-----', `${reply}\n\n-----Ursprüngliche Nachricht-----\nBitte zahlen`],
    ["-----Message d'origine-----", `${reply}\n\n-----Message d'origine-----\nMerci de régler`],
    ['-----Mensaje original-----', `${reply}\n\n-----Mensaje original-----\nPague`],
    ['forwarded message', `${reply}\n\n---------- Forwarded message ---------\nPlease pay`],
    [
      'en From:/Sent: block with the Outlook rule',
      `${reply}\n\n________________________________\nFrom: Dunwell <r@d.example>\nSent: Monday, December 7, 2026 9:12 AM\nTo: x\n\nPlease pay`,
    ],
    [
      'de Von:/Gesendet: block',
      `${reply}\n\nVon: Dunwell <r@d.example>\nGesendet: Montag, 7. Dezember 2026 09:12\nAn: x\nBetreff: Erinnerung\n\nBitte zahlen`,
    ],
    ['fr De :/Envoyé : block', `${reply}\n\nDe : Dunwell <r@d.example>\nEnvoyé : lundi 7 décembre 2026 09:12\nÀ : x\n\nMerci de régler`],
    ['es De:/Enviado: block', `${reply}\n\nDe: Dunwell <r@d.example>\nEnviado: lunes, 7 de diciembre de 2026 9:12\nPara: x\n\nPague`],
    [
      'Outlook for Mac From:/Date: block',
      `${reply}\n\nFrom: Dunwell <r@d.example>\nDate: Monday, 7 December 2026 at 09:12\nTo: x\n\nPlease pay`,
    ],
    ['signature "-- "', `${reply}\n-- \nTom Baker\nPlease pay invoices within 30 days`],
    ['signature "--" without its space', `${reply}\n--\nTom Baker`],
    ['Sent from my iPhone', `${reply}\n\nSent from my iPhone\n\nPlease pay`],
    ['Von meinem iPhone gesendet', `${reply}\n\nVon meinem iPhone gesendet\n\nBitte zahlen`],
    ['Envoyé de mon iPhone', `${reply}\n\nEnvoyé de mon iPhone\n\nMerci de régler`],
    ['Enviado desde mi iPhone', `${reply}\n\nEnviado desde mi iPhone\n\nPague`],
    ['Get Outlook for iOS', `${reply}\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\nPlease pay`],
    ['Outlook für Android herunterladen', `${reply}\n\nOutlook für Android herunterladen<https://aka.ms/ghei36>\nBitte zahlen`],
    ['Obtenir Outlook pour Android', `${reply}\n\nObtenir Outlook pour Android<https://aka.ms/ghei36>\nMerci de régler`],
    ['Obtener Outlook para iOS', `${reply}\n\nObtener Outlook para iOS<https://aka.ms/o0ukef>\nPague`],
  ];
  for (const [marker, text] of cases) {
    test(`cuts at ${marker}`, () => {
      assert.equal(newText(text), reply);
    });
  }

  test("keeps the customer's own sentences that merely look like markers", () => {
    const text =
      'On Friday we will pay the invoice.\nFrom: our side, all is fine.\nSent from our bank on Monday.\nAm Freitag überweisen wir.';
    assert.equal(newText(text), text);
  });

  test('bottom posting: the text under the quote is the new text', () => {
    const text =
      'On Mon, 7 Dec 2026 at 09:12, Dunwell <r@d.example> wrote:\n> Please pay by 15 December.\n\nWe paid yesterday.\n\n-- \nTom';
    assert.equal(newText(text), 'We paid yesterday.');
  });

  test('CRLF line ends and an empty reply', () => {
    assert.equal(newText('We paid.\r\n\r\n> Please pay'), 'We paid.');
    assert.equal(newText('> only a quote'), '');
    assert.equal(newText(''), '');
  });
});

describe('date reader', () => {
  const read = (text: string, locale?: string) => readDates(text, today, locale).map((date) => date.date);
  const cases: readonly (readonly [string, string | undefined, string | undefined])[] = [
    ['2026-12-15', '2026-12-15', undefined],
    ['15.12.2026', '2026-12-15', undefined],
    ['15.12.26', '2026-12-15', undefined],
    ['bis zum 15.12.', '2026-12-15', undefined],
    ['am 3.12.', '2027-12-03', undefined],
    ['le 15/12/2026', '2026-12-15', undefined],
    ['le 15/12', '2026-12-15', undefined],
    ['on 12/15/2026', '2026-12-15', 'en-US'],
    ['on 12/15', '2026-12-15', 'en-US'],
    ['on 05/01/2027', '2027-01-05', 'en-GB'],
    ['on 05/01/2027', '2027-05-01', 'en-US'],
    ['15-12-2026', '2026-12-15', undefined],
    ['15 December 2026', '2026-12-15', undefined],
    ['15th of Dec', '2026-12-15', undefined],
    ['December 15', '2026-12-15', undefined],
    ['Dec 15th, 2026', '2026-12-15', undefined],
    ['15. Dezember', '2026-12-15', undefined],
    ['am 2. Januar', '2027-01-02', undefined],
    ['le 15 décembre', '2026-12-15', undefined],
    ['le 1er décembre 2026', '2026-12-01', undefined],
    ['el 15 de diciembre', '2026-12-15', undefined],
    ['el 15 de diciembre de 2026', '2026-12-15', undefined],
    ['on the 15th', '2026-12-15', undefined],
    ['on the 3rd', '2027-01-03', undefined],
    ['tomorrow', '2026-12-08', undefined],
    ['the day after tomorrow', '2026-12-09', undefined],
    ['today', '2026-12-07', undefined],
    ['yesterday', '2026-12-06', undefined],
    ['morgen', '2026-12-08', undefined],
    ['übermorgen', '2026-12-09', undefined],
    ['demain', '2026-12-08', undefined],
    ['après-demain', '2026-12-09', undefined],
    ['hier', '2026-12-06', undefined],
    ['mañana', '2026-12-08', undefined],
    ['pasado mañana', '2026-12-09', undefined],
    ['by Friday', '2026-12-11', undefined],
    ['am Montag', '2026-12-14', undefined],
    ['vendredi', '2026-12-11', undefined],
    ['el jueves', '2026-12-10', undefined],
    ['by the end of the month', '2026-12-31', undefined],
    ['bis Monatsende', '2026-12-31', undefined],
    ['fin de mois', '2026-12-31', undefined],
    ['a finales de mes', '2026-12-31', undefined],
    ['next Friday', undefined, undefined],
    ['vendredi prochain', undefined, undefined],
    ['el próximo viernes', undefined, undefined],
    ['nächsten Freitag', undefined, undefined],
    ['31.02.2026', undefined, undefined],
  ];
  for (const [text, expected, locale] of cases) {
    test(`reads "${text}"${locale ? ` (${locale})` : ''}`, () => {
      assert.deepEqual(read(text, locale), [expected]);
    });
  }

  test('finds no date where there is none', () => {
    for (const text of [
      'Guten Morgen',
      'am Morgen',
      'esta mañana',
      'por la mañana',
      'EUR 12.10.',
      'amount 15.12 EUR',
      'pages 15-20',
      'next week',
    ]) {
      assert.deepEqual(read(text), [], text);
    }
  });

  test('"heute Morgen" is this morning: today, not tomorrow', () => {
    assert.deepEqual(read('heute Morgen'), ['2026-12-07']);
  });

  test('a weekday written with its date is read once, as the date', () => {
    assert.deepEqual(read('Friday, 18 December'), ['2026-12-18']);
    assert.deepEqual(read('Freitag, den 18.12.'), ['2026-12-18']);
  });

  test('29 February without a year is the next leap day', () => {
    assert.deepEqual(read('29.02.'), ['2028-02-29']);
  });

  test('positions index the folded text', () => {
    const [date] = readDates('Wir zahlen am 15. Dezember.', today);
    assert.equal(
      foldForMatching('Wir zahlen am 15. Dezember.').slice(date?.index, (date?.index ?? 0) + (date?.length ?? 0)),
      '15. dezember',
    );
  });
});

describe('phrase rules', () => {
  test('every rule says why it exists, and every language has every class', () => {
    for (const language of replyLanguages) {
      const words = phrases[language];
      for (const list of [words.paymentClaimed, words.dispute, words.promise, words.autoReplySubject, words.autoReplyBody]) {
        assert.ok(list.length > 0, language);
        for (const rule of list) assert.ok(rule.why.length > 5, `${language}: ${rule.pattern}`);
      }
      assert.equal(words.months.length, 12);
      assert.equal(words.weekdays.length, 7);
    }
  });

  test('matching ignores case and accents, and ß is ss', () => {
    assert.equal(foldForMatching('ÜBERWIESEN Réglé Grüße Straße MAÑANA'), 'uberwiesen regle grusse strasse manana');
    assert.equal(classify({ name: '', text: 'BEREITS BEZAHLT', kind: 'payment_claimed' }).kind, 'payment_claimed');
    assert.equal(classify({ name: '', text: 'Deja regle', kind: 'payment_claimed' }).kind, 'payment_claimed');
  });
});
