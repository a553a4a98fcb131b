import { balanceMinor, type Invoice } from '#domain/invoice.ts';
import { sumMinor } from '#domain/money.ts';
import { preferencesUrl } from '#domain/pay-link.ts';
import type { Tone } from '#domain/policy.ts';
import { dayIn, longDate, longDay, money, quantity } from './templates/format.ts';
import { type Voice, voiceFor } from './templates/languages.ts';
import {
  button,
  document,
  facts,
  group,
  heading,
  invoiceTable,
  lineTable,
  links,
  type Part,
  paragraph,
  signature,
} from './templates/layout.ts';
import type { Creditor } from './templates/wording.ts';

export type { Creditor } from './templates/wording.ts';

/**
 * Customer messages: reminders (friendly, firm, final), the formal demand, payment-plan
 * installments, several invoices at once, the thank-you, and the SMS. The language follows the
 * customer's locale (see templates/languages.ts; English for any other), while amounts and dates
 * are formatted with the full locale, so de-AT and de-DE read alike but number like themselves.
 */
export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** What is still owed: the balance, never the original amount, and never below zero. */
function amountDueMinor(invoice: Invoice): number {
  return Math.max(balanceMinor(invoice), 0);
}

function isOverdue(invoice: Invoice, now: Date): boolean {
  return now.toISOString().slice(0, 10) > invoice.dueDate;
}

/** Payments the customer has not yet been told about: their total, how many, and the latest paidAt. */
export interface UnacknowledgedPayments {
  /** BigInt, like every sum of amounts (money.ts `sumMinor`). */
  readonly amountMinor: bigint;
  readonly count: number;
  readonly latestPaidAt: string;
}

/**
 * Payments recorded since the last message to the customer (`payment.received` after the last
 * `reminder.sent` on the timeline; all of them before the first message), while the invoice is
 * still owed. The next message acknowledges them; once it is sent, its `reminder.sent` moves the
 * mark, so no later message repeats them unless another payment arrives. Several payments read as
 * one total with the latest date: a message stays short (an SMS within its segment) and the
 * balance that follows is what the customer acts on; the email says how many there were.
 */
export function paymentsToAcknowledge(invoice: Invoice): UnacknowledgedPayments | undefined {
  if (amountDueMinor(invoice) <= 0) return undefined;
  const lastMessage = invoice.timeline.findLastIndex((event) => event.type === 'reminder.sent');
  const amounts: number[] = [];
  let latestPaidAt = '';
  for (const event of invoice.timeline.slice(lastMessage + 1)) {
    if (event.type !== 'payment.received' || typeof event.amountMinor !== 'number' || typeof event.paidAt !== 'string') continue;
    amounts.push(event.amountMinor);
    if (event.paidAt > latestPaidAt) latestPaidAt = event.paidAt;
  }
  const amountMinor = sumMinor(amounts);
  return amounts.length > 0 && amountMinor > 0n ? { amountMinor, count: amounts.length, latestPaidAt } : undefined;
}

/** "We received €400.00 on 12 December 2026 — thank you. €850.00 remains due.", or nothing. */
function receivedPart({ wording, locale }: Voice, invoice: Invoice): Part | undefined {
  const received = paymentsToAcknowledge(invoice);
  if (!received) return undefined;
  return paragraph(
    wording.received({
      amount: money(received.amountMinor, invoice.currency, locale),
      date: longDay(received.latestPaidAt, locale, invoice.customer.timeZone),
      remaining: money(amountDueMinor(invoice), invoice.currency, locale),
      payments: received.count,
    }),
  );
}

/**
 * The hosted page behind the pay link has a section to dispute and one to promise a date; the
 * fragment takes the customer straight there (the same signed token, so no second link to sign).
 */
function pageSection(payUrl: string, section: 'dispute' | 'promise'): string {
  return `${payUrl.replace(/#.*$/s, '')}#${section}`;
}

function secondaryLinks({ wording }: Voice, payUrl: string): Part {
  return links(
    [
      { label: wording.dispute, href: pageSection(payUrl, 'dispute') },
      { label: wording.promise, href: pageSection(payUrl, 'promise') },
      { label: wording.preferences, href: preferencesUrl(payUrl) },
    ],
    wording.field,
  );
}

function invoiceLines({ wording, locale }: Voice, invoice: Invoice): Part | undefined {
  if (invoice.lines.length === 0) return undefined;
  const { labels } = wording;
  return lineTable(
    labels.lines,
    labels,
    invoice.lines.map((line) => ({
      description: line.description,
      quantity: quantity(line.quantity, locale),
      unitPrice: money(line.unitPriceMinor, invoice.currency, locale),
    })),
    wording,
  );
}

/**
 * Who is asking, at the end of every message: the sign-off with the creditor's name and, when
 * known, where to ask questions. Without a creditor (older callers) the message ends as before.
 */
function creditorParts({ wording }: Voice, creditor: Creditor | undefined): Part[] {
  if (!creditor) return [];
  return [signature([wording.signOff, creditor.name]), ...(creditor.contact ? [paragraph(wording.contact(creditor.contact))] : [])];
}

function poNumber({ wording }: Voice, invoice: Invoice): [string, string][] {
  return invoice.poNumber ? [[wording.labels.poNumber, invoice.poNumber]] : [];
}

/**
 * The shape of a one-invoice message: greeting, lead, facts, the invoice lines, the pay button,
 * the dispute and promise links, and a closing line.
 */
function invoiceMessage(
  voice: Voice,
  invoice: Invoice,
  content: {
    readonly subject: string;
    readonly lead: string;
    readonly facts: readonly (readonly [string, string])[];
    readonly payUrl: string;
    readonly payLabel: string;
    readonly closing?: string;
  },
  creditor: Creditor | undefined,
): RenderedMessage {
  const { wording } = voice;
  const parts = [
    paragraph(wording.greeting(invoice.customer.name)),
    paragraph(content.lead),
    receivedPart(voice, invoice),
    facts(content.facts, wording.field),
    invoiceLines(voice, invoice),
    button(wording.payOnline, content.payLabel, content.payUrl, wording.field),
    secondaryLinks(voice, content.payUrl),
    content.closing === undefined ? undefined : paragraph(content.closing),
    ...creditorParts(voice, creditor),
  ].filter((part): part is Part => part !== undefined);
  return document(voice.lang, content.subject, parts);
}

/**
 * The reminder for one step: invoice number, amount due now (the balance, not the original
 * amount), due date, lines and the pay link. Before and after the due date read differently;
 * `formal` makes it the formal demand that announces referral to a collection agency.
 */
export function renderReminder(
  invoice: Invoice,
  tone: Tone,
  payUrl: string,
  options: { readonly formal?: boolean; readonly now: Date; readonly creditor?: Creditor | undefined },
): RenderedMessage {
  const voice = voiceFor(invoice.customer.locale);
  const { wording, locale } = voice;
  const amountDue = money(amountDueMinor(invoice), invoice.currency, locale);
  const openings = isOverdue(invoice, options.now) ? wording.reminder.afterDue : wording.reminder.beforeDue;
  const { subject, lead } = options.formal ? wording.reminder.formal(invoice.invoiceId) : openings[tone](invoice.invoiceId);
  return invoiceMessage(
    voice,
    invoice,
    {
      subject,
      lead,
      facts: [
        [wording.labels.invoice, invoice.invoiceId],
        [wording.labels.amountDue, amountDue],
        [wording.labels.dueDate, longDate(invoice.dueDate, locale)],
        ...poNumber(voice, invoice),
      ],
      payUrl,
      payLabel: wording.payNow(amountDue),
      closing: wording.reminder.closing,
    },
    options.creditor,
  );
}

/** The reminder before a payment-plan installment: that installment's amount and date, and what remains. */
export function renderInstallmentReminder(
  invoice: Invoice,
  installment: { readonly number: number; readonly of: number; readonly dueDate: string; readonly amountMinor: number },
  payUrl: string,
  creditor?: Creditor,
): RenderedMessage {
  const voice = voiceFor(invoice.customer.locale);
  const { wording, locale } = voice;
  const amount = money(installment.amountMinor, invoice.currency, locale);
  return invoiceMessage(
    voice,
    invoice,
    {
      subject: wording.installment.subject(installment.number, installment.of, invoice.invoiceId),
      lead: wording.installment.lead(installment.number, installment.of),
      facts: [
        [wording.labels.invoice, invoice.invoiceId],
        [wording.labels.installment, wording.installment.position(installment.number, installment.of)],
        [wording.labels.amount, amount],
        [wording.labels.dueDate, longDate(installment.dueDate, locale)],
        [wording.labels.remainingBalance, money(amountDueMinor(invoice), invoice.currency, locale)],
        ...poNumber(voice, invoice),
      ],
      payUrl,
      payLabel: wording.payNow(amount),
    },
    creditor,
  );
}

/** Confirms the amount received and that no more reminders will come; no pay button. */
export function renderThankYou(invoice: Invoice, creditor?: Creditor): RenderedMessage {
  const voice = voiceFor(invoice.customer.locale);
  const { wording, locale } = voice;
  const paid = money(invoice.paidMinor, invoice.currency, locale);
  const lastPayment = Object.values(invoice.payments).reduce<string | undefined>(
    (latest, payment) => (latest === undefined || payment.paidAt > latest ? payment.paidAt : latest),
    undefined,
  );
  const rows: [string, string][] = [
    [wording.labels.invoice, invoice.invoiceId],
    [wording.labels.amountReceived, paid],
    ...(lastPayment ? ([[wording.labels.paidOn, longDay(lastPayment, locale, invoice.customer.timeZone)]] as [string, string][]) : []),
    ...poNumber(voice, invoice),
  ];
  return document(voice.lang, wording.thankYou.subject(invoice.invoiceId), [
    paragraph(wording.greeting(invoice.customer.name)),
    paragraph(wording.thankYou.lead(paid, invoice.invoiceId)),
    facts(rows, wording.field),
    paragraph(wording.thankYou.closing),
    ...creditorParts(voice, creditor),
  ]);
}

const toneRank: Record<Tone, number> = { friendly: 0, firm: 1, final: 2 };

/**
 * One message for several invoices of one customer due for a reminder at the same time: each
 * invoice with its amount due, due date, lines and own links, in the firmest of their tones.
 */
export function renderCombinedReminder(
  entries: readonly { invoice: Invoice; tone: Tone; payUrl: string }[],
  now: Date,
  creditor?: Creditor,
): RenderedMessage {
  const first = entries[0];
  if (!first) throw new Error('a combined reminder needs at least one invoice');
  const voice = voiceFor(first.invoice.customer.locale);
  const { wording, locale } = voice;
  const tone = entries.reduce<Tone>((firmest, entry) => (toneRank[entry.tone] > toneRank[firmest] ? entry.tone : firmest), 'friendly');
  const overdue = entries.some((entry) => isOverdue(entry.invoice, now));
  const rows = entries.map(({ invoice, payUrl }) => ({
    invoice,
    invoiceId: invoice.invoiceId,
    amount: money(amountDueMinor(invoice), invoice.currency, locale),
    dueDate: longDate(invoice.dueDate, locale),
    payUrl,
    payLabel: wording.payInvoice(invoice.invoiceId),
  }));
  const currencies = new Set(entries.map(({ invoice }) => invoice.currency));
  const total =
    currencies.size === 1
      ? money(sumMinor(entries.map(({ invoice }) => amountDueMinor(invoice))), first.invoice.currency, locale)
      : undefined;

  // Text: one block per invoice (summary, pay link, details); HTML: the list as a table with a
  // pay link per row, then each invoice's details. Same content, same order of invoices.
  const details = rows.map((row) => {
    const po = poNumber(voice, row.invoice);
    const lines = invoiceLines(voice, row.invoice);
    const secondary = secondaryLinks(voice, row.payUrl);
    const received = receivedPart(voice, row.invoice);
    return {
      text: [
        wording.combined.summary(row.invoiceId, row.amount, row.dueDate),
        ...(received ? [received.text] : []),
        wording.field(wording.payOnline, row.payUrl),
        ...po.map(([label, value]) => wording.field(label, value)),
        ...(lines ? [lines.text] : []),
        secondary.text,
      ].join('\n'),
      html: group([
        heading(`${wording.labels.invoice} ${row.invoiceId}`),
        ...(received ? [received] : []),
        ...(po.length > 0 ? [facts(po, wording.field)] : []),
        ...(lines ? [lines] : []),
        secondary,
      ]).html,
    };
  });
  const list: Part = {
    text: [...details.map((detail) => detail.text), ...(total ? [wording.field(wording.labels.totalDue, total)] : [])].join('\n\n'),
    html: [invoiceTable(wording.labels, rows, total), ...details.map((detail) => detail.html)].join('\n'),
  };
  return document(voice.lang, wording.combined.subject(tone, overdue, entries.length), [
    paragraph(wording.greeting(first.invoice.customer.name)),
    paragraph(wording.combined.lead(tone)),
    list,
    paragraph(wording.combined.closing),
    ...creditorParts(voice, creditor),
  ]);
}

/**
 * The SMS: short, with the link, and only GSM-7 characters (no accidental Unicode, which would
 * cut a segment from 160 to 70 characters). Amounts use the ISO code, not a currency sign.
 * It starts with the creditor's name ("Acme Ltd: Reminder: ...") whenever that costs no extra
 * segment: who is asking matters, but not enough to double the price of the message.
 */
export function renderText(
  invoice: Invoice,
  tone: Tone,
  payUrl: string,
  creditor?: Creditor,
  due?: { readonly amountMinor: number; readonly dueDate: string },
): string {
  const plain = smsBody(invoice, tone, payUrl, due);
  if (!creditor) return plain;
  const named = gsm7(`${creditor.name.replace(/\s+/g, ' ').trim()}: ${plain}`);
  return smsSegments(named) <= smsSegments(plain) ? named : plain;
}

/** The thank-you as a text, for a customer email cannot reach; GSM-7, the creditor first when that costs no segment. */
export function renderThankYouText(invoice: Invoice, creditor?: Creditor): string {
  const { wording, locale } = voiceFor(invoice.customer.locale);
  const plain = gsm7(wording.smsThanks({ invoiceId: invoice.invoiceId, paidMinor: invoice.paidMinor, currency: invoice.currency, locale }));
  if (!creditor) return plain;
  const named = gsm7(`${creditor.name.replace(/\s+/g, ' ').trim()}: ${plain}`);
  return smsSegments(named) <= smsSegments(plain) ? named : plain;
}

/** `due`: what is due now, when it is not the invoice's balance by its due date (an installment). */
function smsBody(invoice: Invoice, tone: Tone, payUrl: string, due?: { readonly amountMinor: number; readonly dueDate: string }): string {
  const { wording, locale } = voiceFor(invoice.customer.locale);
  const received = paymentsToAcknowledge(invoice);
  return gsm7(
    wording.sms({
      tone,
      invoiceId: invoice.invoiceId,
      balanceMinor: due?.amountMinor ?? amountDueMinor(invoice),
      currency: invoice.currency,
      dueDate: due?.dueDate ?? invoice.dueDate,
      locale,
      payUrl,
      received: received
        ? wording.smsReceived({
            amountMinor: received.amountMinor,
            currency: invoice.currency,
            paidOn: dayIn(received.latestPaidAt, invoice.customer.timeZone),
            locale,
          })
        : undefined,
    }),
  );
}

const gsm7Basic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Spaces Intl and typists use that GSM-7 lacks; a plain space reads the same. */
const spaces = /[\u00a0\u2007\u2009\u202f]/;

/**
 * Keeps text inside the GSM-7 basic set: letters with an accent GSM-7 lacks lose the accent
 * ("Último" → "Ultimo", "ç" → "c"), odd spaces become spaces, anything else becomes "?" (e.g. a
 * customer's invoice id with "–").
 */
export function gsm7(text: string): string {
  return [...text]
    .map((char) => {
      if (gsm7Basic.includes(char)) return char;
      if (spaces.test(char)) return ' ';
      const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
      return bare.length > 0 && bare !== char && [...bare].every((c) => gsm7Basic.includes(c)) ? bare : '?';
    })
    .join('');
}

/**
 * SMS segments a text takes: 160 GSM-7 characters in one, 153 each once split; any character
 * outside GSM-7 turns the whole message into UCS-2 (70, then 67 per segment).
 */
export function smsSegments(text: string): number {
  if (gsm7(text) === text) return text.length <= 160 ? 1 : Math.ceil(text.length / 153);
  const units = text.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
