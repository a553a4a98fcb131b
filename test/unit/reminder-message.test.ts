import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { MAX_AMOUNT_MINOR } from '#domain/money.ts';
import {
  gsm7,
  paymentsToAcknowledge,
  renderCombinedReminder,
  renderInstallmentReminder,
  renderReminder,
  renderText,
  renderThankYou,
  smsSegments,
} from '#presentation/reminder-message.ts';
import { newInvoice } from '../support/invoices.ts';

const hostile = newInvoice({ customer: { name: '<script>alert(1)</script> & "Co"' }, poNumber: '<b>PO</b>' });
const now = new Date('2026-12-05T09:00:00Z');

describe('reminder messages', () => {
  test('before and after the due date read differently; a formal notice is a demand', () => {
    const before = renderReminder(newInvoice(), 'friendly', 'https://pay.example/pay/t', { now: new Date('2026-11-28T09:00:00Z') });
    const after = renderReminder(newInvoice(), 'friendly', 'https://pay.example/pay/t', { now });
    const notice = renderReminder(newInvoice(), 'final', 'https://pay.example/pay/t', { formal: true, now });
    assert.equal(before.subject, 'Friendly reminder: invoice INV-2026-0001');
    assert.equal(after.subject, 'Friendly reminder: invoice INV-2026-0001 is overdue');
    assert.equal(notice.subject, 'Formal demand for payment: invoice INV-2026-0001');
  });

  test('every message escapes what the ERP sent in its HTML', () => {
    const messages = [
      renderReminder(hostile, 'firm', 'https://pay.example/pay/t?a=1&b=2', { now }),
      renderInstallmentReminder(hostile, { number: 1, of: 2, dueDate: '2026-12-10', amountMinor: 50_000 }, 'https://pay.example/pay/t'),
      renderCombinedReminder(
        [
          { invoice: hostile, tone: 'friendly', payUrl: 'https://pay.example/pay/a' },
          { invoice: { ...hostile, invoiceId: 'INV-<2>' }, tone: 'firm', payUrl: 'https://pay.example/pay/b' },
        ],
        now,
      ),
    ];
    for (const message of messages) {
      assert.doesNotMatch(message.html, /<script>|<b>PO|INV-<2>/);
      assert.match(message.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot;/);
    }
    assert.match(messages[0]?.html ?? '', /href="https:\/\/pay\.example\/pay\/t\?a=1&amp;b=2"/);
  });

  test('a combined reminder lists each invoice with its own link, in the firmest tone', () => {
    const message = renderCombinedReminder(
      [
        { invoice: newInvoice(), tone: 'friendly', payUrl: 'https://pay.example/pay/a' },
        { invoice: { ...newInvoice(), invoiceId: 'INV-2' }, tone: 'final', payUrl: 'https://pay.example/pay/b' },
      ],
      now,
    );
    assert.equal(message.subject, 'Final notice: 2 invoices');
    assert.match(message.text, /Invoice INV-2026-0001: .*\nPay online: https:\/\/pay\.example\/pay\/a/);
    assert.match(message.text, /Invoice INV-2: .*\nPay online: https:\/\/pay\.example\/pay\/b/);
  });

  test('SMS text stays in the GSM-7 alphabet, so a segment keeps 160 characters', () => {
    const text = renderText({ ...newInvoice(), invoiceId: 'INV–2026“1”' }, 'firm', 'https://pay.example/pay/t');
    assert.equal(gsm7(text), text);
    assert.match(text, /^Overdue: invoice INV\?2026\?1\?, 1250\.00 EUR due 2026-12-01\. Pay: https:\/\/pay\.example\/pay\/t$/);
  });

  test('English keeps its wording: facts, pay link, then the dispute and promise links on the hosted page', () => {
    const message = renderReminder(newInvoice(), 'friendly', 'https://pay.example/pay/t', { now });
    assert.match(message.text, /^Dear Acme GmbH,\n\nThe invoice below has passed its due date\./);
    assert.match(message.text, /\nInvoice: INV-2026-0001\nAmount due: €1,250\.00\nDue date: December 1, 2026\nPO number: PO-778\n/);
    assert.match(message.text, /\nInvoice lines:\n- Consulting, November: 10 × €125\.00\n/);
    assert.match(message.text, /\nPay online: https:\/\/pay\.example\/pay\/t\n/);
    assert.match(
      message.text,
      /\nDispute this invoice: https:\/\/pay\.example\/pay\/t#dispute\nPromise a payment date: https:\/\/pay\.example\/pay\/t#promise\n/,
    );
    assert.match(message.text, /\n\nIf you believe this invoice is wrong, reply to this email or use the link above to tell us why\.$/);
    assert.match(message.html, /<a href="https:\/\/pay\.example\/pay\/t" [^>]*>Pay €1,250\.00 now<\/a>/);
  });

  test('the dispute and promise links replace a fragment the pay link may already have', () => {
    const message = renderReminder(newInvoice(), 'firm', 'https://pay.example/pay/t#top', { now });
    assert.match(message.text, /Dispute this invoice: https:\/\/pay\.example\/pay\/t#dispute\n/);
    assert.match(message.html, /href="https:\/\/pay\.example\/pay\/t#promise"/);
  });

  test('an installment reminder names the installment, its amount and date, and what remains', () => {
    const message = renderInstallmentReminder(
      newInvoice(),
      { number: 2, of: 3, dueDate: '2027-01-15', amountMinor: 40_000 },
      'https://p/t',
    );
    assert.equal(message.subject, 'Installment 2 of 3 due soon: invoice INV-2026-0001');
    assert.match(message.text, /Installment: 2 of 3\nAmount: €400\.00\nDue date: January 15, 2027\nRemaining balance: €1,250\.00\n/);
    assert.match(message.html, />Pay €400\.00 now</);
  });

  test('the thank-you confirms the amount received and that no more reminders come, with no pay link', () => {
    const invoice = {
      ...newInvoice(),
      paidMinor: 125_000,
      payments: { P1: { paymentId: 'P1', amountMinor: 125_000, paidAt: '2026-12-20T23:30:00Z', recordedAt: '2026-12-20T23:30:00Z' } },
    };
    const message = renderThankYou(invoice);
    assert.equal(message.subject, 'Thank you for your payment: invoice INV-2026-0001');
    assert.match(message.text, /We have received €1,250\.00 for invoice INV-2026-0001\. .*no further reminders/);
    assert.match(message.text, /Paid on: December 21, 2026/, 'the day of payment where the customer is (Berlin)');
    assert.doesNotMatch(message.html, /<a /);
  });

  test('a combined reminder totals the balances in one currency, and shows no total across currencies', () => {
    const entries = [
      { invoice: newInvoice(), tone: 'friendly' as const, payUrl: 'https://p/a' },
      {
        invoice: { ...newInvoice(), invoiceId: 'INV-2', amountMinor: 50_000, paidMinor: 10_000 },
        tone: 'firm' as const,
        payUrl: 'https://p/b',
      },
    ];
    const same = renderCombinedReminder(entries, new Date('2026-11-20T00:00:00Z'));
    assert.equal(same.subject, 'Friendly reminder: 2 invoices coming due');
    assert.match(same.text, /Invoice INV-2: €400\.00, due December 1, 2026\nPay online: https:\/\/p\/b\n/);
    assert.match(same.text, /\n\nTotal due: €1,650\.00\n\n/);
    assert.match(same.html, /<tfoot>.*€1,650\.00/s);
    assert.match(same.html, /<a href="https:\/\/p\/b"[^>]*>Pay invoice INV-2<\/a>/, 'each pay link names its invoice');
    const mixed = renderCombinedReminder(
      [entries[0]!, { ...entries[1]!, invoice: { ...entries[1]!.invoice, currency: 'USD' } }],
      new Date('2026-11-20T00:00:00Z'),
    );
    assert.doesNotMatch(mixed.text, /Total due/);
    assert.doesNotMatch(mixed.html, /<tfoot>/);
    assert.match(mixed.text, /Invoice INV-2: \$400\.00/);
  });

  test('a combined reminder totals invoices near MAX_AMOUNT_MINOR exactly, past 2^53', () => {
    const big = (invoiceId: string, amountMinor: number) => ({
      invoice: { ...newInvoice({ invoiceId, amountMinor, lines: [] }) },
      tone: 'friendly' as const,
      payUrl: `https://p/${invoiceId}`,
    });
    const even = renderCombinedReminder([big('A', MAX_AMOUNT_MINOR), big('B', MAX_AMOUNT_MINOR)], new Date('2026-11-20T00:00:00Z'));
    assert.match(even.text, /\n\nTotal due: €180,143,985,094,819\.82\n\n/);
    // Odd totals between 2^53 and 2^54 are not doubles: a number sum would show …819.80 or …819.82.
    const odd = renderCombinedReminder([big('A', MAX_AMOUNT_MINOR), big('B', MAX_AMOUNT_MINOR - 1)], new Date('2026-11-20T00:00:00Z'));
    assert.match(odd.text, /Invoice B: €90,071,992,547,409\.90, due/);
    assert.match(odd.text, /\n\nTotal due: €180,143,985,094,819\.81\n\n/);
    assert.match(odd.html, /<tfoot>.*€180,143,985,094,819\.81/s);
    const german = renderCombinedReminder(
      [big('A', MAX_AMOUNT_MINOR), big('B', MAX_AMOUNT_MINOR - 1)].map((entry) => ({
        ...entry,
        invoice: { ...entry.invoice, customer: { ...entry.invoice.customer, locale: 'de-DE' } },
      })),
      new Date('2026-11-20T00:00:00Z'),
    );
    assert.match(german.text, /180\.143\.985\.094\.819,81\u00a0€/);
  });

  test('payments to acknowledge are added exactly, even on an invoice stored before the bound on payments', () => {
    const invoice = newInvoice();
    const received = (paymentId: string, amountMinor: number) => ({
      at: '2026-11-20T10:00:00.000Z',
      type: 'payment.received',
      paymentId,
      amountMinor,
      paidAt: '2026-11-20T09:00:00.000Z',
    });
    // Hand-built: recordPayment refuses the second one now (invoice.ts); the sum must stay exact regardless.
    const legacy = {
      ...invoice,
      amountMinor: MAX_AMOUNT_MINOR,
      timeline: [...invoice.timeline, received('P-1', MAX_AMOUNT_MINOR), received('P-2', MAX_AMOUNT_MINOR - 1)],
    };
    assert.deepEqual(paymentsToAcknowledge(legacy), {
      amountMinor: 18_014_398_509_481_981n,
      count: 2,
      latestPaidAt: '2026-11-20T09:00:00.000Z',
    });
  });

  test('gsm7 drops accents GSM-7 lacks, keeps those it has, and turns odd spaces into spaces', () => {
    assert.equal(gsm7('Último aviso: ça coûte 1\u202f250,00\u00a0EUR'), 'Ultimo aviso: ca coute 1 250,00 EUR');
    assert.equal(gsm7('Fällig am: échéance, año, Übersicht'), 'Fällig am: échéance, año, Übersicht');
    assert.equal(gsm7('€ – “x” 😀'), '? ? ?x? ?');
  });

  test('SMS segments: 160 GSM-7 characters in one, then 153 each; Unicode drops to 70, then 67', () => {
    assert.equal(smsSegments('a'.repeat(160)), 1);
    assert.equal(smsSegments('a'.repeat(161)), 2);
    assert.equal(smsSegments('a'.repeat(306)), 2);
    assert.equal(smsSegments('a'.repeat(307)), 3);
    assert.equal(smsSegments(`${'a'.repeat(69)}–`), 1);
    assert.equal(smsSegments(`${'a'.repeat(70)}–`), 2);
  });

  test('the SMS shows the balance, not the original amount', () => {
    const text = renderText({ ...newInvoice(), paidMinor: 100_000 }, 'friendly', 'https://p/t');
    assert.equal(text, 'Reminder: invoice INV-2026-0001, 250.00 EUR due 2026-12-01. Pay: https://p/t');
  });

  test('an installment by SMS shows what is due and when, not the whole balance', () => {
    const text = renderText(newInvoice(), 'friendly', 'https://p/t', undefined, { amountMinor: 62_500, dueDate: '2027-01-10' });
    assert.equal(text, 'Reminder: invoice INV-2026-0001, 625.00 EUR due 2027-01-10. Pay: https://p/t');
  });
});
