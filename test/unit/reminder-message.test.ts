import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gsm7, renderCombinedReminder, renderInstallmentReminder, renderReminder, renderText } from '#domain/reminder-message.ts';
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
});
