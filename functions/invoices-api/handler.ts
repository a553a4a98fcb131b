import { functionContext } from '#adapters/compose-context.ts';
import { domainEvents, dunningStarts } from '#adapters/compose-messaging.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import {
  type HttpEvent,
  httpHandler,
  json,
  ProblemError,
  parseBody,
  parseQuery,
  pathParameter,
  problemFor,
  problemResult,
  problems,
} from '#adapters/http.ts';
import {
  creditNoteRequestSchema,
  disputeRequestSchema,
  disputeResolutionSchema,
  type FieldError,
  fieldErrors,
  holdRequestSchema,
  type InvoiceRequest,
  idSchema,
  invoiceBatchEnvelopeSchema,
  invoiceDateErrors,
  invoiceRequestSchema,
  optionalMinor,
  paymentPlanRequestSchema,
  paymentRequestSchema,
  promiseRequestSchema,
  replanRequestSchema,
  toInvoiceInput,
  toPaymentInput,
  voidRequestSchema,
} from '#contracts/api.ts';
import { invoiceView } from '#contracts/invoice-view.ts';
import { decodeInvoiceCursor, dueRange, encodeInvoiceCursor, invoiceListItem, invoiceListQuerySchema } from '#contracts/list-api.ts';
import { MetricName } from '#contracts/metrics.ts';
import { openApiDocument } from '#contracts/openapi.ts';
import { INVOICES_BATCH_ACTION } from '#contracts/routes.ts';
import { parseChildId } from '#domain/child-ids.ts';
import { applyCreditNote, type HoldOutcome, releaseHold, resolveDispute, voidInvoice } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { policyFor } from '#domain/policy.ts';
import { agreePaymentPlan } from '#use-cases/agree-payment-plan.ts';
import { claimedId, ingestBatch } from '#use-cases/ingest-batch.ts';
import { type IngestDeps, ingestInvoice, UnknownPolicyError } from '#use-cases/ingest-invoice.ts';
import { changeInvoice } from '#use-cases/invoice-writes.ts';
import { openInvoiceDispute } from '#use-cases/open-dispute.ts';
import { holdInvoice } from '#use-cases/place-hold.ts';
import { promiseToPay } from '#use-cases/promise-to-pay.ts';
import { receivePayment } from '#use-cases/receive-payment.ts';
import { replanInvoice } from '#use-cases/replan-invoice.ts';

const app = functionContext('invoices-api');
const table = tableAdapters(app);
const store = table.invoiceStore();
const deps = {
  store,
  clock: app.clock,
  starts: dunningStarts(app),
  events: domainEvents(app),
  policies: table.policyStore(),
  customers: table.customerStore(),
  log: app.log,
};

const ledger = table.customerLedger();

/** The invoice as the API shows it, with what the next send will weigh: the customer's cap and channels. */
async function view(invoice: Invoice) {
  const customerId = invoice.customer.customerId;
  try {
    const [snapshot, reachability] = await Promise.all([ledger.read(customerId), deps.customers.reachability(customerId)]);
    const recentSends = snapshot.entries.map((entry) => new Date(entry.at));
    return invoiceView(invoice, deps.clock.now(), { recentSends, reachability });
  } catch (error) {
    // The write is done: a failed read for the view must not turn it into a 500 (and a retry into a second write).
    app.log.warn('customer context for the invoice view not read; nextAction shows the policy plan', {
      invoiceId: invoice.invoiceId,
      error: String(error),
    });
    return invoiceView(invoice, deps.clock.now());
  }
}

/** One invoice upsert, shared by the single and the batch route: conflicts and unknown policies are problems. */
async function upsertOne(request: InvoiceRequest, ingestDeps: IngestDeps = deps) {
  const dateErrors = invoiceDateErrors(request, ingestDeps.clock.now());
  if (dateErrors.length > 0) throw problems.validation(dateErrors);
  const outcome = await ingestInvoice(ingestDeps, toInvoiceInput(request), request.policyId).catch((error: unknown) => {
    if (error instanceof UnknownPolicyError) throw problems.validation([{ path: 'policyId', message: 'is not a known policy' }]);
    throw error;
  });
  if (outcome.kind === 'conflict') {
    throw problems.conflict(
      `Invoice ${request.invoiceId} cannot change ${outcome.fields.join(', ')}: ${outcome.reason}`,
      outcome.fields.map((path) => ({ path, message: `cannot change: ${outcome.reason}` })),
    );
  }
  return outcome;
}

const invoiceLocation = (invoiceId: string) => `/v1/invoices/${encodeURIComponent(invoiceId)}`;

async function upsertInvoice(event: HttpEvent) {
  const outcome = await upsertOne(parseBody(event, invoiceRequestSchema));
  const body = await view(outcome.invoice);
  if (outcome.kind === 'created') return json(201, body, { location: invoiceLocation(body.invoiceId) });
  return json(200, body);
}

/** What POST /v1/invoices would answer for one item of a batch. */
type ItemAnswer =
  | { invoiceId: string; status: 200 | 201; outcome: 'created' | 'updated' | 'unchanged'; location: string }
  | { invoiceId?: string; status: number; problem: unknown };

type BatchItemResult = ItemAnswer & { index: number };

/**
 * `POST /v1/invoices:batch` → 207 with one result per item, in request order. Each item is
 * validated and upserted exactly as `POST /v1/invoices` would (same statuses, same problem
 * bodies with paths relative to the item); one bad item never blocks or undoes the others.
 * A repeated invoiceId is processed once, at its first index; later copies get 409 (ingestBatch).
 */
async function postCollectionAction(event: HttpEvent) {
  const action = safeDecode(event.pathParameters?.collectionAction ?? '');
  if (action !== INVOICES_BATCH_ACTION) throw problems.notFound(`No route for POST /v1/${action}`);
  const { invoices } = parseBody(event, invoiceBatchEnvelopeSchema);
  const outcomes = await ingestBatch(deps, invoices, batchItem);
  const results = outcomes.map((outcome): BatchItemResult => {
    if (outcome.kind === 'processed') return { index: outcome.index, ...outcome.result };
    const { index, invoiceId, firstIndex } = outcome;
    const detail = `Invoice ${invoiceId} appears more than once in this batch; only its first copy, at index ${firstIndex}, is processed`;
    const duplicate = problems.conflict(detail, [{ path: 'invoiceId', message: `duplicates index ${firstIndex} of this batch` }]);
    return { index, invoiceId, status: 409, problem: problemBody(duplicate) };
  });
  // Nothing was accepted and every item hit a server error: answer 500 so a retry with the same
  // Idempotency-Key runs again (5xx responses are not kept for replay).
  if (results.every((result) => result.status >= 500)) throw new Error('every item of the batch failed');
  return json(207, { results });
}

/** One item of a batch, as POST /v1/invoices would answer it (without its index); never throws. */
async function batchItem(item: unknown, ingestDeps: IngestDeps): Promise<ItemAnswer> {
  const claimed = claimedId(item);
  const id = claimed === undefined ? {} : { invoiceId: claimed };
  const parsed = invoiceRequestSchema.safeParse(item);
  if (!parsed.success) return { ...id, status: 400, problem: problemBody(problems.validation(fieldErrors(parsed.error))) };
  const invoiceId = parsed.data.invoiceId;
  try {
    const outcome = await upsertOne(parsed.data, ingestDeps);
    return { invoiceId, status: outcome.kind === 'created' ? 201 : 200, outcome: outcome.kind, location: invoiceLocation(invoiceId) };
  } catch (error) {
    const problem = problemFor(error);
    if (problem) return { invoiceId, status: problem.status, problem: problemBody(problem) };
    app.log.error('batch item failed', { invoiceId, error: String(error), stack: (error as Error)?.stack });
    const detail = 'This item was not processed; re-send it (an upsert is safe to repeat)';
    return { invoiceId, status: 500, problem: problemBody(new ProblemError(500, 'internal', 'Internal error', detail)) };
  }
}

function problemBody(problem: ProblemError): unknown {
  return JSON.parse(problemResult(problem).body);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function getInvoice(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const invoice = await store.get(invoiceId);
  if (!invoice) throw problems.notFound(`Invoice ${invoiceId} does not exist`);
  return json(200, await view(invoice));
}

/** `GET /v1/invoices`: one page of the list, from the list indexes (never a scan, never whole invoices). */
async function listInvoices(event: HttpEvent) {
  const query = parseQuery(event, invoiceListQuerySchema);
  const decoded = query.cursor === undefined ? undefined : decodeInvoiceCursor({ ...query, cursor: query.cursor });
  if (decoded && 'error' in decoded) throw problems.validation([decoded.error]);
  const now = deps.clock.now();
  const page = await store.list({
    status: query.status,
    customerId: query.customerId,
    due: dueRange(query, now.toISOString().slice(0, 10)),
    limit: query.limit,
    after: decoded?.position,
  });
  return json(200, {
    items: page.items.map((listing) => invoiceListItem(listing, now)),
    ...(page.next ? { next: encodeInvoiceCursor(query, page.next) } : {}),
  });
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
  if (outcome.kind === 'invalid') throw problems.validation([{ path: outcome.path, message: outcome.message }]);
  if (outcome.kind === 'recorded') app.telemetry.count(MetricName.paymentsRecorded);
  const body = { paymentId: outcome.payment.paymentId, invoice: await view(outcome.invoice) };
  return json(outcome.kind === 'recorded' ? 201 : 200, body);
}

async function loadInvoice(invoiceId: string): Promise<Invoice> {
  const invoice = await store.get(invoiceId);
  if (!invoice) throw problems.notFound(`Invoice ${invoiceId} does not exist`);
  return invoice;
}

/** A collections action's outcome as HTTP: problems for conflicts and bad fields. */
function changed(invoiceId: string, outcome: HoldOutcome): Invoice {
  if (outcome.kind === 'conflict') throw problems.conflict(`Invoice ${invoiceId}: ${outcome.reason}`);
  if (outcome.kind === 'invalid') throw problems.validation([{ path: outcome.path, message: outcome.message }]);
  return outcome.invoice;
}

/** Runs a collections action on the invoice and maps its outcome. */
async function act(invoiceId: string, change: (invoice: Invoice, now: Date) => HoldOutcome) {
  return changed(invoiceId, await changeInvoice(deps, invoiceId, change));
}

async function postDispute(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, disputeRequestSchema);
  await loadInvoice(invoiceId);
  const { outcome, disputeId } = await openInvoiceDispute(deps, invoiceId, request, 'refuse');
  const invoice = changed(invoiceId, outcome);
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { disputeId, invoice: await view(invoice) }, { location: `/v1/disputes/${disputeId}` });
}

async function postDisputeResolution(event: HttpEvent) {
  const disputeId = event.pathParameters?.disputeId ?? '';
  const parsedId = parseChildId(disputeId);
  if (parsedId?.kind !== 'DSP') throw problems.notFound(`Dispute ${disputeId} does not exist`);
  const request = parseBody(event, disputeResolutionSchema);
  const existing = await store.get(parsedId.invoiceId);
  if (!existing?.holds?.some((hold) => hold.holdId === disputeId)) throw problems.notFound(`Dispute ${disputeId} does not exist`);
  const credit = optionalMinor(request.creditAmount, existing.currency, 'creditAmount');
  if (typeof credit === 'object') throw problems.validation([credit]);
  const invoice = await act(parsedId.invoiceId, (current, now) =>
    resolveDispute(current, disputeId, request.outcome, credit, now, policyFor(current).holdRules),
  );
  return json(200, { disputeId, outcome: request.outcome, invoice: await view(invoice) });
}

async function postPromise(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, promiseRequestSchema);
  const existing = await loadInvoice(invoiceId);
  const amount = optionalMinor(request.amount, existing.currency, 'amount');
  if (typeof amount === 'object') throw problems.validation([amount]);
  const { outcome, promiseId } = await promiseToPay(deps, invoiceId, request.promisedDate, amount);
  const invoice = changed(invoiceId, outcome);
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { promiseId, invoice: await view(invoice) });
}

async function postHold(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, holdRequestSchema);
  await loadInvoice(invoiceId);
  const until = request.until ? new Date(request.until).toISOString() : null;
  const { outcome, holdId } = await holdInvoice(deps, invoiceId, { until, note: request.note, reason: request.reason });
  const invoice = changed(invoiceId, outcome);
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { holdId, invoice: await view(invoice) });
}

async function postPaymentPlan(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, paymentPlanRequestSchema);
  const existing = await loadInvoice(invoiceId);
  const errors: FieldError[] = [];
  const installments = request.installments.map((installment, index) => {
    const amount = optionalMinor(installment.amount, existing.currency, `installments.${index}.amount`);
    if (typeof amount === 'object') errors.push(amount);
    return { dueDate: installment.dueDate, amountMinor: typeof amount === 'number' ? amount : 0 };
  });
  if (errors.length > 0) throw problems.validation(errors);
  const { outcome, planId } = await agreePaymentPlan(deps, invoiceId, installments);
  const invoice = changed(invoiceId, outcome);
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { planId, invoice: await view(invoice) });
}

async function postHoldRelease(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const holdId = event.pathParameters?.holdId ?? '';
  await loadInvoice(invoiceId);
  const invoice = await act(invoiceId, (current, now) => releaseHold(current, holdId, now));
  return json(200, { holdId, invoice: await view(invoice) });
}

async function postCreditNote(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, creditNoteRequestSchema);
  const existing = await loadInvoice(invoiceId);
  const amount = optionalMinor(request.amount, existing.currency, 'amount');
  if (typeof amount === 'object' || amount === undefined) throw problems.validation([amount ?? { path: 'amount', message: 'is required' }]);
  // Decided on the read the write is made at: of two requests applying one credit note at once, one is the repeat.
  let repeated = false;
  const invoice = await act(invoiceId, (current, now) => {
    repeated = current.creditNotes?.[request.creditNoteId] !== undefined;
    return applyCreditNote(current, request.creditNoteId, amount, request.reason, now);
  });
  return json(repeated ? 200 : 201, { creditNoteId: request.creditNoteId, invoice: await view(invoice) });
}

async function postVoid(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, voidRequestSchema);
  await loadInvoice(invoiceId);
  const invoice = await act(invoiceId, (current, now) => voidInvoice(current, request.reason, now));
  return json(200, await view(invoice));
}

async function postReplan(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, replanRequestSchema);
  const outcome = await replanInvoice(deps, invoiceId, request.policyId).catch((error: unknown) => {
    if (error instanceof Error && error.name === 'InvoiceNotFoundError') throw problems.notFound(`Invoice ${invoiceId} does not exist`);
    throw error;
  });
  if (outcome.kind === 'conflict') throw problems.conflict(`Invoice ${invoiceId}: ${outcome.reason}`);
  if (outcome.kind === 'invalid') throw problems.validation([{ path: outcome.path, message: outcome.message }]);
  return json(200, await view(outcome.invoice));
}

export const handler = httpHandler(
  {
    'POST /v1/invoices': upsertInvoice,
    'POST /v1/{collectionAction}': postCollectionAction,
    'GET /v1/invoices': listInvoices,
    'GET /v1/invoices/{invoiceId}': getInvoice,
    'POST /v1/invoices/{invoiceId}/payments': postPayment,
    'POST /v1/invoices/{invoiceId}/disputes': postDispute,
    'POST /v1/disputes/{disputeId}/resolution': postDisputeResolution,
    'POST /v1/invoices/{invoiceId}/promises': postPromise,
    'POST /v1/invoices/{invoiceId}/holds': postHold,
    'POST /v1/invoices/{invoiceId}/holds/{holdId}/release': postHoldRelease,
    'POST /v1/invoices/{invoiceId}/payment-plans': postPaymentPlan,
    'POST /v1/invoices/{invoiceId}/credit-notes': postCreditNote,
    'POST /v1/invoices/{invoiceId}/void': postVoid,
    'POST /v1/invoices/{invoiceId}/replan': postReplan,
    'GET /v1/openapi.json': async () => json(200, openApiDocument(), { 'cache-control': 'public, max-age=300' }),
  },
  { store: table.idempotencyStore(), clock: app.clock },
  app.telemetry,
);
