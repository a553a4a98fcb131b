import type { PageWording } from './page-wording.ts';

export const esPage: PageWording = {
  language: 'es',
  invoiceTitle: (invoiceId) => `Factura ${invoiceId}`,
  forCustomer: (name) => `Para ${name}`,
  done: {
    dispute: 'Gracias. Hemos pausado los recordatorios mientras revisamos su reclamación.',
    promise: 'Gracias. Hemos registrado su compromiso de pago y pausado los recordatorios hasta esa fecha.',
    paid: 'Gracias, estamos confirmando su pago.',
    cancelled: 'Pago cancelado. No se ha realizado ningún cargo.',
  },
  errorsHeading: 'Revise el formulario:',
  settled: {
    paid: 'Esta factura está pagada. Gracias.',
    void: 'Esta factura ha sido anulada.',
    closed: 'Esta factura está cerrada.',
  },
  amountDue: 'Importe pendiente',
  dueDate: (date) => `Fecha de vencimiento: ${date}`,
  remindersPaused: 'Los recordatorios de esta factura están en pausa.',
  pay: (amount) => `Pagar ${amount}`,
  lines: {
    heading: 'Conceptos de la factura',
    description: 'Descripción',
    quantity: 'Cantidad',
    unitPrice: 'Precio unitario',
  },
  dispute: {
    heading: '¿Hay algún problema con esta factura?',
    reason: 'Motivo',
    reasons: {
      pricing: 'El precio es incorrecto',
      missing_po: 'Falta el número de pedido',
      short_delivery: 'Recibimos menos de lo facturado',
      damaged_goods: 'La mercancía llegó dañada',
      duplicate_billing: 'Nos han facturado dos veces',
      other: 'Otro motivo',
    },
    note: 'Cuéntenos más (opcional)',
    submit: 'Enviar reclamación',
  },
  promise: {
    heading: '¿Necesita un poco más de tiempo?',
    date: 'Pagaré a más tardar el',
    submit: 'Comprometerme a pagar',
  },
  preferences: {
    title: 'Preferencias de comunicación',
    about: (name, invoiceId) => `Para ${name}, sobre la factura ${invoiceId} y cualquier otra que tenga con nosotros.`,
    saved: 'Sus preferencias se han guardado.',
    legend: 'Enviarme recordatorios de pago por',
    email: 'Correo electrónico',
    sms: 'SMS',
    bothOff: 'Si desactiva ambos, es posible que un miembro de nuestro equipo se ponga en contacto con usted.',
    save: 'Guardar',
  },
};
