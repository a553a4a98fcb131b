import { formatAmount } from '#domain/money.ts';
import type { Tone } from '#domain/policy.ts';
import type { Wording } from './wording.ts';

/**
 * "12 Dec": the day of a payment, read alike in en-US and en-GB, short enough to keep one segment.
 * Made on first use, as the other languages' formats are: the first Intl date format of a
 * process costs some 20 ms, which every function importing the wording would otherwise pay at
 * cold start whether it texts a thank-you or not.
 */
let smsDayFormat: Intl.DateTimeFormat | undefined;
function smsDay(date: string): string {
  smsDayFormat ??= new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return smsDayFormat.format(new Date(`${date}T00:00:00Z`));
}

const smsLead: Record<Tone, string> = { friendly: 'Reminder', firm: 'Overdue', final: 'Final notice' };

export const en: Wording = {
  language: 'en',
  field: (label, value) => `${label}: ${value}`,
  listLabel: (label) => `${label}:`,
  greeting: (name) => `Dear ${name},`,
  reminder: {
    beforeDue: {
      friendly: (number) => ({
        subject: `Friendly reminder: invoice ${number}`,
        lead: 'This is a friendly reminder that the invoice below is coming due. If you have already paid, thank you, and please ignore this message.',
      }),
      firm: (number) => ({
        subject: `Payment due soon: invoice ${number}`,
        lead: 'The invoice below is due shortly. Please make sure it is paid on time.',
      }),
      final: (number) => ({
        subject: `Final notice: invoice ${number}`,
        lead: 'The invoice below is due shortly. Please pay it on time, or contact us at once if something is wrong.',
      }),
    },
    afterDue: {
      friendly: (number) => ({
        subject: `Friendly reminder: invoice ${number} is overdue`,
        lead: 'The invoice below has passed its due date. Perhaps it slipped through; if you have already paid, thank you, and please ignore this message.',
      }),
      firm: (number) => ({
        subject: `Payment overdue: invoice ${number}`,
        lead: 'Our records show that the invoice below is past due. Please arrange payment as soon as possible.',
      }),
      final: (number) => ({
        subject: `Final notice: invoice ${number}`,
        lead: 'This is our final reminder before we escalate the invoice below. Please pay the balance now or contact us if something is wrong.',
      }),
    },
    formal: (number) => ({
      subject: `Formal demand for payment: invoice ${number}`,
      lead: 'Despite our reminders, the invoice below remains unpaid. This is a formal demand for payment of the balance. If it is not paid, we will refer the matter to a collection agency without further notice.',
    }),
    closing: 'If you believe this invoice is wrong, reply to this email or use the link above to tell us why.',
  },
  installment: {
    subject: (number, of, invoiceId) => `Installment ${number} of ${of} due soon: invoice ${invoiceId}`,
    lead: (number, of) => `Thank you for agreeing a payment plan. Installment ${number} of ${of} is due soon.`,
    position: (number, of) => `${number} of ${of}`,
  },
  thankYou: {
    subject: (invoiceId) => `Thank you for your payment: invoice ${invoiceId}`,
    lead: (amount, invoiceId) =>
      `We have received ${amount} for invoice ${invoiceId}. The invoice is now settled and you will receive no further reminders about it.`,
    closing: 'Thank you.',
  },
  combined: {
    subject: (tone, overdue, count) =>
      tone === 'final'
        ? `Final notice: ${count} invoices`
        : overdue
          ? `Payment reminder: ${count} invoices, some overdue`
          : `Friendly reminder: ${count} invoices coming due`,
    lead: (tone) =>
      tone === 'friendly'
        ? 'Here is a summary of the invoices below. If you have already paid, thank you, and please ignore this message.'
        : 'The invoices below need your attention. Please arrange payment as soon as possible.',
    summary: (invoiceId, amount, dueDate) => `Invoice ${invoiceId}: ${amount}, due ${dueDate}`,
    closing: 'If you believe an invoice is wrong, reply to this email or use its link to tell us why.',
  },
  labels: {
    invoice: 'Invoice',
    amountDue: 'Amount due',
    dueDate: 'Due date',
    poNumber: 'PO number',
    installment: 'Installment',
    amount: 'Amount',
    remainingBalance: 'Remaining balance',
    amountReceived: 'Amount received',
    paidOn: 'Paid on',
    lines: 'Invoice lines',
    description: 'Description',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
    totalDue: 'Total due',
    payment: 'Payment',
  },
  payOnline: 'Pay online',
  payNow: (amount) => `Pay ${amount} now`,
  payInvoice: (invoiceId) => `Pay invoice ${invoiceId}`,
  dispute: 'Dispute this invoice',
  promise: 'Promise a payment date',
  preferences: 'Communication preferences',
  line: (description, quantity, unitPrice) => `${description}: ${quantity} × ${unitPrice}`,
  signOff: 'Kind regards,',
  contact: (contact) => `Questions? Contact us: ${contact}`,
  // English SMS keep the API's amount and the ISO date: one form that en-US and en-GB readers
  // both read the same way (12/01 is December in one and January in the other).
  received: ({ amount, date, remaining, payments }) =>
    payments === 1
      ? `We received ${amount} on ${date} — thank you. ${remaining} remains due.`
      : `We received ${amount} in ${payments} payments, the latest on ${date} — thank you. ${remaining} remains due.`,
  smsReceived: ({ amountMinor, currency, paidOn }) =>
    `Received ${formatAmount(amountMinor, currency)} ${currency} on ${smsDay(paidOn)}, thanks.`,
  sms: ({ tone, invoiceId, balanceMinor, currency, dueDate, payUrl, received }) =>
    `${smsLead[tone]}: invoice ${invoiceId}, ${formatAmount(balanceMinor, currency)} ${currency} due ${dueDate}. ${received ? `${received} ` : ''}Pay: ${payUrl}`,
  smsThanks: ({ invoiceId, paidMinor, currency }) =>
    `Thank you: we received ${formatAmount(paidMinor, currency)} ${currency} for invoice ${invoiceId}. It is paid in full.`,
};
