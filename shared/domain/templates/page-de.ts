import type { PageWording } from './page-wording.ts';

export const dePage: PageWording = {
  language: 'de',
  invoiceTitle: (invoiceId) => `Rechnung ${invoiceId}`,
  forCustomer: (name) => `Für ${name}`,
  done: {
    dispute: 'Vielen Dank. Wir haben die Erinnerungen pausiert, während wir Ihre Beanstandung prüfen.',
    promise: 'Vielen Dank. Wir haben Ihre Zahlungszusage notiert und die Erinnerungen bis dahin pausiert.',
    paid: 'Vielen Dank, Ihre Zahlung wird bestätigt.',
    cancelled: 'Zahlung abgebrochen. Es wurde nichts abgebucht.',
  },
  errorsHeading: 'Bitte prüfen Sie das Formular:',
  settled: {
    paid: 'Diese Rechnung ist bezahlt. Vielen Dank.',
    void: 'Diese Rechnung wurde storniert.',
    closed: 'Diese Rechnung ist abgeschlossen.',
  },
  amountDue: 'Offener Betrag',
  dueDate: (date) => `Fällig am: ${date}`,
  remindersPaused: 'Die Erinnerungen zu dieser Rechnung sind pausiert.',
  pay: (amount) => `${amount} bezahlen`,
  lines: {
    heading: 'Rechnungspositionen',
    description: 'Beschreibung',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
  },
  dispute: {
    heading: 'Stimmt etwas mit dieser Rechnung nicht?',
    reason: 'Grund',
    reasons: {
      pricing: 'Der Preis ist falsch',
      missing_po: 'Die Bestellnummer fehlt',
      short_delivery: 'Wir haben weniger erhalten als berechnet',
      damaged_goods: 'Die Ware ist beschädigt angekommen',
      duplicate_billing: 'Uns wurde doppelt berechnet',
      other: 'Etwas anderes',
    },
    note: 'Weitere Angaben (optional)',
    submit: 'Beanstandung senden',
  },
  promise: {
    heading: 'Brauchen Sie etwas mehr Zeit?',
    date: 'Ich bezahle bis zum',
    submit: 'Zahlungstermin zusagen',
  },
  preferences: {
    title: 'Benachrichtigungseinstellungen',
    about: (name, invoiceId) => `Für ${name}, zur Rechnung ${invoiceId} und allen weiteren Rechnungen, die Sie bei uns haben.`,
    saved: 'Ihre Einstellungen sind gespeichert.',
    legend: 'Zahlungserinnerungen bitte per',
    email: 'E-Mail',
    sms: 'SMS',
    bothOff: 'Wenn Sie beides ausschalten, meldet sich gegebenenfalls jemand aus unserem Team bei Ihnen.',
    save: 'Speichern',
  },
};
