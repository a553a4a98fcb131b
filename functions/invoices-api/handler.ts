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
import { openApiDocument } from '#contracts/openapi.ts';
import { INVOICES_BATCH_ACTION } from '#contracts/routes.ts';
import { childId, parseChildId } from '#domain/child-ids.ts';
import {
  activeHolds,
  applyCreditNote,
  type HoldOutcome,
  makePromise,
  nextHoldNumber,
  openDispute,
  placeManualHold,
  releaseHold,
  resolveDispute,
  startPaymentPlan,
  voidInvoice,
} from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { policyFor } from '#domain/policy.ts';
import { tiersOncePerCustomer } from '#use-cases/customers.ts';
import { type IngestDeps, ingestInvoice, UnknownPolicyError } from '#use-cases/ingest-invoice.ts';
import { changeInvoice } from '#use-cases/invoice-writes.ts';
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

/** Items of one batch upserted at once: enough to finish 500 well inside the timeout, gentle on the table. */
const BATCH_CONCURRENCY = 8;

type BatchItemResult =
  | { index: number; invoiceId: string; status: 200 | 201; outcome: 'created' | 'updated' | 'unchanged'; location: string }
  | { index: number; invoiceId?: string; status: number; problem: unknown };

/**
 * `POST /v1/invoices:batch` → 207 with one result per item, in request order. Each item is
 * validated and upserted exactly as `POST /v1/invoices` would (same statuses, same problem
 * bodies with paths relative to the item); one bad item never blocks or undoes the others.
 * A repeated invoiceId is processed once, at its first index; later copies get 409.
 */
async function postCollectionAction(event: HttpEvent) {
  const action = safeDecode(event.pathParameters?.collectionAction ?? '');
  if (action !== INVOICES_BATCH_ACTION) throw problems.notFound(`No route for POST /v1/${action}`);
  const { invoices } = parseBody(event, invoiceBatchEnvelopeSchema);
  // Duplicates are decided up front, in request order, so the first copy wins whichever finishes first.
  const firstIndex = new Map<string, number>();
  const duplicateOf = invoices.map((item, index) => {
    const invoiceId = claimedId(item);
    if (invoiceId === undefined) return undefined;
    const first = firstIndex.get(invoiceId);
    if (first === undefined) firstIndex.set(invoiceId, index);
    return first;
  });
  const batchDeps = { ...deps, customers: tiersOncePerCustomer(deps.customers) };
  const results = await mapBounded(invoices, BATCH_CONCURRENCY, async (item, index): Promise<BatchItemResult> => {
    const claimed = claimedId(item);
    const id = claimed === undefined ? {} : { invoiceId: claimed };
    const first = duplicateOf[index];
    if (first !== undefined) {
      const detail = `Invoice ${claimed} appears more than once in this batch; only its first copy, at index ${first}, is processed`;
      const duplicate = problems.conflict(detail, [{ path: 'invoiceId', message: `duplicates index ${first} of this batch` }]);
      return { index, ...id, status: 409, problem: problemBody(duplicate) };
    }
    const parsed = invoiceRequestSchema.safeParse(item);
    if (!parsed.success) return { index, ...id, status: 400, problem: problemBody(problems.validation(fieldErrors(parsed.error))) };
    const invoiceId = parsed.data.invoiceId;
    try {
      const outcome = await upsertOne(parsed.data, batchDeps);
      return {
        index,
        invoiceId,
        status: outcome.kind === 'created' ? 201 : 200,
        outcome: outcome.kind,
        location: invoiceLocation(invoiceId),
      };
    } catch (error) {
      const problem = problemFor(error);
      if (problem) return { index, invoiceId, status: problem.status, problem: problemBody(problem) };
      app.log.error('batch item failed', { index, invoiceId, error: String(error), stack: (error as Error)?.stack });
      const detail = 'This item was not processed; re-send it (an upsert is safe to repeat)';
      return { index, invoiceId, status: 500, problem: problemBody(new ProblemError(500, 'internal', 'Internal error', detail)) };
    }
  });
  // Nothing was accepted and every item hit a server error: answer 500 so a retry with the same
  // Idempotency-Key runs again (5xx responses are not kept for replay).
  if (results.every((result) => result.status >= 500)) throw new Error('every item of the batch failed');
  return json(207, { results });
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. `work` must not throw. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The invoiceId an item names, valid or not, so every result can be matched up by the client. */
function claimedId(item: unknown): string | undefined {
  const invoiceId = typeof item === 'object' && item !== null ? (item as { invoiceId?: unknown }).invoiceId : undefined;
  return typeof invoiceId === 'string' ? invoiceId : undefined;
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
  const body = { paymentId: outcome.payment.paymentId, invoice: await view(outcome.invoice) };
  return json(outcome.kind === 'recorded' ? 201 : 200, body);
}

async function loadInvoice(invoiceId: string): Promise<Invoice> {
  const invoice = await store.get(invoiceId);
  if (!invoice) throw problems.notFound(`Invoice ${invoiceId} does not exist`);
  return invoice;
}

/** Runs a collections action and maps its outcome: problems for conflicts and bad fields. */
async function act(invoiceId: string, change: (invoice: Invoice, now: Date) => HoldOutcome) {
  const outcome = await changeInvoice(deps, invoiceId, change);
  if (outcome.kind === 'conflict') throw problems.conflict(`Invoice ${invoiceId}: ${outcome.reason}`);
  if (outcome.kind === 'invalid') throw problems.validation([{ path: outcome.path, message: outcome.message }]);
  return outcome.invoice;
}

function count(invoice: Invoice, reason: string): number {
  return (invoice.holds ?? []).filter((hold) => hold.reason === reason).length;
}

async function postDispute(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, disputeRequestSchema);
  await loadInvoice(invoiceId);
  let disputeId = '';
  const invoice = await act(invoiceId, (current, now) => {
    const open = activeHolds(current).find((hold) => hold.reason === 'dispute');
    if (open) return { kind: 'conflict', reason: `dispute ${open.holdId} is already open` };
    disputeId = childId('DSP', invoiceId, count(current, 'dispute') + 1);
    return openDispute(current, disputeId, request.reason, request.note, now);
  });
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
  let promiseId = '';
  const invoice = await act(invoiceId, (current, now) => {
    promiseId = childId('PRM', invoiceId, count(current, 'promise') + 1);
    return makePromise(current, promiseId, request.promisedDate, amount, now, policyFor(current).holdRules);
  });
  return json(201, { promiseId, invoice: await view(invoice) });
}

async function postHold(event: HttpEvent) {
  const invoiceId = pathParameter(event, 'invoiceId', idSchema);
  const request = parseBody(event, holdRequestSchema);
  await loadInvoice(invoiceId);
  let holdId = '';
  const until = request.until ? new Date(request.until).toISOString() : null;
  const invoice = await act(invoiceId, (current, now) => {
    holdId = childId('HLD', invoiceId, nextHoldNumber(current));
    return placeManualHold(current, holdId, until, request.note, now, request.reason);
  });
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
  let planId = '';
  const invoice = await act(invoiceId, (current, now) => {
    planId = childId('PLN', invoiceId, count(current, 'payment_plan') + 1);
    return startPaymentPlan(current, planId, installments, now, policyFor(current).holdRules);
  });
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
);
