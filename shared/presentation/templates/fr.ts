import type { Tone } from '#domain/policy.ts';
import { smsAmount, smsDate, smsDayMonth } from './format.ts';
import type { Wording } from './wording.ts';

/** French puts a no-break space before a colon; it must not wrap onto its own line. */
const colon = '\u00a0:';

const smsLead: Record<Tone, string> = { friendly: 'Rappel', firm: 'Paiement attendu', final: 'Dernier avis' };

const alreadyPaid = 'Si vous l’avez déjà réglée, merci, et veuillez ne pas tenir compte de ce message.';

export const fr: Wording = {
  language: 'fr',
  greeting: (name) => `Bonjour ${name},`,
  field: (label, value) => `${label}${colon} ${value}`,
  listLabel: (label) => `${label}${colon}`,
  reminder: {
    beforeDue: {
      friendly: (number) => ({
        subject: `Rappel amical${colon} facture ${number}`,
        lead: `Nous vous rappelons amicalement que la facture ci-dessous arrive bientôt à échéance. ${alreadyPaid}`,
      }),
      firm: (number) => ({
        subject: `Échéance proche${colon} facture ${number}`,
        lead: 'La facture ci-dessous arrive à échéance très prochainement. Merci de veiller à la régler dans les délais.',
      }),
      final: (number) => ({
        subject: `Dernier rappel${colon} facture ${number}`,
        lead: 'La facture ci-dessous arrive à échéance très prochainement. Merci de la régler à temps, ou de nous contacter sans attendre en cas de problème.',
      }),
    },
    afterDue: {
      friendly: (number) => ({
        subject: `Rappel amical${colon} la facture ${number} est échue`,
        lead: `La date d’échéance de la facture ci-dessous est dépassée. Elle vous a peut-être échappé. ${alreadyPaid}`,
      }),
      firm: (number) => ({
        subject: `Retard de paiement${colon} facture ${number}`,
        lead: 'Selon nos informations, la facture ci-dessous reste impayée alors que son échéance est passée. Merci de procéder au paiement dans les meilleurs délais.',
      }),
      final: (number) => ({
        subject: `Dernière relance${colon} facture ${number}`,
        lead: 'Ceci est notre dernière relance avant d’engager d’autres démarches pour la facture ci-dessous. Merci de régler le solde dès maintenant, ou de nous contacter en cas de problème.',
      }),
    },
    formal: (number) => ({
      subject: `Mise en demeure de payer${colon} facture ${number}`,
      lead: 'Malgré nos relances, la facture ci-dessous reste impayée. Par la présente, nous vous mettons en demeure d’en régler le solde. À défaut de paiement, nous confierons cette créance à une société de recouvrement, sans autre avis.',
    }),
    closing:
      'Si vous estimez que cette facture est erronée, répondez à cet e-mail ou utilisez le lien ci-dessus pour nous en indiquer la raison.',
  },
  installment: {
    subject: (number, of, invoiceId) => `Versement ${number} sur ${of} bientôt dû${colon} facture ${invoiceId}`,
    lead: (number, of) => `Merci d’avoir accepté un échéancier de paiement. Le versement ${number} sur ${of} arrive bientôt à échéance.`,
    position: (number, of) => `${number} sur ${of}`,
  },
  thankYou: {
    subject: (invoiceId) => `Merci pour votre paiement${colon} facture ${invoiceId}`,
    lead: (amount, invoiceId) =>
      `Nous avons bien reçu ${amount} pour la facture ${invoiceId}. La facture est désormais réglée et vous ne recevrez plus de rappel à son sujet.`,
    closing: 'Merci.',
  },
  combined: {
    subject: (tone, overdue, count) =>
      tone === 'final'
        ? `Dernière relance${colon} ${count} factures`
        : overdue
          ? `Rappel de paiement${colon} ${count} factures, dont certaines échues`
          : `Rappel amical${colon} ${count} factures arrivent à échéance`,
    lead: (tone) =>
      tone === 'friendly'
        ? 'Voici un récapitulatif des factures ci-dessous. Si vous les avez déjà réglées, merci, et veuillez ne pas tenir compte de ce message.'
        : 'Les factures ci-dessous demandent votre attention. Merci de procéder au paiement dans les meilleurs délais.',
    summary: (invoiceId, amount, dueDate) => `Facture ${invoiceId}${colon} ${amount}, échéance le ${dueDate}`,
    closing: 'Si vous estimez qu’une facture est erronée, répondez à cet e-mail ou utilisez son lien pour nous en indiquer la raison.',
  },
  labels: {
    invoice: 'Facture',
    amountDue: 'Montant dû',
    dueDate: 'Date d’échéance',
    poNumber: 'Numéro de bon de commande',
    installment: 'Versement',
    amount: 'Montant',
    remainingBalance: 'Solde restant',
    amountReceived: 'Montant reçu',
    paidOn: 'Date de paiement',
    lines: 'Détail de la facture',
    description: 'Désignation',
    quantity: 'Quantité',
    unitPrice: 'Prix unitaire',
    totalDue: 'Total dû',
    payment: 'Paiement',
  },
  payOnline: 'Payer en ligne',
  payNow: (amount) => `Payer ${amount} maintenant`,
  payInvoice: (invoiceId) => `Payer la facture ${invoiceId}`,
  dispute: 'Contester cette facture',
  promise: 'Indiquer une date de paiement',
  preferences: 'Préférences de communication',
  line: (description, quantity, unitPrice) => `${description}${colon} ${quantity} × ${unitPrice}`,
  signOff: 'Cordialement,',
  contact: (contact) => `Des questions\u00a0? Contactez-nous${colon} ${contact}`,
  // No apostrophes or accents outside GSM-7 here: an SMS keeps 160 characters a segment.
  received: ({ amount, date, remaining, payments }) =>
    payments === 1
      ? `Nous avons bien reçu ${amount} le ${date} — merci. Il reste ${remaining} à régler.`
      : `Nous avons bien reçu ${amount} en ${payments} paiements, le dernier le ${date} — merci. Il reste ${remaining} à régler.`,
  // Not "Reçu": GSM-7 has no "ç".
  smsReceived: ({ amountMinor, currency, paidOn, locale }) =>
    `Merci pour votre paiement de ${smsAmount(amountMinor, currency, locale)} ${currency} du ${smsDayMonth(paidOn, locale)}.`,
  sms: ({ tone, invoiceId, balanceMinor, currency, dueDate, locale, payUrl, received }) =>
    `${smsLead[tone]} : facture ${invoiceId}, ${smsAmount(balanceMinor, currency, locale)} ${currency}, échéance le ${smsDate(dueDate, locale)}. ${received ? `${received} ` : ''}Payer : ${payUrl}`,
  smsThanks: ({ invoiceId, paidMinor, currency, locale }) =>
    `Merci : nous avons reçu ${smsAmount(paidMinor, currency, locale)} ${currency} pour la facture ${invoiceId}. Elle est entièrement réglée.`,
};
