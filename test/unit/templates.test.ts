import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { Invoice } from '#domain/invoice.ts';
import { parseKeyring, signPayLink } from '#domain/pay-link.ts';
import { tones } from '#domain/policy.ts';
import { mintShortLink } from '#domain/short-link.ts';
import {
  gsm7,
  type RenderedMessage,
  renderCombinedReminder,
  renderInstallmentReminder,
  renderReminder,
  renderText,
  renderThankYou,
  smsSegments,
} from '#presentation/reminder-message.ts';
import { messageLanguages, voiceFor } from '#presentation/templates/languages.ts';
import { palette } from '#presentation/templates/layout.ts';
import { newInvoice } from '../support/invoices.ts';

const payUrl = 'https://pay.example/pay/t';
const beforeDue = new Date('2026-11-28T09:00:00Z');
const afterDue = new Date('2026-12-05T09:00:00Z');

function invoiceIn(locale: string, overrides: Partial<Invoice> = {}): Invoice {
  return { ...newInvoice({ customer: { locale } }), ...overrides };
}

function paid(invoice: Invoice): Invoice {
  const payment = {
    paymentId: 'PAY-1',
    amountMinor: invoice.amountMinor,
    paidAt: '2026-12-20T10:00:00Z',
    recordedAt: '2026-12-20T10:00:00Z',
  };
  return { ...invoice, paidMinor: invoice.amountMinor, status: 'paid', payments: { [payment.paymentId]: payment } };
}

const installment = { number: 1, of: 2, dueDate: '2026-12-10', amountMinor: 50_000 };

/** What each language promises the customer reads, per message. */
const expected = {
  'en-US': {
    before: {
      friendly: 'Friendly reminder: invoice INV-2026-0001',
      firm: 'Payment due soon: invoice INV-2026-0001',
      final: 'Final notice: invoice INV-2026-0001',
    },
    after: {
      friendly: 'Friendly reminder: invoice INV-2026-0001 is overdue',
      firm: 'Payment overdue: invoice INV-2026-0001',
      final: 'Final notice: invoice INV-2026-0001',
    },
    formal: 'Formal demand for payment: invoice INV-2026-0001',
    agency: /collection agency/,
    installment: 'Installment 1 of 2 due soon: invoice INV-2026-0001',
    thankYou: 'Thank you for your payment: invoice INV-2026-0001',
    noMoreReminders: /no further reminders/,
    combined: {
      friendly: 'Friendly reminder: 2 invoices coming due',
      overdue: 'Payment reminder: 2 invoices, some overdue',
      final: 'Final notice: 2 invoices',
    },
    amount: '€1,250.00',
    unitPrice: '€125.00',
    dueDate: 'December 1, 2026',
    greeting: 'Dear Acme GmbH,',
    facts: 'Invoice: INV-2026-0001\nAmount due: €1,250.00\nDue date: December 1, 2026\nPO number: PO-778',
    line: '- Consulting, November: 10 × €125.00',
    pay: `Pay online: ${payUrl}`,
    dispute: `Dispute this invoice: ${payUrl}#dispute`,
    promise: `Promise a payment date: ${payUrl}#promise`,
    preferences: `Communication preferences: ${payUrl.replace('/pay/', '/preferences/')}`,
    sms: `Overdue: invoice INV-2026-0001, 1250.00 EUR due 2026-12-01. Pay: ${payUrl}`,
  },
  'de-DE': {
    before: {
      friendly: 'Freundliche Erinnerung: Rechnung INV-2026-0001',
      firm: 'Zahlung bald fällig: Rechnung INV-2026-0001',
      final: 'Letzte Erinnerung: Rechnung INV-2026-0001',
    },
    after: {
      friendly: 'Freundliche Erinnerung: Rechnung INV-2026-0001 ist überfällig',
      firm: 'Zahlung überfällig: Rechnung INV-2026-0001',
      final: 'Letzte Mahnung: Rechnung INV-2026-0001',
    },
    formal: 'Förmliche Zahlungsaufforderung: Rechnung INV-2026-0001',
    agency: /Inkassounternehmen/,
    installment: 'Rate 1 von 2 bald fällig: Rechnung INV-2026-0001',
    thankYou: 'Vielen Dank für Ihre Zahlung: Rechnung INV-2026-0001',
    noMoreReminders: /keine weiteren Erinnerungen/,
    combined: {
      friendly: 'Freundliche Erinnerung: 2 Rechnungen werden fällig',
      overdue: 'Zahlungserinnerung: 2 Rechnungen, teilweise überfällig',
      final: 'Letzte Mahnung: 2 Rechnungen',
    },
    amount: '1.250,00\u00a0€',
    unitPrice: '125,00\u00a0€',
    dueDate: '1. Dezember 2026',
    greeting: 'Guten Tag Acme GmbH,',
    facts: 'Rechnung: INV-2026-0001\nOffener Betrag: 1.250,00\u00a0€\nFällig am: 1. Dezember 2026\nBestellnummer: PO-778',
    line: '- Consulting, November: 10 × 125,00\u00a0€',
    pay: `Online bezahlen: ${payUrl}`,
    dispute: `Rechnung beanstanden: ${payUrl}#dispute`,
    promise: `Zahlungstermin zusagen: ${payUrl}#promise`,
    preferences: `Benachrichtigungseinstellungen: ${payUrl.replace('/pay/', '/preferences/')}`,
    sms: `Zahlungsaufforderung zu Rechnung INV-2026-0001: 1.250,00 EUR, fällig am 01.12.2026. Zahlen: ${payUrl}`,
  },
  'fr-FR': {
    before: {
      friendly: 'Rappel amical\u00a0: facture INV-2026-0001',
      firm: 'Échéance proche\u00a0: facture INV-2026-0001',
      final: 'Dernier rappel\u00a0: facture INV-2026-0001',
    },
    after: {
      friendly: 'Rappel amical\u00a0: la facture INV-2026-0001 est échue',
      firm: 'Retard de paiement\u00a0: facture INV-2026-0001',
      final: 'Dernière relance\u00a0: facture INV-2026-0001',
    },
    formal: 'Mise en demeure de payer\u00a0: facture INV-2026-0001',
    agency: /société de recouvrement/,
    installment: 'Versement 1 sur 2 bientôt dû\u00a0: facture INV-2026-0001',
    thankYou: 'Merci pour votre paiement\u00a0: facture INV-2026-0001',
    noMoreReminders: /ne recevrez plus de rappel/,
    combined: {
      friendly: 'Rappel amical\u00a0: 2 factures arrivent à échéance',
      overdue: 'Rappel de paiement\u00a0: 2 factures, dont certaines échues',
      final: 'Dernière relance\u00a0: 2 factures',
    },
    amount: '1\u202f250,00\u00a0€',
    unitPrice: '125,00\u00a0€',
    dueDate: '1 décembre 2026',
    greeting: 'Bonjour Acme GmbH,',
    facts:
      'Facture\u00a0: INV-2026-0001\nMontant dû\u00a0: 1\u202f250,00\u00a0€\nDate d’échéance\u00a0: 1 décembre 2026\nNuméro de bon de commande\u00a0: PO-778',
    line: '- Consulting, November\u00a0: 10 × 125,00\u00a0€',
    pay: `Payer en ligne\u00a0: ${payUrl}`,
    dispute: `Contester cette facture\u00a0: ${payUrl}#dispute`,
    promise: `Indiquer une date de paiement\u00a0: ${payUrl}#promise`,
    preferences: `Préférences de communication\u00a0: ${payUrl.replace('/pay/', '/preferences/')}`,
    sms: `Paiement attendu : facture INV-2026-0001, 1 250,00 EUR, échéance le 01/12/2026. Payer : ${payUrl}`,
  },
  'es-ES': {
    before: {
      friendly: 'Recordatorio amistoso: factura INV-2026-0001',
      firm: 'Pago próximo a vencer: factura INV-2026-0001',
      final: 'Último recordatorio: factura INV-2026-0001',
    },
    after: {
      friendly: 'Recordatorio amistoso: la factura INV-2026-0001 está vencida',
      firm: 'Pago vencido: factura INV-2026-0001',
      final: 'Último aviso: factura INV-2026-0001',
    },
    formal: 'Requerimiento formal de pago: factura INV-2026-0001',
    agency: /agencia de cobro/,
    installment: 'El plazo 1 de 2 vence pronto: factura INV-2026-0001',
    thankYou: 'Gracias por su pago: factura INV-2026-0001',
    noMoreReminders: /no recibirá más recordatorios/,
    combined: {
      friendly: 'Recordatorio amistoso: 2 facturas próximas a vencer',
      overdue: 'Recordatorio de pago: 2 facturas, algunas vencidas',
      final: 'Último aviso: 2 facturas',
    },
    amount: '1250,00\u00a0€',
    unitPrice: '125,00\u00a0€',
    dueDate: '1 de diciembre de 2026',
    greeting: 'Hola, Acme GmbH:',
    facts:
      'Factura: INV-2026-0001\nImporte pendiente: 1250,00\u00a0€\nFecha de vencimiento: 1 de diciembre de 2026\nNúmero de pedido: PO-778',
    line: '- Consulting, November: 10 × 125,00\u00a0€',
    pay: `Pagar en línea: ${payUrl}`,
    dispute: `Reclamar esta factura: ${payUrl}#dispute`,
    promise: `Indicar una fecha de pago: ${payUrl}#promise`,
    preferences: `Preferencias de comunicación: ${payUrl.replace('/pay/', '/preferences/')}`,
    sms: `Pago pendiente: factura INV-2026-0001, 1250,00 EUR, vencimiento 01/12/2026. Pagar: ${payUrl}`,
  },
} as const;

const locales = Object.keys(expected) as (keyof typeof expected)[];

describe('message templates in every language', () => {
  test('the four languages are the ones with a dictionary', () => {
    assert.deepEqual([...messageLanguages].sort(), ['de', 'en', 'es', 'fr']);
  });

  for (const locale of locales) {
    const want = expected[locale];
    const language = locale.slice(0, 2);

    describe(locale, () => {
      test('reminder subjects per tone, before and after the due date, and the formal demand', () => {
        for (const tone of tones) {
          assert.equal(renderReminder(invoiceIn(locale), tone, payUrl, { now: beforeDue }).subject, want.before[tone]);
          assert.equal(renderReminder(invoiceIn(locale), tone, payUrl, { now: afterDue }).subject, want.after[tone]);
        }
        const notice = renderReminder(invoiceIn(locale), 'final', payUrl, { formal: true, now: afterDue });
        assert.equal(notice.subject, want.formal);
        assert.match(notice.text, want.agency, 'the formal demand announces the collection agency');
        assert.match(notice.html, want.agency);
      });

      test('friendly, firm and final read differently, before and after the due date', () => {
        for (const now of [beforeDue, afterDue]) {
          const leads = tones.map((tone) => renderReminder(invoiceIn(locale), tone, payUrl, { now }).text.split('\n\n')[1]);
          assert.equal(new Set(leads).size, tones.length, leads.join(' | '));
        }
        for (const when of [want.before, want.after]) {
          const subjects = [...tones.map((tone) => when[tone]), want.formal];
          assert.equal(new Set(subjects).size, subjects.length, subjects.join(' | '));
        }
      });

      test('a reminder shows the invoice, the balance, the due date, the lines, one pay button and the secondary links', () => {
        const message = renderReminder(invoiceIn(locale), 'firm', payUrl, { now: afterDue });
        const [greeting, , factsBlock, linesBlock, pay, secondary] = message.text.split('\n\n');
        assert.equal(greeting, want.greeting);
        assert.equal(factsBlock, want.facts);
        assert.match(linesBlock ?? '', new RegExp(`\\n${escapeRegExp(want.line)}$`));
        assert.equal(pay, want.pay);
        assert.equal(secondary, `${want.dispute}\n${want.promise}\n${want.preferences}`);
        for (const value of ['INV-2026-0001', want.amount, want.dueDate, 'PO-778', 'Consulting, November', want.unitPrice]) {
          assert.ok(message.html.includes(value), `HTML has ${value}`);
        }
        assert.equal(countOf(message.html, `href="${payUrl}"`), 1, 'one pay link');
        assert.equal(countOf(message.html, 'background-color:#0b57d0'), 1, 'one button');
        assert.ok(message.html.includes(`href="${payUrl}#dispute"`));
        assert.ok(message.html.includes(`href="${payUrl}#promise"`));
        assert.ok(message.html.includes(`href="${payUrl.replace('/pay/', '/preferences/')}"`), 'a communication preferences link');
        assert.match(message.html, new RegExp(`<html lang="${locale}">`));
      });

      test('the amount due is the balance after payments and credit notes, not the invoice total', () => {
        const invoice = invoiceIn(locale, {
          paidMinor: 25_000,
          creditNotes: { 'CN-1': { creditNoteId: 'CN-1', amountMinor: 10_000, reason: 'goodwill', appliedAt: '2026-11-20T00:00:00Z' } },
        });
        const message = renderReminder(invoice, 'friendly', payUrl, { now: afterDue });
        const shown = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(900);
        for (const part of [message.text, message.html]) {
          assert.ok(part.includes(shown), `${shown} in ${locale}`);
          assert.ok(!part.includes(want.amount), 'the original total is not shown');
        }
      });

      test('installment reminder, combined reminder and thank-you', () => {
        const plan = renderInstallmentReminder(invoiceIn(locale), installment, payUrl);
        assert.equal(plan.subject, want.installment);
        assert.ok(plan.text.includes(want.pay));
        assert.ok(plan.text.includes(want.amount), 'the remaining balance');

        const two = (tone: 'friendly' | 'final') => [
          { invoice: invoiceIn(locale), tone: 'friendly' as const, payUrl: 'https://pay.example/pay/a' },
          { invoice: invoiceIn(locale, { invoiceId: 'INV-2' }), tone, payUrl: 'https://pay.example/pay/b' },
        ];
        assert.equal(renderCombinedReminder(two('friendly'), beforeDue).subject, want.combined.friendly);
        assert.equal(renderCombinedReminder(two('friendly'), afterDue).subject, want.combined.overdue);
        const combined = renderCombinedReminder(two('final'), afterDue);
        assert.equal(combined.subject, want.combined.final);
        const { wording } = voiceFor(locale);
        for (const [id, url] of [
          ['INV-2026-0001', 'https://pay.example/pay/a'],
          ['INV-2', 'https://pay.example/pay/b'],
        ] as const) {
          const block = `${wording.combined.summary(id, want.amount, want.dueDate)}\n${wording.field(wording.payOnline, url)}\n`;
          assert.ok(combined.text.includes(block), block);
          assert.ok(combined.html.includes(`href="${url}"`) && combined.html.includes(`href="${url}#dispute"`));
        }

        const thanks = renderThankYou(paid(invoiceIn(locale)));
        assert.equal(thanks.subject, want.thankYou);
        assert.ok(thanks.text.includes(want.amount), 'the amount received');
        assert.match(thanks.text, want.noMoreReminders);
        assert.doesNotMatch(thanks.html, /href=/, 'nothing left to pay');
      });

      test('every template escapes hostile names, PO numbers, line descriptions and invoice ids', () => {
        const hostile = invoiceIn(locale, {
          invoiceId: 'INV-<i>1</i>',
          customer: { ...invoiceIn(locale).customer, name: '<script>alert(1)</script> & "Co"' },
          poNumber: '<b>PO</b>',
          lines: [{ description: '<img src=x onerror=alert(1)>', quantity: '1', unitPriceMinor: 100 }],
        });
        for (const [kind, message] of everyTemplate(hostile, 'https://pay.example/pay/t?a=1&b="2"')) {
          assert.doesNotMatch(message.html, /<script|<b>|<img|<i>/, message.subject);
          assert.ok(message.html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;'), message.subject);
          assert.ok(message.html.includes('INV-&lt;i&gt;1&lt;/i&gt;'), message.subject);
          assert.ok(message.html.includes('&lt;b&gt;PO&lt;/b&gt;'), message.subject);
          if (kind !== 'thank-you') {
            assert.ok(message.html.includes('&lt;img src=x onerror=alert(1)&gt;'), message.subject);
            assert.ok(message.html.includes('href="https://pay.example/pay/t?a=1&amp;b=&quot;2&quot;"'), message.subject);
          }
          // The text part is plain text: the values as sent.
          assert.ok(message.text.includes('<script>alert(1)</script> & "Co"'));
        }
      });

      test('the HTML is simple and accessible: lang, header cells with scope, a caption, no images, scripts or external CSS', () => {
        for (const [, message] of everyTemplate(invoiceIn(locale), payUrl)) {
          assert.match(message.html, /^<!doctype html>\n<html lang="[a-z]{2}-[A-Z]{2}">/);
          assert.match(message.html, /<meta charset="utf-8">/);
          assert.ok(message.html.includes(`<title>${message.subject}</title>`));
          assert.match(message.html, /<th scope="row"/);
          assert.doesNotMatch(message.html, /<th(?! scope="(row|col)")[ >]/, 'every header cell has a scope');
          assert.doesNotMatch(message.html, /<img|<script|<link|<style|src=|url\(/i);
          assert.doesNotMatch(message.html, /role="presentation"/, 'data tables stay tables');
        }
        const reminder = renderReminder(invoiceIn(locale), 'friendly', payUrl, { now: beforeDue });
        assert.match(reminder.html, /<caption[^>]*>[^<]+<\/caption>/);
        assert.equal(countOf(reminder.html, '<th scope="col"'), 3, 'description, quantity, unit price');
        assert.equal(language, voiceFor(locale).wording.language);
      });

      test('the SMS stays in GSM-7 and fits one segment with a short link (as SMS carry), two with a signed pay link', () => {
        const invoice = invoiceIn(locale);
        assert.equal(renderText(invoice, 'firm', payUrl), want.sms);
        const signed = `https://pay.dunwell.example/pay/${signPayLink(keyring, invoice.invoiceId, new Date('2027-06-01T00:00:00Z'))}`;
        const shortUrl = `https://pay.dunwell.example/p/${mintShortLink(keyring, invoice.invoiceId, new Date('2027-06-01T00:00:00Z')).code}`;
        for (const tone of tones) {
          const short = renderText(invoice, tone, shortUrl);
          assert.equal(gsm7(short), short, short);
          assert.ok(short.length <= 160, `${short.length}: ${short}`);
          assert.equal(smsSegments(short), 1);
          const long = renderText(invoice, tone, signed);
          assert.equal(gsm7(long), long);
          assert.ok(long.endsWith(signed), 'the link is whole, at the end');
          assert.equal(smsSegments(long), 2, `${long.length} characters with a ${signed.length}-character link`);
        }
      });
    });
  }
});

describe('who is asking: the creditor in every message', () => {
  const creditor = { name: 'Acme <Supplies> & "Co"', contact: 'ar@acme.example' };
  const signOffs = {
    'en-US': ['Kind regards,', 'Questions? Contact us: ar@acme.example'],
    'de-DE': ['Mit freundlichen Grüßen', 'Fragen? So erreichen Sie uns: ar@acme.example'],
    'fr-FR': ['Cordialement,', 'Des questions\u00a0? Contactez-nous\u00a0: ar@acme.example'],
    'es-ES': ['Atentamente,', '¿Preguntas? Contacte con nosotros: ar@acme.example'],
  } as const;

  for (const [locale, [signOff, contact]] of Object.entries(signOffs)) {
    test(`${locale}: reminder, installment, combined and thank-you end with the sign-off, the creditor and the contact`, () => {
      const invoice = invoiceIn(locale);
      const messages = {
        reminder: renderReminder(invoice, 'firm', payUrl, { now: afterDue, creditor }),
        notice: renderReminder(invoice, 'final', payUrl, { now: afterDue, formal: true, creditor }),
        installment: renderInstallmentReminder(invoice, installment, payUrl, creditor),
        combined: renderCombinedReminder(
          [
            { invoice, tone: 'friendly', payUrl },
            { invoice: { ...invoice, invoiceId: 'INV-2026-0002' }, tone: 'firm', payUrl: `${payUrl}2` },
          ],
          afterDue,
          creditor,
        ),
        thankYou: renderThankYou(paid(invoice), creditor),
      };
      for (const [kind, message] of Object.entries(messages)) {
        assert.ok(message.text.endsWith(`${signOff}\n${creditor.name}\n\n${contact}`), `${kind} text: ${message.text.slice(-120)}`);
        assert.ok(
          message.html.includes(`${signOff}<br>Acme &lt;Supplies&gt; &amp; &quot;Co&quot;</p>`),
          `${kind} html signs with the escaped creditor name`,
        );
        assert.doesNotMatch(message.html, /<Supplies>/);
      }
      const unsigned = renderReminder(invoice, 'firm', payUrl, { now: afterDue });
      assert.ok(!unsigned.text.includes(signOff), 'no creditor, no sign-off (as before)');
    });
  }

  test('a creditor without a contact signs without the contact line', () => {
    const message = renderThankYou(paid(invoiceIn('en-US')), { name: 'Acme Ltd' });
    assert.ok(message.text.endsWith('Kind regards,\nAcme Ltd'));
    assert.doesNotMatch(message.text, /Questions\?/);
  });

  test('the SMS starts with the creditor when that costs no extra segment, never otherwise', () => {
    const invoice = invoiceIn('en-US');
    const short = renderText(invoice, 'firm', 'https://dwl.example/p/7Kq2Xb9Lm4', { name: 'Acme Ltd' });
    assert.equal(short, 'Acme Ltd: Overdue: invoice INV-2026-0001, 1250.00 EUR due 2026-12-01. Pay: https://dwl.example/p/7Kq2Xb9Lm4');
    assert.equal(smsSegments(short), 1);
    const signed = `https://pay.dunwell.example/pay/${signPayLink(keyring, invoice.invoiceId, new Date('2027-06-01T00:00:00Z'))}`;
    for (const locale of locales) {
      for (const tone of tones) {
        const plain = renderText(invoiceIn(locale), tone, signed);
        const named = renderText(invoiceIn(locale), tone, signed, { name: 'Müller & Söhne GmbH' });
        assert.equal(smsSegments(named), smsSegments(plain), `${locale} ${tone}: same segment count`);
        assert.equal(gsm7(named), named, 'still GSM-7 (accents it lacks are dropped)');
        assert.ok(named === plain || named === `Müller & Söhne GmbH: ${plain}`, named);
      }
    }
    // A name that would take the message into another segment is left out.
    const justFits = renderText(invoice, 'firm', 'https://dwl.example/p/7Kq2Xb9Lm4');
    const long = 'L'.repeat(160 - justFits.length);
    assert.equal(renderText(invoice, 'firm', 'https://dwl.example/p/7Kq2Xb9Lm4', { name: long }), justFits);
    const fits = 'L'.repeat(160 - justFits.length - 2);
    assert.equal(renderText(invoice, 'firm', 'https://dwl.example/p/7Kq2Xb9Lm4', { name: fits }), `${fits}: ${justFits}`);
  });
});

describe('locales: language from the locale, formats from the full locale', () => {
  test('Intl formats amounts the way each locale writes them', () => {
    const amountDue = (locale: string, currency = 'EUR', amountMinor = 125_000) =>
      /Amount due: (.*)|Offener Betrag: (.*)|Montant dû\u00a0: (.*)|Importe pendiente: (.*)/
        .exec(renderReminder(invoiceIn(locale, { currency, amountMinor }), 'friendly', payUrl, { now: beforeDue }).text)
        ?.slice(1)
        .find(Boolean);
    assert.equal(amountDue('de-DE'), '1.250,00\u00a0€');
    assert.equal(amountDue('fr-FR'), '1\u202f250,00\u00a0€', 'narrow no-break space between thousands');
    assert.equal(amountDue('es-ES'), '1250,00\u00a0€', 'Spanish groups from five digits');
    assert.equal(amountDue('es-ES', 'EUR', 1_250_000), '12.500,00\u00a0€');
    assert.equal(amountDue('en-US'), '€1,250.00');
    assert.equal(amountDue('en-US', 'USD'), '$1,250.00');
    assert.equal(amountDue('de-DE', 'JPY', 125_000), '125.000\u00a0¥', 'no minor unit for yen');
    assert.equal(amountDue('en-GB', 'BHD', 12_500), 'BHD\u00a012.500', 'three decimals for dinars');
    assert.equal(amountDue('de-AT'), '€\u00a01.250,00', 'Austrian German puts the sign first');
  });

  test('dates are long dates in the locale, by calendar day (no time zone shift)', () => {
    const dueDate = (locale: string) =>
      renderReminder(invoiceIn(locale, { dueDate: '2027-01-01' }), 'friendly', payUrl, { now: beforeDue }).text;
    assert.match(dueDate('de-DE'), /Fällig am: 1\. Januar 2027/);
    assert.match(dueDate('fr-FR'), /Date d’échéance\u00a0: 1 janvier 2027/);
    assert.match(dueDate('es-ES'), /Fecha de vencimiento: 1 de enero de 2027/);
    assert.match(dueDate('en-US'), /Due date: January 1, 2027/);
    assert.match(dueDate('en-GB'), /Due date: 1 January 2027/);
  });

  test('quantities use the locale decimal separator', () => {
    const lines = [{ description: 'Hours', quantity: '2.5', unitPriceMinor: 10_000 }];
    assert.match(
      renderReminder(invoiceIn('de-DE', { lines }), 'friendly', payUrl, { now: beforeDue }).text,
      /- Hours: 2,5 × 100,00\u00a0€/,
    );
    assert.match(renderReminder(invoiceIn('en-US', { lines }), 'friendly', payUrl, { now: beforeDue }).text, /- Hours: 2\.5 × €100\.00/);
  });

  test('regional variants read their language and keep their own formats', () => {
    const austrian = renderReminder(invoiceIn('de-AT'), 'friendly', payUrl, { now: beforeDue });
    assert.equal(austrian.subject, 'Freundliche Erinnerung: Rechnung INV-2026-0001');
    assert.match(austrian.html, /<html lang="de-AT">/);
    const canadian = renderReminder(invoiceIn('fr-CA'), 'friendly', payUrl, { now: beforeDue });
    assert.equal(canadian.subject, 'Rappel amical\u00a0: facture INV-2026-0001');
    assert.match(renderText(invoiceIn('fr-CA'), 'friendly', payUrl), /échéance le 2026-12-01\./, 'fr-CA writes dates year first');
    assert.match(renderText(invoiceIn('de-CH'), 'friendly', payUrl), /: 1'250\.00 EUR,/, 'Swiss apostrophe, GSM-7 safe');
  });

  test('an unknown language falls back to English, with values still in the customer locale', () => {
    const japanese = renderReminder(invoiceIn('ja-JP'), 'friendly', payUrl, { now: beforeDue });
    assert.equal(japanese.subject, 'Friendly reminder: invoice INV-2026-0001');
    assert.match(japanese.text, /Amount due: €1,250\.00\nDue date: 2026年12月1日/);
    assert.match(japanese.html, /<html lang="en">/, 'lang names the language the text is written in');
    const portuguese = renderThankYou(paid(invoiceIn('pt-BR')));
    assert.equal(portuguese.subject, 'Thank you for your payment: invoice INV-2026-0001');
    assert.match(portuguese.text, /We have received €\u00a01\.250,00/);
    assert.match(renderText(invoiceIn('pt-BR'), 'friendly', payUrl), /^Reminder: invoice INV-2026-0001, 1250\.00 EUR due 2026-12-01\./);
  });

  test('a locale Intl cannot use reads and formats as English', () => {
    const broken = renderReminder(invoiceIn('not a locale!'), 'firm', payUrl, { now: afterDue });
    assert.equal(broken.subject, 'Payment overdue: invoice INV-2026-0001');
    assert.match(broken.text, /Amount due: €1,250\.00\nDue date: December 1, 2026/);
    assert.match(broken.html, /<html lang="en">/);
  });
});

describe('colors', () => {
  test('text, links and the button meet WCAG AA contrast (4.5:1)', () => {
    assert.ok(contrast(palette.text, palette.background) >= 4.5);
    assert.ok(contrast(palette.link, palette.background) >= 4.5);
    assert.ok(contrast(palette.buttonText, palette.button) >= 4.5);
  });
});

const keyring = parseKeyring(JSON.stringify({ current: 'k1', k1: 'a-test-signing-key-of-32-chars!!' }));

function everyTemplate(invoice: Invoice, url: string): [string, RenderedMessage][] {
  return [
    ...tones.map((tone): [string, RenderedMessage] => [tone, renderReminder(invoice, tone, url, { now: afterDue })]),
    ['formal', renderReminder(invoice, 'final', url, { formal: true, now: afterDue })],
    ['installment', renderInstallmentReminder(invoice, installment, url)],
    [
      'combined',
      renderCombinedReminder(
        [
          { invoice, tone: 'friendly', payUrl: url },
          { invoice: { ...invoice, invoiceId: `${invoice.invoiceId}-2` }, tone: 'firm', payUrl: url },
        ],
        afterDue,
      ),
    ],
    ['thank-you', renderThankYou(paid(invoice))],
  ];
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function contrast(foreground: string, background: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((at) => {
      const channel = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
