import type { Tone } from '#domain/policy.ts';
import { smsAmount, smsDate, smsDayMonth } from './format.ts';
import type { Wording } from './wording.ts';

// "Último" is not GSM-7; gsm7() folds it to "Ultimo", as Spanish SMS commonly read.
const smsLead: Record<Tone, string> = { friendly: 'Recordatorio', firm: 'Pago pendiente', final: 'Último aviso' };

const alreadyPaid = 'Si ya la ha pagado, se lo agradecemos; en ese caso, ignore este mensaje.';

export const es: Wording = {
  language: 'es',
  field: (label, value) => `${label}: ${value}`,
  listLabel: (label) => `${label}:`,
  greeting: (name) => `Hola, ${name}:`,
  reminder: {
    beforeDue: {
      friendly: (number) => ({
        subject: `Recordatorio amistoso: factura ${number}`,
        lead: `Le recordamos amablemente que la factura que figura a continuación vence pronto. ${alreadyPaid}`,
      }),
      firm: (number) => ({
        subject: `Pago próximo a vencer: factura ${number}`,
        lead: 'La factura que figura a continuación vence en breve. Asegúrese de pagarla a tiempo.',
      }),
      final: (number) => ({
        subject: `Último recordatorio: factura ${number}`,
        lead: 'La factura que figura a continuación vence en breve. Páguela a tiempo o, si hay algún problema, póngase en contacto con nosotros de inmediato.',
      }),
    },
    afterDue: {
      friendly: (number) => ({
        subject: `Recordatorio amistoso: la factura ${number} está vencida`,
        lead: `La factura que figura a continuación ha superado su fecha de vencimiento. Quizá se le haya pasado por alto. ${alreadyPaid}`,
      }),
      firm: (number) => ({
        subject: `Pago vencido: factura ${number}`,
        lead: 'Según nuestros registros, la factura que figura a continuación está vencida. Le rogamos que efectúe el pago lo antes posible.',
      }),
      final: (number) => ({
        subject: `Último aviso: factura ${number}`,
        lead: 'Este es nuestro último aviso antes de tomar otras medidas respecto a la factura que figura a continuación. Pague el saldo ahora o póngase en contacto con nosotros si hay algún problema.',
      }),
    },
    formal: (number) => ({
      subject: `Requerimiento formal de pago: factura ${number}`,
      lead: 'A pesar de nuestros recordatorios, la factura que figura a continuación sigue impagada. Por medio de la presente le requerimos formalmente el pago del saldo pendiente. Si no se efectúa, remitiremos el asunto a una agencia de cobro sin más aviso.',
    }),
    closing: 'Si considera que esta factura es incorrecta, responda a este correo o utilice el enlace anterior para indicarnos el motivo.',
  },
  installment: {
    subject: (number, of, invoiceId) => `El plazo ${number} de ${of} vence pronto: factura ${invoiceId}`,
    lead: (number, of) => `Gracias por acordar un plan de pagos. El plazo ${number} de ${of} vence pronto.`,
    position: (number, of) => `${number} de ${of}`,
  },
  thankYou: {
    subject: (invoiceId) => `Gracias por su pago: factura ${invoiceId}`,
    lead: (amount, invoiceId) =>
      `Hemos recibido ${amount} por la factura ${invoiceId}. La factura queda saldada y no recibirá más recordatorios sobre ella.`,
    closing: 'Gracias.',
  },
  combined: {
    subject: (tone, overdue, count) =>
      tone === 'final'
        ? `Último aviso: ${count} facturas`
        : overdue
          ? `Recordatorio de pago: ${count} facturas, algunas vencidas`
          : `Recordatorio amistoso: ${count} facturas próximas a vencer`,
    lead: (tone) =>
      tone === 'friendly'
        ? 'Le enviamos un resumen de las facturas que figuran a continuación. Si ya las ha pagado, se lo agradecemos; en ese caso, ignore este mensaje.'
        : 'Las facturas que figuran a continuación requieren su atención. Le rogamos que efectúe el pago lo antes posible.',
    // "con vencimiento el" reads right whether the date is still ahead or already past.
    summary: (invoiceId, amount, dueDate) => `Factura ${invoiceId}: ${amount}, con vencimiento el ${dueDate}`,
    closing: 'Si considera que alguna factura es incorrecta, responda a este correo o utilice su enlace para indicarnos el motivo.',
  },
  labels: {
    invoice: 'Factura',
    amountDue: 'Importe pendiente',
    dueDate: 'Fecha de vencimiento',
    poNumber: 'Número de pedido',
    installment: 'Plazo',
    amount: 'Importe',
    remainingBalance: 'Saldo restante',
    amountReceived: 'Importe recibido',
    paidOn: 'Fecha de pago',
    lines: 'Conceptos de la factura',
    description: 'Descripción',
    quantity: 'Cantidad',
    unitPrice: 'Precio unitario',
    totalDue: 'Total pendiente',
    payment: 'Pago',
  },
  payOnline: 'Pagar en línea',
  payNow: (amount) => `Pagar ${amount} ahora`,
  payInvoice: (invoiceId) => `Pagar la factura ${invoiceId}`,
  dispute: 'Reclamar esta factura',
  promise: 'Indicar una fecha de pago',
  preferences: 'Preferencias de comunicación',
  line: (description, quantity, unitPrice) => `${description}: ${quantity} × ${unitPrice}`,
  signOff: 'Atentamente,',
  contact: (contact) => `¿Preguntas? Contacte con nosotros: ${contact}`,
  received: ({ amount, date, remaining, payments }) =>
    payments === 1
      ? `Hemos recibido ${amount} el ${date}; muchas gracias. Quedan pendientes ${remaining}.`
      : `Hemos recibido ${amount} en ${payments} pagos, el último el ${date}; muchas gracias. Quedan pendientes ${remaining}.`,
  smsReceived: ({ amountMinor, currency, paidOn, locale }) =>
    `Recibido: ${smsAmount(amountMinor, currency, locale)} ${currency} el ${smsDayMonth(paidOn, locale)}, gracias.`,
  sms: ({ tone, invoiceId, balanceMinor, currency, dueDate, locale, payUrl, received }) =>
    `${smsLead[tone]}: factura ${invoiceId}, ${smsAmount(balanceMinor, currency, locale)} ${currency}, vencimiento ${smsDate(dueDate, locale)}. ${received ? `${received} ` : ''}Pagar: ${payUrl}`,
  smsThanks: ({ invoiceId, paidMinor, currency, locale }) =>
    `Gracias: hemos recibido ${smsAmount(paidMinor, currency, locale)} ${currency} por la factura ${invoiceId}. Está pagada en su totalidad.`,
};
