import type { PageWording } from './page-wording.ts';

// French puts a no-break space before ":" and "?".
const colon = '\u00a0:';
const question = '\u00a0?';

export const frPage: PageWording = {
  language: 'fr',
  invoiceTitle: (invoiceId) => `Facture ${invoiceId}`,
  forCustomer: (name) => `Pour ${name}`,
  done: {
    dispute: 'Merci. Nous avons suspendu les relances le temps d’examiner votre contestation.',
    promise: 'Merci. Nous avons pris note de votre engagement et suspendu les relances jusqu’à cette date.',
    paid: 'Merci, votre paiement est en cours de confirmation.',
    cancelled: 'Paiement annulé. Aucun montant n’a été débité.',
  },
  errorsHeading: `Veuillez vérifier le formulaire${colon}`,
  settled: {
    paid: 'Cette facture est réglée. Merci.',
    void: 'Cette facture a été annulée.',
    closed: 'Cette facture est clôturée.',
  },
  amountDue: 'Montant dû',
  dueDate: (date) => `Date d’échéance${colon} ${date}`,
  remindersPaused: 'Les relances pour cette facture sont suspendues.',
  pay: (amount) => `Payer ${amount}`,
  lines: {
    heading: 'Détail de la facture',
    description: 'Désignation',
    quantity: 'Quantité',
    unitPrice: 'Prix unitaire',
  },
  dispute: {
    heading: `Un problème avec cette facture${question}`,
    reason: 'Motif',
    reasons: {
      pricing: 'Le prix est erroné',
      missing_po: 'Il manque le numéro de bon de commande',
      short_delivery: 'Nous avons reçu moins que ce qui a été facturé',
      damaged_goods: 'La marchandise est arrivée endommagée',
      duplicate_billing: 'Nous avons été facturés deux fois',
      other: 'Autre chose',
    },
    note: 'Précisions (facultatif)',
    submit: 'Envoyer la contestation',
  },
  promise: {
    heading: `Besoin d’un peu plus de temps${question}`,
    date: 'Je paierai au plus tard le',
    submit: 'M’engager à payer',
  },
  preferences: {
    title: 'Préférences de communication',
    about: (name, invoiceId) => `Pour ${name}, au sujet de la facture ${invoiceId} et de toute autre facture en cours chez nous.`,
    saved: 'Vos préférences sont enregistrées.',
    legend: 'M’envoyer les rappels de paiement par',
    email: 'E-mail',
    sms: 'SMS',
    bothOff: 'Si vous désactivez les deux, un membre de notre équipe pourra vous contacter directement.',
    save: 'Enregistrer',
  },
};
