import { composeFunction } from '#adapters/compose.ts';
import { type HttpEvent, httpHandler, json, parseBody, pathParameter, problems } from '#adapters/http.ts';
import { idSchema, invoiceRequestSchema, paymentRequestSchema, toInvoiceInput, toPaymentInput } from '#contracts/api.ts';
import { invoiceView } from '#contracts/invoice-view.ts';
import { openApiDocument } from '#contracts/openapi.ts';
import { ingestInvoice, receivePayment } from '#domain/lifecycle.ts';

const app = composeFunction('invoices-api');
const store = app.invoiceStore();
const deps = { store, clock: app.clock, starts: app.starts(), events: app.events(), log: app.log };

async function upsertInvoice(event: HttpEvent) {
  const request = parseBody(event, invoiceRequestSchema);
  const outcome = await ingestInvoice(deps, toInvoiceInput(request));
  const view = invoiceView(outcome.invoice, deps.clock.now());
  switch (outcome.kind) {
    case 'created':
      return json(201, view, { location: `/v1/invoices/${encodeURIComponent(view.invoiceId)}` });
    case 'unchanged':
    case 'updated':
      return json(200, view);
    case 'conflict':
      throw problems.conflict(
        `Invoice ${request.invoiceId} cannot change ${outcome.fields.join(', ')}: ${outcome.reason}`,
        outcome.fields.map((path) => ({ path, message: `cannot change: ${outcome.reason}` })),
      );
  }
}

async function getInvoice(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const invoice = await store.get(invoiceId);
  if (!invoice) throw problems.notFound(`Invoice ${invoiceId} does not exist`);
  return json(200, invoiceView(invoice, deps.clock.now()));
}

async function postPayment(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, paymentRequestSchema);
  const invoice = await store.get(invoiceId);
  if (!invoice) throw problems.notFound(`Invoice ${invoiceId} does not exist`);
  const input = toPaymentInput(request, invoice.currency, deps.clock.now());
  if ('path' in input) throw problems.validation([input]);
  const outcome = await receivePayment(deps, invoiceId, input);
  if (outcome.kind === 'conflict') throw problems.conflict(outcome.reason);
  const body = { paymentId: outcome.payment.paymentId, invoice: invoiceView(outcome.invoice, deps.clock.now()) };
  return json(outcome.kind === 'recorded' ? 201 : 200, body);
}

export const handler = httpHandler(
  {
    'POST /v1/invoices': upsertInvoice,
    'GET /v1/invoices/{invoiceId}': getInvoice,
    'POST /v1/invoices/{invoiceId}/payments': postPayment,
    'GET /v1/openapi.json': async () => json(200, openApiDocument(), { 'cache-control': 'public, max-age=300' }),
  },
  { store: app.idempotencyStore(), clock: app.clock },
);
