import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { type Invoice, recordPayment, withEvent } from '#domain/invoice.ts';
import { parseKeyring } from '#domain/pay-link.ts';
import { tones } from '#domain/policy.ts';
import { mintShortLink } from '#domain/short-link.ts';
import {
  gsm7,
  paymentsToAcknowledge,
  renderCombinedReminder,
  renderInstallmentReminder,
  renderReminder,
  renderText,
  smsSegments,
} from '#presentation/reminder-message.ts';
import { newInvoice } from '../support/invoices.ts';

/**
 * Issue 9, item 4: the first message after a payment that did not settle the invoice says what
 * was received, when (the customer's day) and what remains; the next one does not repeat it.
 */
const payUrl = 'https://pay.example/pay/t';
const shortUrl = 'https://dwl.example/p/7Kq2Xb9Lm4';
const now = new Date('2026-12-15T08:00:00Z');

/** Intl's no-break and narrow no-break spaces read as spaces, so expectations stay legible. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

function sent(invoice: Invoice, at: string, stepId: string): Invoice {
  return withEvent(invoice, { at, type: 'reminder.sent', stepId, channel: 'email', tone: 'friendly', messageId: `m-${stepId}` });
}

function paid(invoice: Invoice, paymentId: string, amountMinor: number, paidAt: string, recordedAt = paidAt): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt }, new Date(recordedAt));
  if (outcome.kind !== 'recorded') throw new Error(`payment ${paymentId} not recorded`);
  return outcome.invoice;
}

/** €1,250.00 due 1 December, reminded on 30 November, €400.00 paid on 12 December: €850.00 remains. */
function partlyPaid(locale: string): Invoice {
  const reminded = sent(newInvoice({ customer: { locale } }), '2026-11-30T08:00:00.000Z', 'pre-3');
  return paid(reminded, 'PAY-1', 40_000, '2026-12-12T10:00:00Z', '2026-12-12T11:00:00Z');
}

const expected = {
  'en-GB': {
    email: 'We received €400.00 on 12 December 2026 — thank you. €850.00 remains due.',
    sms: `Overdue: invoice INV-2026-0001, 850.00 EUR due 2026-12-01. Received 400.00 EUR on 12 Dec, thanks. Pay: ${shortUrl}`,
    several: 'We received €400.00 in 2 payments, the latest on 12 December 2026 — thank you. €850.00 remains due.',
    smsSegments: 1,
  },
  'de-DE': {
    email: 'Am 12. Dezember 2026 haben wir 400,00 € erhalten – vielen Dank. Offen sind noch 850,00 €.',
    sms: `Zahlungsaufforderung zu Rechnung INV-2026-0001: 850,00 EUR, fällig am 01.12.2026. Erhalten: 400,00 EUR am 12.12., danke. Zahlen: ${shortUrl}`,
    several: 'Wir haben 400,00 € in 2 Zahlungen erhalten, zuletzt am 12. Dezember 2026 – vielen Dank. Offen sind noch 850,00 €.',
    smsSegments: 2,
  },
  'fr-FR': {
    email: 'Nous avons bien reçu 400,00 € le 12 décembre 2026 — merci. Il reste 850,00 € à régler.',
    sms: `Paiement attendu : facture INV-2026-0001, 850,00 EUR, échéance le 01/12/2026. Merci pour votre paiement de 400,00 EUR du 12/12. Payer : ${shortUrl}`,
    several: 'Nous avons bien reçu 400,00 € en 2 paiements, le dernier le 12 décembre 2026 — merci. Il reste 850,00 € à régler.',
    smsSegments: 2,
  },
  'es-ES': {
    email: 'Hemos recibido 400,00 € el 12 de diciembre de 2026; muchas gracias. Quedan pendientes 850,00 €.',
    sms: `Pago pendiente: factura INV-2026-0001, 850,00 EUR, vencimiento 01/12/2026. Recibido: 400,00 EUR el 12/12, gracias. Pagar: ${shortUrl}`,
    several: 'Hemos recibido 400,00 € en 2 pagos, el último el 12 de diciembre de 2026; muchas gracias. Quedan pendientes 850,00 €.',
    smsSegments: 2,
  },
} as const;

const keyring = parseKeyring(JSON.stringify({ current: 'k1', k1: 'a-test-signing-key-of-32-chars!!' }));

describe('partial payments acknowledged in the next message', () => {
  for (const [locale, want] of Object.entries(expected)) {
    describe(locale, () => {
      test('the reminder email says what was received, when, and what remains, in text and HTML', () => {
        const message = renderReminder(partlyPaid(locale), 'firm', payUrl, { now });
        const paragraphs = message.text.split('\n\n').map(plain);
        assert.equal(paragraphs[2], want.email, 'after the lead, before the facts');
        assert.ok(plain(message.html).includes(`<p style="margin:0 0 16px">${want.email}</p>`), plain(message.html));
        assert.ok(plain(message.text).includes(`${want.email}\n\n`));
      });

      test('the SMS says it briefly, the balance already in it, in GSM-7', () => {
        const text = renderText(partlyPaid(locale), 'firm', shortUrl);
        assert.equal(text, want.sms);
        assert.equal(gsm7(text), text);
      });

      test(`with a real short link the SMS takes ${want.smsSegments} segment(s) in every tone`, () => {
        const invoice = partlyPaid(locale);
        const link = `https://pay.dunwell.example/p/${mintShortLink(keyring, invoice.invoiceId, new Date('2027-06-01T00:00:00Z')).code}`;
        for (const tone of tones) {
          const text = renderText(invoice, tone, link);
          assert.equal(smsSegments(text), want.smsSegments, `${tone}: ${text.length} characters: ${text}`);
          assert.ok(text.endsWith(link), 'the link is whole, at the end');
        }
      });

      test('several payments since the last message: their total, how many, and the latest day', () => {
        const reminded = sent(newInvoice({ customer: { locale } }), '2026-11-30T08:00:00.000Z', 'pre-3');
        const invoice = paid(paid(reminded, 'PAY-1', 15_000, '2026-12-03T10:00:00Z'), 'PAY-2', 25_000, '2026-12-12T10:00:00Z');
        const message = renderReminder(invoice, 'firm', payUrl, { now });
        assert.equal(message.text.split('\n\n').map(plain)[2], want.several);
        assert.ok(plain(message.html).includes(want.several));
        assert.equal(renderText(invoice, 'firm', shortUrl), want.sms, 'the SMS gives the total and the latest day');
      });

      test('not repeated in the next message, unless another payment arrives', () => {
        const acknowledged = sent(partlyPaid(locale), '2026-12-15T08:00:00.000Z', 'post-14');
        const next = renderReminder(acknowledged, 'firm', payUrl, { now: new Date('2026-12-22T08:00:00Z') });
        assert.ok(!plain(next.text).includes(want.email), next.text);
        assert.ok(!plain(next.html).includes(want.email));
        assert.equal(
          next.text.split('\n\n').length,
          renderReminder(newInvoice({ customer: { locale } }), 'firm', payUrl, { now }).text.split('\n\n').length,
        );
        assert.ok(
          !renderText(acknowledged, 'firm', shortUrl).includes('400,00') && !renderText(acknowledged, 'firm', shortUrl).includes('400.00'),
        );
        assert.match(plain(next.text), /850[.,]00/, 'the current balance, as always');

        const again = paid(acknowledged, 'PAY-2', 10_000, '2026-12-18T10:00:00Z');
        const after = plain(renderReminder(again, 'firm', payUrl, { now: new Date('2026-12-22T08:00:00Z') }).text);
        assert.match(after, /100[.,]00/, 'only the new payment');
        assert.match(after, /750[.,]00/, 'and what remains now');
        assert.doesNotMatch(after, /400[.,]00/);
      });
    });
  }

  test('the day is the customer’s: 23:30 UTC on 12 December is 13 December in Berlin', () => {
    const reminded = sent(newInvoice({ customer: { locale: 'en-GB', timeZone: 'Europe/Berlin' } }), '2026-11-30T08:00:00.000Z', 'pre-3');
    const invoice = paid(reminded, 'PAY-1', 40_000, '2026-12-12T23:30:00Z');
    assert.match(renderReminder(invoice, 'firm', payUrl, { now }).text, /We received €400\.00 on 13 December 2026/);
    assert.match(renderText(invoice, 'firm', shortUrl), /Received 400\.00 EUR on 13 Dec, thanks\./);
  });

  test('a payment before any message is acknowledged by the first one', () => {
    const invoice = paid(newInvoice({ customer: { locale: 'en-GB' } }), 'PAY-1', 40_000, '2026-11-20T10:00:00Z');
    const first = renderReminder(invoice, 'friendly', payUrl, { now: new Date('2026-11-30T08:00:00Z') });
    assert.match(first.text, /We received €400\.00 on 20 November 2026 — thank you\. €850\.00 remains due\./);
  });

  test('a payment that settles the invoice is not acknowledged here (the thank-you does that)', () => {
    const invoice = paid(partlyPaid('en-GB'), 'PAY-2', 85_000, '2026-12-13T10:00:00Z');
    assert.equal(paymentsToAcknowledge(invoice), undefined);
  });

  test('an unpaid invoice reads as before', () => {
    const invoice = sent(newInvoice({ customer: { locale: 'en-GB' } }), '2026-11-30T08:00:00.000Z', 'pre-3');
    assert.equal(paymentsToAcknowledge(invoice), undefined);
    assert.doesNotMatch(renderReminder(invoice, 'firm', payUrl, { now }).text, /received/i);
    assert.doesNotMatch(renderText(invoice, 'firm', shortUrl), /Received/);
  });

  test('the installment reminder acknowledges it too, and shows the remaining balance', () => {
    const installment = { number: 2, of: 2, dueDate: '2026-12-20', amountMinor: 42_500 };
    const message = renderInstallmentReminder(partlyPaid('de-DE'), installment, payUrl);
    const want = expected['de-DE'].email;
    assert.ok(plain(message.text).includes(`\n\n${want}\n\n`), message.text);
    assert.ok(plain(message.html).includes(`<p style="margin:0 0 16px">${want}</p>`));
  });

  test('a combined message acknowledges each invoice’s payments in that invoice’s block, text and HTML', () => {
    const other = {
      ...sent(newInvoice({ customer: { locale: 'en-GB' } }), '2026-11-30T08:00:00.000Z', 'pre-3'),
      invoiceId: 'INV-2026-0002',
    };
    const message = renderCombinedReminder(
      [
        { invoice: partlyPaid('en-GB'), tone: 'firm', payUrl },
        { invoice: other, tone: 'firm', payUrl: `${payUrl}2` },
      ],
      now,
    );
    const want = expected['en-GB'].email;
    assert.match(
      message.text,
      /Invoice INV-2026-0001: €850\.00, due 1 December 2026\nWe received €400\.00 on 12 December 2026 — thank you\. €850\.00 remains due\.\nPay online: https:\/\/pay\.example\/pay\/t\n/,
    );
    assert.equal(message.text.split(want).length, 2, 'once, for the invoice that was paid in part');
    assert.match(message.text, /Invoice INV-2026-0002: €1,250\.00, due 1 December 2026\nPay online:/);
    assert.match(message.html, new RegExp(`Invoice INV-2026-0001</h2>\\s*<p style="margin:0 0 16px">${want.replace(/[.$]/g, '\\$&')}</p>`));
    assert.equal(message.html.split(want).length, 2);
  });
});
