import type { Tone } from '#domain/policy.ts';
import { smsAmount, smsDate, smsDayMonth } from './format.ts';
import type { Wording } from './wording.ts';

const smsLead: Record<Tone, string> = { friendly: 'Erinnerung an', firm: 'Zahlungsaufforderung zu', final: 'Letzte Mahnung zu' };

// Leads follow "Guten Tag …," and so start in lower case, as German letters do after a comma.
const alreadyPaid = 'Falls Sie bereits bezahlt haben, danken wir Ihnen – dann betrachten Sie diese Nachricht bitte als gegenstandslos.';

export const de: Wording = {
  language: 'de',
  field: (label, value) => `${label}: ${value}`,
  listLabel: (label) => `${label}:`,
  greeting: (name) => `Guten Tag ${name},`,
  reminder: {
    beforeDue: {
      friendly: (number) => ({
        subject: `Freundliche Erinnerung: Rechnung ${number}`,
        lead: `wir möchten Sie freundlich daran erinnern, dass die unten aufgeführte Rechnung bald fällig wird. ${alreadyPaid}`,
      }),
      firm: (number) => ({
        subject: `Zahlung bald fällig: Rechnung ${number}`,
        lead: 'die unten aufgeführte Rechnung wird in Kürze fällig. Bitte sorgen Sie dafür, dass sie pünktlich bezahlt wird.',
      }),
      final: (number) => ({
        subject: `Letzte Erinnerung: Rechnung ${number}`,
        lead: 'die unten aufgeführte Rechnung wird in Kürze fällig. Bitte begleichen Sie sie fristgerecht oder melden Sie sich umgehend bei uns, falls etwas nicht stimmt.',
      }),
    },
    afterDue: {
      friendly: (number) => ({
        subject: `Freundliche Erinnerung: Rechnung ${number} ist überfällig`,
        lead: `das Zahlungsziel der unten aufgeführten Rechnung ist überschritten. Vielleicht ist sie im Alltag untergegangen. ${alreadyPaid}`,
      }),
      firm: (number) => ({
        subject: `Zahlung überfällig: Rechnung ${number}`,
        lead: 'laut unseren Unterlagen ist die unten aufgeführte Rechnung überfällig. Bitte veranlassen Sie die Zahlung so bald wie möglich.',
      }),
      final: (number) => ({
        subject: `Letzte Mahnung: Rechnung ${number}`,
        lead: 'dies ist unsere letzte Mahnung, bevor wir weitere Schritte einleiten. Bitte begleichen Sie den offenen Betrag jetzt oder melden Sie sich bei uns, falls etwas nicht stimmt.',
      }),
    },
    formal: (number) => ({
      subject: `Förmliche Zahlungsaufforderung: Rechnung ${number}`,
      lead: 'trotz unserer Erinnerungen ist die unten aufgeführte Rechnung weiterhin unbezahlt. Hiermit fordern wir Sie förmlich auf, den offenen Betrag zu begleichen. Geht die Zahlung nicht ein, übergeben wir die Forderung ohne weitere Ankündigung einem Inkassounternehmen.',
    }),
    closing:
      'Falls Sie diese Rechnung für fehlerhaft halten, antworten Sie auf diese E-Mail oder nennen Sie uns über den Link oben den Grund.',
  },
  installment: {
    subject: (number, of, invoiceId) => `Rate ${number} von ${of} bald fällig: Rechnung ${invoiceId}`,
    lead: (number, of) => `vielen Dank, dass Sie einer Ratenzahlung zugestimmt haben. Rate ${number} von ${of} wird bald fällig.`,
    position: (number, of) => `${number} von ${of}`,
  },
  thankYou: {
    subject: (invoiceId) => `Vielen Dank für Ihre Zahlung: Rechnung ${invoiceId}`,
    lead: (amount, invoiceId) =>
      `wir haben ${amount} für die Rechnung ${invoiceId} erhalten. Die Rechnung ist damit beglichen, und Sie erhalten keine weiteren Erinnerungen dazu.`,
    closing: 'Vielen Dank.',
  },
  combined: {
    subject: (tone, overdue, count) =>
      tone === 'final'
        ? `Letzte Mahnung: ${count} Rechnungen`
        : overdue
          ? `Zahlungserinnerung: ${count} Rechnungen, teilweise überfällig`
          : `Freundliche Erinnerung: ${count} Rechnungen werden fällig`,
    lead: (tone) =>
      tone === 'friendly'
        ? `hier ist eine Übersicht über die unten aufgeführten Rechnungen. ${alreadyPaid}`
        : 'die unten aufgeführten Rechnungen erfordern Ihre Aufmerksamkeit. Bitte veranlassen Sie die Zahlung so bald wie möglich.',
    summary: (invoiceId, amount, dueDate) => `Rechnung ${invoiceId}: ${amount}, fällig am ${dueDate}`,
    closing: 'Falls Sie eine Rechnung für fehlerhaft halten, antworten Sie auf diese E-Mail oder nennen Sie uns über ihren Link den Grund.',
  },
  labels: {
    invoice: 'Rechnung',
    amountDue: 'Offener Betrag',
    dueDate: 'Fällig am',
    poNumber: 'Bestellnummer',
    installment: 'Rate',
    amount: 'Betrag',
    remainingBalance: 'Restbetrag',
    amountReceived: 'Erhaltener Betrag',
    paidOn: 'Bezahlt am',
    lines: 'Rechnungspositionen',
    description: 'Beschreibung',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    totalDue: 'Insgesamt offen',
    payment: 'Zahlung',
  },
  payOnline: 'Online bezahlen',
  payNow: (amount) => `${amount} jetzt bezahlen`,
  payInvoice: (invoiceId) => `Rechnung ${invoiceId} bezahlen`,
  dispute: 'Rechnung beanstanden',
  promise: 'Zahlungstermin zusagen',
  preferences: 'Benachrichtigungseinstellungen',
  line: (description, quantity, unitPrice) => `${description}: ${quantity} × ${unitPrice}`,
  signOff: 'Mit freundlichen Grüßen',
  contact: (contact) => `Fragen? So erreichen Sie uns: ${contact}`,
  received: ({ amount, date, remaining, payments }) =>
    payments === 1
      ? `Am ${date} haben wir ${amount} erhalten – vielen Dank. Offen sind noch ${remaining}.`
      : `Wir haben ${amount} in ${payments} Zahlungen erhalten, zuletzt am ${date} – vielen Dank. Offen sind noch ${remaining}.`,
  smsReceived: ({ amountMinor, currency, paidOn, locale }) =>
    `Erhalten: ${smsAmount(amountMinor, currency, locale)} ${currency} am ${smsDayMonth(paidOn, locale)}, danke.`,
  sms: ({ tone, invoiceId, balanceMinor, currency, dueDate, locale, payUrl, received }) =>
    `${smsLead[tone]} Rechnung ${invoiceId}: ${smsAmount(balanceMinor, currency, locale)} ${currency}, fällig am ${smsDate(dueDate, locale)}. ${received ? `${received} ` : ''}Zahlen: ${payUrl}`,
  smsThanks: ({ invoiceId, paidMinor, currency, locale }) =>
    `Vielen Dank: Wir haben ${smsAmount(paidMinor, currency, locale)} ${currency} für Rechnung ${invoiceId} erhalten. Sie ist vollständig bezahlt.`,
};
