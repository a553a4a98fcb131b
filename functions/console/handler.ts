import type * as z from 'zod';
import { afterResponse } from '#adapters/after-response.ts';
import { systemClock } from '#adapters/clock.ts';
import { errorPage, html, seeOther } from '#adapters/console-http.ts';
import { clearSessionCookie, readCookie, sessionCookie } from '#adapters/console-session.ts';
import {
  beginSignIn,
  clearSignInCookie,
  completeSignIn,
  devSession,
  SignInError,
  signInCookieName,
  signOutUrl,
} from '#adapters/console-sign-in.ts';
import { type HttpEvent, type HttpResult, httpHandler, problems } from '#adapters/http.ts';
import {
  creditNoteRequestSchema,
  disputeRequestSchema,
  type FieldError,
  holdRequestSchema,
  idSchema,
  paymentPlanRequestSchema,
  promiseRequestSchema,
  replanRequestSchema,
  voidRequestSchema,
} from '#contracts/api.ts';
import { consoleRoleSchema } from '#contracts/console-roles.ts';
import { customerView } from '#contracts/customer-api.ts';
import { invoiceView } from '#contracts/invoice-view.ts';
import {
  customerListItem,
  decodeCustomerCursor,
  decodeInvoiceCursor,
  dueRange,
  encodeCustomerCursor,
  encodeInvoiceCursor,
  type InvoiceListQueryString,
  invoiceListItem,
  MAX_LIST_LIMIT,
} from '#contracts/list-api.ts';
import { activeHoldReasons, invoiceListStatusOrder } from '#contracts/listing.ts';
import { MetricName } from '#contracts/metrics.ts';
import { policyView } from '#contracts/policy-api.ts';
import { unmatchedReplyView } from '#contracts/replies.ts';
import { taskCompletionSchema, taskView } from '#contracts/task-api.ts';
import { addDays } from '#domain/calendar.ts';
import { AGING_BUCKETS } from '#domain/finance-reports.ts';
import { HOLD_REASONS } from '#domain/hold-types.ts';
import { localDate } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import { brokenPromiseTaskKey } from '#domain/planner.ts';
import type { DueRange, InvoiceListing, InvoiceListPosition } from '#ports/invoice-store.ts';
import { InvalidCursorError } from '#ports/task-store.ts';
import { consolePaths } from '#presentation/console/context.ts';
import { CONSOLE_CSS, consoleStylesheetHeaders, messageBodyHeaders } from '#presentation/console/layout.ts';
import { renderCustomer } from '#presentation/console/pages/customer.ts';
import { renderCustomers } from '#presentation/console/pages/customers.ts';
import { renderDashboard } from '#presentation/console/pages/dashboard.ts';
import { type InvoiceAction, invoiceActionPermission, invoiceActions, renderInvoice } from '#presentation/console/pages/invoice.ts';
import { type InvoiceListItem, type InvoiceListQuery, invoiceSortColumns, renderInvoices } from '#presentation/console/pages/invoices.ts';
import { renderMessage } from '#presentation/console/pages/message.ts';
import { renderPolicies } from '#presentation/console/pages/policies.ts';
import { renderReplies } from '#presentation/console/pages/replies.ts';
import { renderSignIn } from '#presentation/console/pages/sign-in.ts';
import { renderTask } from '#presentation/console/pages/task.ts';
import { renderWorklist } from '#presentation/console/pages/worklist.ts';
import { completeCollectorTask, TaskNotFoundError } from '#use-cases/complete-collector-task.ts';
import { DashboardReportCache, dashboardAttention, dashboardReports } from '#use-cases/console-dashboard.ts';
import { customerRisk, describeCustomer } from '#use-cases/customers.ts';
import { filteredListPage } from '#use-cases/filtered-list.ts';
import { reportAging, reportKpiFigures, reportKpiSeries } from '#use-cases/finance-reports.ts';
import {
  type ActionResult,
  agreeInvoicePaymentPlan,
  applyInvoiceCreditNote,
  openDispute,
  placeHold,
  recordPromise,
  releaseInvoiceHold,
  replan,
  voidInvoiceAction,
} from '#use-cases/invoice-actions.ts';
import { listCollectorTasks, tasksOfInvoice } from '#use-cases/list-collector-tasks.ts';
import { listUnmatchedReplies } from '#use-cases/list-unmatched-replies.ts';
import {
  actionDeps,
  app,
  baseUrl,
  clock,
  customers,
  dashboardSnapshots,
  devSignIn,
  keyring,
  messages,
  page,
  policies,
  reportDeps,
  secure,
  signIn,
  store,
  taskDeps,
  tasks,
  unmatchedReplies,
  verifyIdToken,
} from './compose.ts';
import { decode, formBody, type Parsed, parseForm } from './forms.ts';
import { policyEditPage, postPolicy } from './policy-pages.ts';

// ---------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------

async function signInPage(): Promise<HttpResult> {
  const devSignIns = devSignIn ? consoleRoleSchema.options.map((role) => ({ role, href: consolePaths.devSignIn(role) })) : undefined;
  return html(200, renderSignIn({ signInUrl: consolePaths.signInStart, devSignIns }));
}

/** Starts managed login: PKCE verifier, state and nonce kept in a short sealed cookie, then off to Cognito. */
async function startSignIn(): Promise<HttpResult> {
  const begun = beginSignIn({ ...signIn, now: systemClock.now(), keys: await keyring(), secure });
  return {
    statusCode: 302,
    headers: { location: begun.authorizeUrl, 'cache-control': 'no-store' },
    body: '',
    cookies: [begun.stateCookie],
  };
}

async function callback(event: HttpEvent): Promise<HttpResult> {
  const keys = await keyring();
  const now = systemClock.now();
  try {
    const session = await completeSignIn({
      ...signIn,
      query: event.queryStringParameters ?? {},
      stateCookieValue: readCookie(event.cookies ?? event.headers?.cookie, signInCookieName(secure)),
      fetch,
      verifyIdToken,
      now,
      keys,
    });
    app.log.info('console sign-in', { subject: session.subject, role: session.role });
    return seeOther(consolePaths.home, [clearSignInCookie(secure), sessionCookie(keys, session, now, secure)]);
  } catch (error) {
    if (!(error instanceof SignInError)) throw error;
    app.log.warn('console sign-in refused', { reason: error.reason });
    return errorPage(error.reason === 'no_console_role' ? 403 : 400, 'Sign-in failed', error.message);
  }
}

async function devSignInRoute(event: HttpEvent): Promise<HttpResult> {
  if (!devSignIn) return errorPage(404, 'Not found', 'Password-free sign-in exists only on the local runtime.');
  const role = consoleRoleSchema.safeParse(event.queryStringParameters?.role);
  if (!role.success) return errorPage(400, 'Unknown role', 'Choose finance or collector.');
  const now = systemClock.now();
  return seeOther(consolePaths.home, [sessionCookie(await keyring(), devSession(role.data, now), now, secure)]);
}

const signOut = page(async () => {
  const location = devSignIn
    ? consolePaths.signIn
    : signOutUrl({ domainUrl: signIn.domainUrl, clientId: signIn.clientId, logoutUri: `${baseUrl}${consolePaths.signIn}` });
  return { ...seeOther(location), cookies: [clearSessionCookie(secure)] };
});

// ---------------------------------------------------------------------------------------
// Dashboard
// ---------------------------------------------------------------------------------------

/** The step keys of the tasks a broken promise or payment plan opens (`broken-<holdId>`, planner.ts). */
const BROKEN_PROMISE_STEPS = brokenPromiseTaskKey('PRM.');
const BROKEN_PLAN_STEPS = brokenPromiseTaskKey('PLN.');

/** The report figures behind the dashboard, stored and refreshed after the response (console-dashboard.ts). */
const dashboardCache = new DashboardReportCache({ snapshots: dashboardSnapshots, clock, afterResponse, log: app.log }, (today) =>
  dashboardReports(
    {
      // The currencies of the open invoices (the first page of the list index, open first).
      currencies: async () => {
        const open = await store.list({ status: undefined, customerId: undefined, due: {}, limit: MAX_LIST_LIMIT, after: undefined });
        return currenciesOf(open.items.map((listing) => listing.currency));
      },
      aging: (request) => reportAging(reportDeps, request),
      kpis: (request) => reportKpiFigures(reportDeps, request),
      kpiSeries: (request) => reportKpiSeries(reportDeps, request),
    },
    today,
  ),
);

const dashboard = page(async (_event, { ctx }) => {
  const [reports, attention] = await Promise.all([
    dashboardCache.current(reportingDay(ctx.now)),
    dashboardAttention({
      // Counted on the worklist index, not read: the dashboard only shows how many.
      openTasks: async () => {
        const counted = await tasks.count({ status: 'open', stepKeyPrefix: BROKEN_PROMISE_STEPS });
        return { total: counted.total, brokenPromises: counted.matching };
      },
      pausedByReason,
    }),
  ]);
  const { snapshot, refreshing } = reports;
  return html(200, renderDashboard({ reports: snapshot?.reports, attention, reportsAt: snapshot?.computedAt, refreshing }, ctx));
});

/** Today as the reports count days: a calendar date of the reporting zone. */
const reportingDay = (now: Date) => localDate(now, reportDeps.reportingTimeZone);

const currenciesOf = (codes: readonly string[]) => [...new Set(codes)].sort();

/**
 * Every paused invoice, counted by the reasons of its active holds, from the list index's
 * listings (the whole `on_hold` list, a page of 500 at a time). A listing written before listings
 * recorded hold reasons is the only case that reads its invoice.
 */
async function pausedByReason(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let after: InvoiceListPosition | undefined;
  do {
    const page = await store.list({ status: 'on_hold', customerId: undefined, due: {}, limit: MAX_LIST_LIMIT, after });
    const reasons = await Promise.all(
      page.items.map(async (listing) => listing.holds ?? holdReasonsOf(await store.get(listing.invoiceId))),
    );
    for (const reason of reasons.flat()) counts[reason] = (counts[reason] ?? 0) + 1;
    after = page.next;
  } while (after);
  return counts;
}

const holdReasonsOf = (invoice: Invoice | undefined): string[] => (invoice ? activeHoldReasons(invoice) : []);

// ---------------------------------------------------------------------------------------
// Receivables
// ---------------------------------------------------------------------------------------

/** Each filter's allowed values; a value outside them is a 400 naming the filter, not a silently wider list. */
const listFilterValues: Readonly<Record<string, readonly string[]>> = {
  status: invoiceListStatusOrder,
  overdue: ['true', 'false'],
  bucket: AGING_BUCKETS,
  tier: ['1', '2', '3', '4'],
  hold: HOLD_REASONS,
  sort: invoiceSortColumns,
  order: ['asc', 'desc'],
};

function listQuery(event: HttpEvent): InvoiceListQuery | { readonly problem: string } {
  const q = event.queryStringParameters ?? {};
  const pick = (name: string, max = 100) => {
    const value = q[name]?.trim();
    return value ? value.slice(0, max) : undefined;
  };
  for (const [name, allowed] of Object.entries(listFilterValues)) {
    const value = pick(name);
    if (value !== undefined && !allowed.includes(value)) return { problem: `${name} must be one of ${allowed.join(', ')}` };
  }
  const currency = pick('currency', 10)?.toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) return { problem: 'currency must be a three-letter ISO 4217 code' };
  return {
    status: pick('status'),
    overdue: pick('overdue') as InvoiceListQuery['overdue'],
    bucket: pick('bucket'),
    customerId: pick('customerId'),
    tier: pick('tier'),
    currency,
    hold: pick('hold'),
    q: pick('q', 200),
    sort: pick('sort') as InvoiceListQuery['sort'],
    order: pick('order') as InvoiceListQuery['order'],
    cursor: pick('cursor', 1000),
  };
}

/** An aging bucket as due dates (`days past due` = today − due date, as the list and aging.sql count it). */
function bucketRange(bucket: string | undefined, today: string): DueRange | undefined {
  const day = (days: number) => addDays(today, -days);
  switch (bucket) {
    case 'current':
      return { from: today };
    case '1-30':
      return { from: day(30), before: today };
    case '31-60':
      return { from: day(60), before: day(30) };
    case '61-90':
      return { from: day(90), before: day(60) };
    case '91+':
      return { before: day(90) };
    default:
      return undefined;
  }
}

/** Both ranges at once: the later start, the earlier end. */
function intersect(a: DueRange, b: DueRange | undefined): DueRange {
  if (!b) return a;
  const from = [a.from, b.from]
    .filter((bound) => bound !== undefined)
    .sort()
    .at(-1);
  const before = [a.before, b.before].filter((bound) => bound !== undefined).sort()[0];
  return { ...(from !== undefined ? { from } : {}), ...(before !== undefined ? { before } : {}) };
}

/**
 * Listings one receivables request reads at most while it fills a page through the filters the
 * list index cannot apply (tier, currency, search, hold reason): with 10,000 invoices a rare match
 * still answers quickly, and the page says where it stopped and links on.
 */
const LIST_READ_BUDGET = 5_000;

/**
 * The receivables list: status, customer and due dates (overdue, the aging bucket) are the list
 * index's own keys; the other filters and the search are applied while reading on, page after page
 * of the index, until a page of matches is full or the read budget is spent. So a filter always
 * covers the whole list, and the next link resumes exactly where this page stopped. The sort
 * orders the page's rows (the pages themselves follow the index: status, then due date).
 */
const invoices = page(async (event, { ctx }) => {
  const query = listQuery(event);
  if ('problem' in query) return errorPage(400, 'Bad filter', `The list cannot be filtered that way: ${query.problem}.`);
  // The API's own cursor: checked against the filters it was made for, never handed to the store unread.
  const status = (query.hold ? 'on_hold' : query.status) as InvoiceListQueryString['status'];
  const filters = { status, customerId: query.customerId, overdue: query.overdue, limit: MAX_LIST_LIMIT };
  const decoded = query.cursor === undefined ? undefined : decodeInvoiceCursor({ ...filters, cursor: query.cursor });
  if (decoded && 'error' in decoded) {
    return errorPage(400, 'Bad page link', 'This page link is not one the list handed out; start from the first page.');
  }
  const today = ctx.now.toISOString().slice(0, 10);
  const due = intersect(dueRange({ overdue: query.overdue, dueBefore: undefined }, today), bucketRange(query.bucket, today));
  const needle = query.q?.toLowerCase();
  const matches = async (listing: InvoiceListing, item: InvoiceListItem): Promise<boolean> => {
    if (query.tier && String(item.tier) !== query.tier) return false;
    if (query.currency && listing.currency !== query.currency) return false;
    if (needle && ![listing.invoiceId, listing.customerId, listing.customerName].some((field) => field.toLowerCase().includes(needle))) {
      return false;
    }
    if (query.hold) {
      const reasons = listing.holds ?? holdReasonsOf(await store.get(listing.invoiceId));
      if (!reasons.includes(query.hold)) return false;
    }
    return true;
  };

  const found = await filteredListPage(
    store,
    { status, customerId: filters.customerId, due, after: decoded?.position },
    async (listing) => matches(listing, invoiceListItem(listing, ctx.now)),
    { pageSize: MAX_LIST_LIMIT, readBudget: LIST_READ_BUDGET },
  );
  let items = found.listings.map((listing) => invoiceListItem(listing, ctx.now));
  if (query.sort) items = sortItems(items, query.sort, query.order ?? 'asc');
  const next = found.next ? encodeInvoiceCursor(filters, found.next) : undefined;
  const currencies = currenciesOf(found.listings.map((listing) => listing.currency));
  return html(200, renderInvoices({ items, query, next, searched: found.searched, currencies }, ctx));
});

function sortItems(items: InvoiceListItem[], column: NonNullable<InvoiceListQuery['sort']>, order: 'asc' | 'desc'): InvoiceListItem[] {
  const value = (item: InvoiceListItem): string | number => {
    if (column === 'balance') return Number(item.balance);
    if (column === 'daysPastDue') return item.daysPastDue;
    return String(item[column]);
  };
  const sign = order === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  });
}

async function loadInvoice(event: HttpEvent): Promise<Invoice> {
  const invoiceId = idSchema.safeParse(decode(event.pathParameters?.invoiceId));
  if (!invoiceId.success) throw problems.notFound('No such invoice');
  const invoice = await store.get(invoiceId.data);
  if (!invoice) throw problems.notFound(`Invoice ${invoiceId.data} does not exist`);
  return invoice;
}

async function invoicePageView(invoice: Invoice, now: Date) {
  const [listed, invoiceTasks] = await Promise.all([policies.list(), tasksOfInvoice(tasks, invoice)]);
  const writeOff = invoiceTasks.find((task) => task.kind === 'write_off_proposal' && task.status === 'open');
  return {
    invoice: invoiceView(invoice, now),
    policies: listed.map((policy) => ({ policyId: policy.policyId, name: policy.name })),
    writeOffTaskId: writeOff?.taskId,
  };
}

/**
 * One sent message of the invoice, by its id on the invoice's timeline: a message is only ever
 * shown (or its body served) under an invoice it was sent about, never by its id alone.
 */
async function sentMessage(event: HttpEvent, now: Date) {
  const invoice = await loadInvoice(event);
  const messageId = decode(event.pathParameters?.messageId);
  const view = invoiceView(invoice, now);
  const sent = view.timeline.find(
    (entry) => (entry.type === 'reminder.sent' || entry.type === 'thank_you.sent') && entry.messageId === messageId,
  );
  if (!sent) throw problems.notFound(`Invoice ${invoice.invoiceId} has no message ${messageId}`);
  return { view, sent, messageId };
}

/** The message's facts from the timeline, and the message itself from the archive. */
const messagePage = page(async (event, { ctx }) => {
  const { view, sent, messageId } = await sentMessage(event, ctx.now);
  const archived = await messages.get(messageId);
  return html(200, renderMessage({ invoice: view, sent, archived }, ctx));
});

/** The archived HTML of the message (an email's, a letter's page), exactly as sent, alone: the message page frames it. */
const messageBody = page(async (event, { ctx }) => {
  const { view, messageId } = await sentMessage(event, ctx.now);
  const archived = await messages.get(messageId);
  if (archived?.html === undefined) throw problems.notFound(`Message ${messageId} of invoice ${view.invoiceId} has no archived HTML`);
  return { statusCode: 200, headers: { ...messageBodyHeaders }, body: archived.html };
});

const invoicePage = page(async (event, { ctx }) => {
  const invoice = await loadInvoice(event);
  const done = invoiceActions.find((action) => action === event.queryStringParameters?.done);
  return html(200, renderInvoice({ ...(await invoicePageView(invoice, ctx.now)), done }, ctx));
});

/** The API action behind each form: the same schema, the same use case (shared/use-cases/invoice-actions.ts). */
async function perform(
  action: InvoiceAction,
  invoiceId: string,
  form: Readonly<Record<string, string>>,
): Promise<ActionResult | Parsed<z.ZodType>> {
  const body = formBody(form);
  switch (action) {
    case 'hold': {
      // A datetime-local field has no zone: the console reads it as UTC, and says so beside the field.
      if (typeof body.until === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(body.until)) body.until = `${body.until}:00Z`;
      const parsed = parseForm(holdRequestSchema, body);
      return parsed.ok ? placeHold(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'release':
      return releaseInvoiceHold(actionDeps, invoiceId, String(body.holdId ?? ''));
    case 'promise': {
      const parsed = parseForm(promiseRequestSchema, body);
      return parsed.ok ? recordPromise(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'dispute': {
      const parsed = parseForm(disputeRequestSchema, body);
      return parsed.ok ? openDispute(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'payment-plan': {
      const parsed = parseForm(paymentPlanRequestSchema, body);
      return parsed.ok ? agreeInvoicePaymentPlan(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'credit-note': {
      const parsed = parseForm(creditNoteRequestSchema, body);
      return parsed.ok ? applyInvoiceCreditNote(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'void': {
      const parsed = parseForm(voidRequestSchema, body);
      return parsed.ok ? voidInvoiceAction(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'replan': {
      const parsed = parseForm(replanRequestSchema, body);
      return parsed.ok ? replan(actionDeps, invoiceId, parsed.value) : parsed;
    }
    case 'write-off': {
      const taskId = String(body.taskId ?? '');
      const note = typeof body.note === 'string' ? body.note : undefined;
      // Only this invoice's own proposal: the form's task id is never trusted to name another invoice's task.
      const invoice = await store.get(invoiceId);
      const proposals = invoice ? await tasksOfInvoice(tasks, invoice) : [];
      if (!proposals.some((task) => task.taskId === taskId && task.kind === 'write_off_proposal')) {
        return { kind: 'not_found', detail: `Invoice ${invoiceId} has no write-off proposal ${taskId || '(none named)'}` };
      }
      try {
        const outcome = await completeCollectorTask(taskDeps, taskId, { outcome: 'approved', ...(note ? { note } : {}) });
        if (outcome.kind === 'invalid') return { ok: false, errors: [...outcome.errors] };
        if (outcome.kind === 'conflict') return { kind: 'conflict', detail: `Task ${taskId}: ${outcome.reason}` };
        return { ok: true, value: undefined };
      } catch (error) {
        if (error instanceof TaskNotFoundError) return { kind: 'not_found', detail: error.message };
        throw error;
      }
    }
  }
}

/** The actions that pause dunning, counted as the API counts them (EMF `holdsPlaced`). */
const PAUSING_ACTIONS: ReadonlySet<InvoiceAction> = new Set(['hold', 'promise', 'dispute', 'payment-plan']);

/** `POST /console/invoices/{id}/{action}`: the role check per action, then post/redirect/get or the form again with its errors. */
async function postInvoiceAction(event: HttpEvent): Promise<HttpResult> {
  const action = invoiceActions.find((candidate) => candidate === event.pathParameters?.action);
  if (!action) return errorPage(404, 'Not found', 'No such invoice action.');
  return page(async (_event, { ctx, form }) => {
    const invoice = await loadInvoice(event);
    const result = await perform(action, invoice.invoiceId, form);
    const errors: FieldError[] | undefined =
      'ok' in result
        ? result.ok
          ? undefined
          : result.errors
        : result.kind === 'invalid'
          ? result.errors
          : result.kind === 'conflict'
            ? (result.errors ?? [{ path: '(body)', message: result.detail }])
            : result.kind === 'not_found'
              ? [{ path: '(body)', message: result.detail }]
              : undefined;
    if (!errors) {
      app.log.info('console action', { invoiceId: invoice.invoiceId, action, role: ctx.role });
      if (PAUSING_ACTIONS.has(action)) app.telemetry.count(MetricName.holdsPlaced);
      return seeOther(`${consolePaths.invoice(invoice.invoiceId)}?done=${action}`);
    }
    const current = (await store.get(invoice.invoiceId)) ?? invoice;
    const values = Object.fromEntries(Object.entries(form).filter(([name]) => name !== 'csrf'));
    return html(400, renderInvoice({ ...(await invoicePageView(current, ctx.now)), failed: { action, errors, values } }, ctx));
  }, invoiceActionPermission[action])(event);
}

// ---------------------------------------------------------------------------------------
// Worklist
// ---------------------------------------------------------------------------------------

const worklist = page(async (event, { ctx }) => {
  const after = event.queryStringParameters?.after?.slice(0, 600) || undefined;
  const reason = event.queryStringParameters?.reason;
  // Broken promises and plans are found on the index (their step keys say so); other reasons within the page.
  const stepKeyPrefix =
    reason === 'broken_promise' ? BROKEN_PROMISE_STEPS : reason === 'broken_payment_plan' ? BROKEN_PLAN_STEPS : undefined;
  const listed = await listCollectorTasks(taskDeps, {
    status: 'open',
    limit: 50,
    ...(after ? { after } : {}),
    ...(stepKeyPrefix ? { stepKeyPrefix } : {}),
  });
  const all = listed.items.map((item) => taskView(item.task, item.invoice, ctx.now));
  const shown = reason ? all.filter((task) => task.reason === reason) : all;
  // Risk orders the worklist after deadline, amount and days past due. Each task records the
  // customer's risk when it was opened; only a task from before that is read live (one read per customer).
  const today = ctx.now.toISOString().slice(0, 10);
  const customerIds = [...new Set(shown.filter((task) => !task.risk).map((task) => task.customerId))];
  const assessed = await Promise.all(customerIds.map(async (id) => [id, await customerRisk(customers, id, today)] as const));
  const risk = Object.fromEntries(assessed.map(([id, assessment]) => [id, { score: assessment.score, tier: assessment.tier }]));
  return html(200, renderWorklist({ tasks: shown, next: listed.next, risk }, ctx));
});

async function taskPageView(taskId: string, now: Date) {
  const task = await tasks.get(taskId);
  if (!task) throw problems.notFound(`Task ${taskId} does not exist`);
  const invoice = await store.get(task.invoiceId);
  const [standing, linked] = await Promise.all([
    describeCustomer({ customers, clock }, task.customerId),
    customers.linkedInvoices(task.customerId),
  ]);
  const history = (linked.length > 0 ? linked : invoice ? [invoice] : []).map((each) => invoiceView(each, now));
  return { task: taskView(task, invoice, now), customer: standing ? customerView(standing) : undefined, history };
}

const taskPage = page(async (event, { ctx }) => {
  const view = await taskPageView(decode(event.pathParameters?.taskId), ctx.now);
  return html(200, renderTask({ ...view, done: event.queryStringParameters?.done === 'complete' }, ctx));
});

const completeTask = page(async (event, { ctx, form }) => {
  const taskId = decode(event.pathParameters?.taskId);
  const parsed = parseForm(taskCompletionSchema, formBody(form));
  let errors: FieldError[] | undefined;
  if (!parsed.ok) errors = parsed.errors;
  else {
    try {
      const outcome = await completeCollectorTask(taskDeps, taskId, parsed.value);
      if (outcome.kind === 'invalid') errors = [...outcome.errors];
      if (outcome.kind === 'conflict') errors = [{ path: '(body)', message: outcome.reason }];
    } catch (error) {
      if (error instanceof TaskNotFoundError) throw problems.notFound(error.message);
      throw error;
    }
  }
  if (!errors) {
    app.log.info('console task completed', { taskId, role: ctx.role });
    return seeOther(`${consolePaths.task(taskId)}?done=complete`);
  }
  const values = Object.fromEntries(Object.entries(form).filter(([name]) => name !== 'csrf'));
  return html(400, renderTask({ ...(await taskPageView(taskId, ctx.now)), failed: { errors, values } }, ctx));
}, 'task.complete');

/** The unmatched replies queue, 50 a page, newest first (as `GET /v1/replies?status=unmatched`). */
const repliesPage = page(async (event, { ctx }) => {
  const cursor = event.queryStringParameters?.cursor?.slice(0, 600) || undefined;
  try {
    const listed = await listUnmatchedReplies({ unmatched: unmatchedReplies }, { limit: 50, cursor });
    return html(200, renderReplies({ replies: listed.replies.map(unmatchedReplyView), next: listed.next }, ctx));
  } catch (error) {
    if (error instanceof InvalidCursorError)
      return errorPage(400, 'Bad page link', 'This page link is not one the list handed out; start from the first page.');
    throw error;
  }
});

// ---------------------------------------------------------------------------------------
// Customers and policies
// ---------------------------------------------------------------------------------------

const customerPage = page(async (event, { ctx }) => {
  const customerId = decode(event.pathParameters?.customerId);
  const standing = await describeCustomer({ customers, clock }, customerId);
  if (!standing) throw problems.notFound(`Customer ${customerId} has no profile and no invoices`);
  const listed = await store.list({ status: undefined, customerId, due: {}, limit: 500, after: undefined });
  const openInvoices = listed.items.filter((listing) => ['open', 'on_hold', 'escalated'].includes(listing.status));
  return html(
    200,
    renderCustomer({ customer: customerView(standing), openInvoices: openInvoices.map((l) => invoiceListItem(l, ctx.now)) }, ctx),
  );
});

/** One page of the customer list index (profiles), optionally of one segment. */
const customersPage = page(async (event, { ctx }) => {
  const query = event.queryStringParameters ?? {};
  const segment = query.segment?.trim().slice(0, 64) || undefined;
  let after: unknown;
  if (query.cursor) {
    const decoded = decodeCustomerCursor({ segment, limit: 100, cursor: query.cursor.slice(0, 1000) });
    if ('error' in decoded)
      return errorPage(400, 'Bad page link', 'This page link is not one the list handed out; start from the first page.');
    after = decoded.position;
  }
  const listed = await customers.list({ segment, limit: 100, after: after as Parameters<typeof customers.list>[0]['after'] });
  const next = listed.next ? encodeCustomerCursor({ segment, limit: 100 }, listed.next) : undefined;
  return html(200, renderCustomers({ items: listed.items.map(customerListItem), segment, next }, ctx));
});

const policiesPage = page(async (_event, { ctx }) => {
  return html(200, renderPolicies({ policies: (await policies.list()).map(policyView) }, ctx));
});

async function stylesheet(): Promise<HttpResult> {
  return { statusCode: 200, headers: { ...consoleStylesheetHeaders }, body: CONSOLE_CSS };
}

export const handler = httpHandler(
  {
    'GET /console': dashboard,
    'GET /console/assets/console.css': stylesheet,
    'GET /console/sign-in': signInPage,
    'GET /console/sign-in/start': startSignIn,
    'GET /console/callback': callback,
    'GET /console/dev-sign-in': devSignInRoute,
    'POST /console/sign-out': signOut,
    'GET /console/invoices': invoices,
    'GET /console/invoices/{invoiceId}': invoicePage,
    'POST /console/invoices/{invoiceId}/{action}': postInvoiceAction,
    'GET /console/invoices/{invoiceId}/messages/{messageId}': messagePage,
    'GET /console/invoices/{invoiceId}/messages/{messageId}/body': messageBody,
    'GET /console/tasks': worklist,
    'GET /console/tasks/{taskId}': taskPage,
    'GET /console/replies': repliesPage,
    'POST /console/tasks/{taskId}/complete': completeTask,
    'GET /console/customers': customersPage,
    'GET /console/customers/{customerId}': customerPage,
    'GET /console/policies': policiesPage,
    'GET /console/policies/{policyId}': policyEditPage,
    'POST /console/policies/{policyId}': postPolicy,
  },
  undefined,
  app.telemetry,
);
