import { escapeHtml } from './html.ts';
import { balanceMinor, type Invoice } from './invoice.ts';
import { displayAmount, formatAmount } from './money.ts';
import type { Tone } from './policy.ts';

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

type Opening = (number: string) => { subject: string; lead: string };

const beforeDue: Record<Tone, Opening> = {
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
};

const afterDue: Record<Tone, Opening> = {
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
};

const formalNotice: Opening = (number) => ({
  subject: `Formal demand for payment: invoice ${number}`,
  lead: 'Despite our reminders, the invoice below remains unpaid. This is a formal demand for payment of the balance. If it is not paid, we will refer the matter to a collection agency without further notice.',
});

const DISPUTE_HINT = 'If you believe this invoice is wrong, reply to this email or use the link above to tell us why.';

/**
 * The common shape of a one-invoice message: greeting, lead, a table of facts, the pay link and
 * an optional closing line, as plain text and as HTML with every value escaped.
 */
function factsMessage(
  invoice: Invoice,
  subject: string,
  lead: string,
  facts: readonly [string, string][],
  action: { readonly payUrl: string; readonly payLabel: string; readonly closing?: string },
): RenderedMessage {
  const locale = invoice.customer.locale;
  const text = [
    `Dear ${invoice.customer.name},`,
    '',
    lead,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    '',
    `Pay online: ${action.payUrl}`,
    ...(action.closing ? ['', action.closing] : []),
  ].join('\n');
  const html = `<!doctype html><html lang="${escapeHtml(locale)}"><body style="font-family:sans-serif;line-height:1.5">
<p>Dear ${escapeHtml(invoice.customer.name)},</p>
<p>${escapeHtml(lead)}</p>
<table role="presentation">${facts.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(action.payUrl)}">${escapeHtml(action.payLabel)}</a></p>
${action.closing ? `<p>${escapeHtml(action.closing)}</p>\n` : ''}</body></html>`;
  return { subject, text, html };
}

function formatDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/**
 * The reminder for one step: invoice number, amount due now (the balance, not the original
 * amount), due date and the pay link. Every interpolated value is escaped in the HTML part.
 */
export function renderReminder(
  invoice: Invoice,
  tone: Tone,
  payUrl: string,
  options: { readonly formal?: boolean; readonly now: Date },
): RenderedMessage {
  const locale = invoice.customer.locale;
  const amountDue = displayAmount(balanceMinor(invoice), invoice.currency, locale);
  const dueDate = formatDate(invoice.dueDate, locale);
  const overdue = options.now.toISOString().slice(0, 10) > invoice.dueDate;
  const opening = options.formal ? formalNotice : (overdue ? afterDue : beforeDue)[tone];
  const { subject, lead } = opening(invoice.invoiceId);
  const facts: [string, string][] = [
    ['Invoice', invoice.invoiceId],
    ['Amount due', amountDue],
    ['Due date', dueDate],
    ...(invoice.poNumber ? ([['PO number', invoice.poNumber]] as [string, string][]) : []),
  ];
  return factsMessage(invoice, subject, lead, facts, { payUrl, payLabel: `Pay ${amountDue} now`, closing: DISPUTE_HINT });
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

/**
 * The SMS: short, with the link, and only GSM-7 characters (no accidental Unicode, which would
 * cut a segment from 160 to 70 characters). Amounts use the ISO code, not a currency sign.
 */
export function renderText(invoice: Invoice, tone: Tone, payUrl: string): string {
  const amount = `${formatAmount(Math.max(balanceMinor(invoice), 0), invoice.currency)} ${invoice.currency}`;
  const lead = tone === 'friendly' ? 'Reminder' : tone === 'firm' ? 'Overdue' : 'Final notice';
  return gsm7(`${lead}: invoice ${invoice.invoiceId}, ${amount} due ${invoice.dueDate}. Pay: ${payUrl}`);
}

const gsm7Basic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Replaces anything outside the GSM-7 basic set (e.g. a customer's invoice id with "–"). */
export function gsm7(text: string): string {
  return [...text].map((char) => (gsm7Basic.includes(char) ? char : '?')).join('');
}

/** The reminder before a payment-plan installment: that installment's amount and date, and what remains. */
export function renderInstallmentReminder(
  invoice: Invoice,
  installment: { readonly number: number; readonly of: number; readonly dueDate: string; readonly amountMinor: number },
  payUrl: string,
): RenderedMessage {
  const locale = invoice.customer.locale;
  const amount = displayAmount(installment.amountMinor, invoice.currency, locale);
  const remaining = displayAmount(Math.max(balanceMinor(invoice), 0), invoice.currency, locale);
  const subject = `Installment ${installment.number} of ${installment.of} due soon: invoice ${invoice.invoiceId}`;
  const lead = `Thank you for agreeing a payment plan. Installment ${installment.number} of ${installment.of} is due soon.`;
  const facts: [string, string][] = [
    ['Invoice', invoice.invoiceId],
    ['Installment', `${installment.number} of ${installment.of}`],
    ['Amount', amount],
    ['Due date', formatDate(installment.dueDate, locale)],
    ['Remaining balance', remaining],
  ];
  return factsMessage(invoice, subject, lead, facts, { payUrl, payLabel: `Pay ${amount} now` });
}

const toneRank: Record<Tone, number> = { friendly: 0, firm: 1, final: 2 };

/**
 * One message for several invoices of one customer due for a reminder at the same time: each
 * invoice with its amount due, due date and own pay link, in the firmest of their tones.
 */
export function renderCombinedReminder(entries: readonly { invoice: Invoice; tone: Tone; payUrl: string }[], now: Date): RenderedMessage {
  const first = entries[0];
  if (!first) throw new Error('a combined reminder needs at least one invoice');
  const locale = first.invoice.customer.locale;
  const tone = entries.reduce<Tone>((firmest, entry) => (toneRank[entry.tone] > toneRank[firmest] ? entry.tone : firmest), 'friendly');
  const overdue = entries.some((entry) => now.toISOString().slice(0, 10) > entry.invoice.dueDate);
  const subject =
    tone === 'final'
      ? `Final notice: ${entries.length} invoices`
      : overdue
        ? `Payment reminder: ${entries.length} invoices, some overdue`
        : `Friendly reminder: ${entries.length} invoices coming due`;
  const lead =
    tone === 'friendly'
      ? 'Here is a summary of the invoices below. If you have already paid, thank you, and please ignore this message.'
      : 'The invoices below need your attention. Please arrange payment as soon as possible.';
  const rows = entries.map(({ invoice, payUrl }) => ({
    number: invoice.invoiceId,
    amount: displayAmount(Math.max(balanceMinor(invoice), 0), invoice.currency, locale),
    due: formatDate(invoice.dueDate, locale),
    payUrl,
  }));
  const text = [
    `Dear ${first.invoice.customer.name},`,
    '',
    lead,
    '',
    ...rows.flatMap((row) => [`Invoice ${row.number}: ${row.amount}, due ${row.due}`, `Pay online: ${row.payUrl}`, '']),
    'If you believe an invoice is wrong, reply to this email or use its link to tell us why.',
  ].join('\n');
  const html = `<!doctype html><html lang="${escapeHtml(locale)}"><body style="font-family:sans-serif;line-height:1.5">
<p>Dear ${escapeHtml(first.invoice.customer.name)},</p>
<p>${escapeHtml(lead)}</p>
<table><thead><tr><th align="left">Invoice</th><th align="left">Amount due</th><th align="left">Due date</th><th></th></tr></thead><tbody>${rows
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.number)}</td><td>${escapeHtml(row.amount)}</td><td>${escapeHtml(row.due)}</td><td><a href="${escapeHtml(row.payUrl)}">Pay</a></td></tr>`,
    )
    .join('')}</tbody></table>
<p>If you believe an invoice is wrong, reply to this email or use its link to tell us why.</p>
</body></html>`;
  return { subject, text, html };
}
