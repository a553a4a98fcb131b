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
  fieldErrors,
  holdRequestSchema,
  type InvoiceRequest,
  idSchema,
  invoiceBatchEnvelopeSchema,
  invoiceDateErrors,
  invoiceRequestSchema,
  paymentPlanRequestSchema,
  paymentRequestSchema,
  promiseRequestSchema,
  replanRequestSchema,
  toInvoiceInput,
  voidRequestSchema,
} from '#contracts/api.ts';
import { invoiceView } from '#contracts/invoice-view.ts';
import { decodeInvoiceCursor, dueRange, encodeInvoiceCursor, invoiceListItem, invoiceListQuerySchema } from '#contracts/list-api.ts';
import { MetricName } from '#contracts/metrics.ts';
import { openApiDocument } from '#contracts/openapi.ts';
import { INVOICES_BATCH_ACTION } from '#contracts/routes.ts';
import type { Invoice } from '#domain/invoice.ts';
import { claimedId, ingestBatch } from '#use-cases/ingest-batch.ts';
import { type IngestDeps, ingestInvoice, UnknownPolicyError } from '#use-cases/ingest-invoice.ts';
import {
  type ActionDone,
  type ActionResult,
  agreeInvoicePaymentPlan,
  applyInvoiceCreditNote,
  openDispute,
  placeHold,
  recordPayment,
  recordPromise,
  releaseInvoiceHold,
  replan,
  resolveInvoiceDispute,
  unknownDisputeId,
  voidInvoiceAction,
} from '#use-cases/invoice-actions.ts';

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

/** The problem an invoice action's failed result stands for. */
function problemOf(result: Exclude<ActionResult, { kind: 'done' }>): ProblemError {
  if (result.kind === 'not_found') return problems.notFound(result.detail);
  if (result.kind === 'conflict') return problems.conflict(result.detail, result.errors);
  return problems.validation(result.errors);
}

/** An invoice action's result as HTTP: the done result, or its problem thrown. */
function answer<T extends object>(result: ActionResult<T>): ActionDone<T> {
  if (result.kind !== 'done') throw problemOf(result);
  return result;
}

async function postPayment(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const done = answer(await recordPayment(deps, invoiceId, parseBody(event, paymentRequestSchema)));
  if (done.created) app.telemetry.count(MetricName.paymentsRecorded);
  return json(done.created ? 201 : 200, { paymentId: done.paymentId, invoice: await view(done.invoice) });
}

async function postDispute(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { disputeId, invoice } = answer(await openDispute(deps, invoiceId, parseBody(event, disputeRequestSchema)));
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { disputeId, invoice: await view(invoice) }, { location: `/v1/disputes/${disputeId}` });
}

async function postDisputeResolution(event: HttpEvent) {
  const disputeId = event.pathParameters?.disputeId ?? '';
  // An id that cannot be a dispute's is a 404 before the body is read.
  const unknown = unknownDisputeId(disputeId);
  if (unknown) throw problemOf(unknown);
  const done = answer(await resolveInvoiceDispute(deps, disputeId, parseBody(event, disputeResolutionSchema)));
  return json(200, { disputeId, outcome: done.outcome, invoice: await view(done.invoice) });
}

async function postPromise(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { promiseId, invoice } = answer(await recordPromise(deps, invoiceId, parseBody(event, promiseRequestSchema)));
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { promiseId, invoice: await view(invoice) });
}

async function postHold(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { holdId, invoice } = answer(await placeHold(deps, invoiceId, parseBody(event, holdRequestSchema)));
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { holdId, invoice: await view(invoice) });
}

async function postPaymentPlan(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { planId, invoice } = answer(await agreeInvoicePaymentPlan(deps, invoiceId, parseBody(event, paymentPlanRequestSchema)));
  app.telemetry.count(MetricName.holdsPlaced);
  return json(201, { planId, invoice: await view(invoice) });
}

async function postHoldRelease(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { holdId, invoice } = answer(await releaseInvoiceHold(deps, invoiceId, event.pathParameters?.holdId ?? ''));
  return json(200, { holdId, invoice: await view(invoice) });
}

async function postCreditNote(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const done = answer(await applyInvoiceCreditNote(deps, invoiceId, parseBody(event, creditNoteRequestSchema)));
  return json(done.created ? 201 : 200, { creditNoteId: done.creditNoteId, invoice: await view(done.invoice) });
}

async function postVoid(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { invoice } = answer(await voidInvoiceAction(deps, invoiceId, parseBody(event, voidRequestSchema)));
  return json(200, await view(invoice));
}

async function postReplan(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const { invoice } = answer(await replan(deps, invoiceId, parseBody(event, replanRequestSchema)));
  return json(200, await view(invoice));
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
