import type { PageWording } from './page-wording.ts';

// French puts a no-break space before ":" and "?".
const colon = '\u00a0:';
const question = '\u00a0?';

export const frPage: PageWording = {
  language: 'fr',
  invoiceTitle: (invoiceId) => `Facture ${invoiceId}`,
  forCustomer: (name) => `Pour ${name}`,
  invoiceFrom: (creditor) => `Facture de ${creditor}`,
  questions: `Des questions${question} Contactez-nous${colon}`,
  done: {
    dispute: 'Merci. Nous avons suspendu les relances le temps d’examiner votre contestation.',
    promise: 'Merci. Nous avons pris note de votre engagement et suspendu les relances jusqu’à cette date.',
    paid: 'Merci, votre paiement est en cours de confirmation.',
    cancelled: 'Paiement annulé. Aucun montant n’a été débité.',
    plan: 'Merci. Nous avons transmis votre demande d’échéancier à notre équipe et suspendu les relances en attendant. Nous vous contacterons.',
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
  plan: {
    heading: `Besoin de payer en plusieurs fois${question}`,
    intro:
      'Demandez un échéancier de paiement. Un membre de notre équipe examinera votre demande et vous répondra ; les relances sont suspendues en attendant.',
    installments: 'Nombre de mensualités (2 à 12)',
    note: `Quelque chose à nous signaler${question} (facultatif)`,
    submit: 'Demander un échéancier',
    pending:
      'Votre demande d’échéancier est entre les mains de notre équipe. Nous vous contacterons ; les relances sont suspendues en attendant.',
    agreed: 'Un échéancier de paiement a été convenu pour cette facture. Merci.',
  },
  print: {
    link: 'Imprimer ou enregistrer la facture',
    from: 'Émetteur',
    billTo: 'Facturé à',
    invoiceNumber: 'Numéro de facture',
    poNumber: 'Numéro de bon de commande',
    issueDate: 'Date d’émission',
    dueDate: 'Date d’échéance',
    amount: 'Montant',
    total: 'Montant total',
    credited: 'Avoirs',
    paid: 'Paiements reçus',
    balance: 'Solde dû',
    hint: 'Utilisez la fonction d’impression de votre navigateur pour imprimer cette facture ou l’enregistrer en PDF.',
    back: 'Retour à la page de paiement',
  },
  problems: {
    linkInvalid: {
      title: 'Lien non valide',
      message: 'Ce lien de paiement n’est pas valide. Veuillez utiliser le lien de notre dernier message ou nous contacter.',
    },
    linkExpired: { title: 'Lien expiré', message: 'Ce lien de paiement a expiré. Veuillez nous contacter pour en obtenir un nouveau.' },
    crossSite: { title: 'Action non autorisée', message: 'Ce formulaire ne peut être envoyé que depuis sa propre page.' },
    formExpired: { title: 'Action non autorisée', message: 'Ce formulaire a expiré. Veuillez rouvrir le lien.' },
    notWebForm: { title: 'Action non autorisée', message: 'Ce formulaire doit être envoyé comme un formulaire web.' },
    tooLarge: { title: 'Trop volumineux', message: 'Le formulaire est trop volumineux.' },
    notUnderstood: { title: 'Formulaire incompris', message: 'Ce formulaire contient des champs inattendus.' },
    cannotPayOnline: {
      title: 'Paiement en ligne impossible',
      message: 'Ce montant ne peut pas être payé en ligne. Veuillez payer par virement bancaire.',
    },
    paymentUnavailable: {
      title: 'Paiement indisponible',
      message: 'Le paiement en ligne est momentanément indisponible. Veuillez réessayer dans quelques minutes.',
    },
    unsubscribed: { title: 'Désinscription confirmée', message: 'Vous ne recevrez plus de rappels de paiement par e-mail.' },
  },
  fieldErrors: {
    chooseReason: 'Veuillez choisir l’un des motifs.',
    tooLong: (max) => `Veuillez utiliser au plus ${max} caractères.`,
    pickDate: 'Veuillez choisir une date.',
    dateInPast: 'La date ne doit pas être dans le passé.',
    dateTooLate: (date) => `Veuillez choisir une date au plus tard le ${date}.`,
    installmentsRange: (min, max) => `Veuillez saisir un nombre entier de ${min} à ${max}.`,
    unexpected: 'Ce champ n’est pas prévu.',
    notPossible: 'Ce n’est plus possible pour cette facture. Veuillez recharger la page.',
  },
  preferences: {
    from: (creditor) => `Rappels de paiement de ${creditor}`,
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
