import type { PageWording } from './page-wording.ts';

export const enPage: PageWording = {
  language: 'en',
  invoiceTitle: (invoiceId) => `Invoice ${invoiceId}`,
  forCustomer: (name) => `For ${name}`,
  done: {
    dispute: 'Thank you. We have paused reminders while we look into your dispute.',
    promise: 'Thank you. We have noted your promise and paused reminders until then.',
    paid: 'Thank you, your payment is being confirmed.',
    cancelled: 'Payment cancelled. Nothing was charged.',
  },
  errorsHeading: 'Please check the form:',
  settled: {
    paid: 'This invoice is paid. Thank you.',
    void: 'This invoice has been cancelled.',
    closed: 'This invoice is closed.',
  },
  amountDue: 'Amount due',
  dueDate: (date) => `Due date: ${date}`,
  remindersPaused: 'Reminders for this invoice are paused.',
  pay: (amount) => `Pay ${amount}`,
  lines: {
    heading: 'Invoice lines',
    description: 'Description',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
  },
  dispute: {
    heading: 'Something wrong with this invoice?',
    reason: 'Reason',
    reasons: {
      pricing: 'The price is wrong',
      missing_po: 'A purchase order number is missing',
      short_delivery: 'We received less than invoiced',
      damaged_goods: 'The goods arrived damaged',
      duplicate_billing: 'We were billed twice',
      other: 'Something else',
    },
    note: 'Tell us more (optional)',
    submit: 'Send dispute',
  },
  promise: {
    heading: 'Need a little more time?',
    date: 'I will pay by',
    submit: 'Promise to pay',
  },
  preferences: {
    title: 'Communication preferences',
    about: (name, invoiceId) => `For ${name}, about invoice ${invoiceId} and any others you have with us.`,
    saved: 'Your preferences are saved.',
    legend: 'Send me payment reminders by',
    email: 'Email',
    sms: 'Text message',
    bothOff: 'If you turn both off, a member of our team may contact you instead.',
    save: 'Save',
  },
};
