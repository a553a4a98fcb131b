import type { Tone } from './cadence.ts';
import { escapeHtml } from './html.ts';
import { balanceMinor, type Invoice } from './invoice.ts';
import { displayAmount } from './money.ts';

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const openings: Record<Tone, (number: string) => { subject: string; lead: string }> = {
  friendly: (number) => ({
    subject: `Friendly reminder: invoice ${number}`,
    lead: 'This is a friendly reminder that the invoice below is coming due. If you have already paid, thank you, and please ignore this message.',
  }),
  firm: (number) => ({
    subject: `Payment overdue: invoice ${number}`,
    lead: 'Our records show that the invoice below is past due. Please arrange payment as soon as possible.',
  }),
  final: (number) => ({
    subject: `Final notice: invoice ${number}`,
    lead: 'This is our final reminder before we escalate the invoice below. Please pay the balance now or contact us if something is wrong.',
  }),
};

function formatDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/**
 * The reminder for one step: invoice number, amount due now (the balance, not the original
 * amount), due date and the pay link. Every interpolated value is escaped in the HTML part.
 */
export function renderReminder(invoice: Invoice, tone: Tone, payUrl: string): RenderedMessage {
  const locale = invoice.customer.locale;
  const amountDue = displayAmount(balanceMinor(invoice), invoice.currency, locale);
  const dueDate = formatDate(invoice.dueDate, locale);
  const { subject, lead } = openings[tone](invoice.invoiceId);
  const facts: [string, string][] = [
    ['Invoice', invoice.invoiceId],
    ['Amount due', amountDue],
    ['Due date', dueDate],
    ...(invoice.poNumber ? ([['PO number', invoice.poNumber]] as [string, string][]) : []),
  ];
  const text = [
    `Dear ${invoice.customer.name},`,
    '',
    lead,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    '',
    `Pay online: ${payUrl}`,
    '',
    'If you believe this invoice is wrong, reply to this email or use the link above to tell us why.',
  ].join('\n');
  const html = `<!doctype html><html lang="${escapeHtml(locale)}"><body style="font-family:sans-serif;line-height:1.5">
<p>Dear ${escapeHtml(invoice.customer.name)},</p>
<p>${escapeHtml(lead)}</p>
<table role="presentation">${facts.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(payUrl)}">Pay ${escapeHtml(amountDue)} now</a></p>
<p>If you believe this invoice is wrong, reply to this email or use the link above to tell us why.</p>
</body></html>`;
  return { subject, text, html };
}

export function renderThankYou(invoice: Invoice): RenderedMessage {
  const locale = invoice.customer.locale;
  const paid = displayAmount(invoice.paidMinor, invoice.currency, locale);
  const subject = `Thank you for your payment: invoice ${invoice.invoiceId}`;
  const lead = `We have received ${paid} for invoice ${invoice.invoiceId}. The invoice is now settled and you will receive no further reminders about it.`;
  const text = [`Dear ${invoice.customer.name},`, '', lead, '', 'Thank you.'].join('\n');
  const html = `<!doctype html><html lang="${escapeHtml(locale)}"><body style="font-family:sans-serif;line-height:1.5">
<p>Dear ${escapeHtml(invoice.customer.name)},</p><p>${escapeHtml(lead)}</p><p>Thank you.</p></body></html>`;
  return { subject, text, html };
}
