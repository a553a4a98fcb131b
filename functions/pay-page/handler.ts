import * as z from 'zod';
import { functionContext } from '#adapters/compose-context.ts';
import { domainEvents } from '#adapters/compose-messaging.ts';
import { paymentProvider } from '#adapters/compose-payments.ts';
import { secretSource } from '#adapters/compose-sending.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { appendCorrelation } from '#adapters/correlation.ts';
import { bodyText, type HttpEvent, type HttpResult, httpHandler } from '#adapters/http.ts';
import { PaymentAmountError } from '#adapters/stripe-payments.ts';
import { addDays } from '#domain/calendar.ts';
import { disputeReasons } from '#domain/hold-types.ts';
import { type HoldOutcome, localDate } from '#domain/holds.ts';
import { balanceMinor, type Invoice } from '#domain/invoice.ts';
import { checkFormToken, formToken, type Keyring, parseKeyring, signPayLink, verifyPayLink } from '#domain/pay-link.ts';
import { MAX_PLAN_REQUEST_NOTE, MAX_REQUESTED_INSTALLMENTS, MIN_REQUESTED_INSTALLMENTS } from '#domain/plan-requests.ts';
import { policyFor } from '#domain/policy.ts';
import { escapeHtml } from '#presentation/html.ts';
import {
  type FieldError,
  type FormName,
  invoicePage,
  MAX_DISPUTE_NOTE,
  type PageState,
  preferencesPage,
  printableInvoice,
  securityHeaders,
  shell,
} from '#presentation/pay-page.ts';
import { longDate } from '#presentation/templates/format.ts';
import { pageLang, pageWordingFor, pageWordingForAcceptLanguage } from '#presentation/templates/page-language.ts';
import type { PageWording } from '#presentation/templates/page-wording.ts';
import { askForPaymentPlan } from '#use-cases/ask-for-payment-plan.ts';
import { ConcurrentChangeError } from '#use-cases/concurrent-writes.ts';
import { changeConsent } from '#use-cases/customers.ts';
import { openInvoiceDispute } from '#use-cases/open-dispute.ts';
import { promiseToPay } from '#use-cases/promise-to-pay.ts';
import { resolveShortLink } from '#use-cases/resolve-short-link.ts';

const app = functionContext('pay-page');
const table = tableAdapters(app);
const store = table.invoiceStore();
const secrets = secretSource(app);
const deps = { store, clock: app.clock, events: domainEvents(app), log: app.log };
const customers = table.customerStore();
const shortLinks = table.shortLinkStore();
const payments = paymentProvider(app);
const publicBaseUrl = app.publicBaseUrl();
const creditor = app.creditor();

/** A hosted-page form is a few fields; anything bigger is not ours. */
const MAX_FORM_BYTES = 16 * 1024;

function page(status: number, html: string, extra: Record<string, string> = {}): HttpResult {
  return { statusCode: status, headers: { ...securityHeaders, ...extra }, body: html };
}

/** Where the page's language comes from: the invoice's customer, or (no invoice known) the browser. */
type Reader = { readonly wording: PageWording; readonly lang: string };

const customerReader = (invoice: Invoice): Reader => ({
  wording: pageWordingFor(invoice.customer.locale),
  lang: pageLang(invoice.customer.locale),
});
const browserReader = (event: HttpEvent): Reader => pageWordingForAcceptLanguage(event.headers['accept-language']);

/** A page instead of the invoice (a refused link or form): never any invoice data. */
function problemPage(status: number, reader: Reader, problem: keyof PageWording['problems']): HttpResult {
  const { title, message } = reader.wording.problems[problem];
  return page(status, shell(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`, reader.lang), {
    'content-language': reader.lang,
  });
}

const notValid = (event: HttpEvent) => problemPage(404, browserReader(event), 'linkInvalid');

async function keyring(): Promise<Keyring> {
  return parseKeyring(await secrets.read(app.linkSecretId()));
}

/** The invoice a pay link is for, or the refusal page to show instead (never any invoice data). */
async function resolve(event: HttpEvent): Promise<{ token: string; invoice: Invoice; keys: Keyring } | HttpResult> {
  const token = event.pathParameters?.token ?? '';
  const keys = await keyring();
  const check = verifyPayLink(keys, token, app.clock.now());
  if (!check.ok) return check.reason === 'expired' ? problemPage(410, browserReader(event), 'linkExpired') : notValid(event);
  appendCorrelation({ invoiceId: check.invoiceId });
  const invoice = await store.get(check.invoiceId);
  return invoice ? { token, invoice, keys } : notValid(event);
}

/**
 * The short link of an SMS: a 302 to the page's long signed link, with the same expiry. A code
 * without a valid tag is refused before the table is read; unknown and expired codes get the
 * same refusal pages as a bad or expired `/pay/` link.
 */
async function followShortLink(event: HttpEvent): Promise<HttpResult> {
  const keys = await keyring();
  const check = await resolveShortLink(shortLinks, keys, event.pathParameters?.code ?? '', app.clock.now());
  if (!check.ok) return check.reason === 'expired' ? problemPage(410, browserReader(event), 'linkExpired') : notValid(event);
  const token = signPayLink(keys, check.invoiceId, check.expiresAt);
  return { statusCode: 302, headers: { ...securityHeaders, location: `/pay/${token}` }, body: '' };
}

/** The customer's today and the last date a promise may name, in the customer's zone. */
function promiseWindow(invoice: Invoice): { today: string; maxPromise: string } {
  const today = localDate(app.clock.now(), invoice.customer.timeZone);
  return { today, maxPromise: addDays(today, policyFor(invoice).holdRules.maxPromiseDays) };
}

function render(resolved: { token: string; invoice: Invoice; keys: Keyring }, state: PageState, status = 200): HttpResult {
  const { token, invoice, keys } = resolved;
  const { today, maxPromise } = promiseWindow(invoice);
  return page(status, invoicePage(invoice, `/pay/${token}`, formToken(keys, token) ?? '', today, maxPromise, state, creditor), {
    'content-language': pageLang(invoice.customer.locale),
  });
}

async function showPage(event: HttpEvent): Promise<HttpResult> {
  const resolved = await resolve(event);
  if ('statusCode' in resolved) return resolved;
  const done = event.queryStringParameters?.done;
  const known = ['dispute', 'promise', 'plan', 'paid', 'cancelled'] as const;
  return render(resolved, { done: known.find((value) => value === done) });
}

/** The printable invoice (print CSS; the browser prints it or saves it as a PDF). */
async function showInvoice(event: HttpEvent): Promise<HttpResult> {
  const resolved = await resolve(event);
  if ('statusCode' in resolved) return resolved;
  const { invoice, token } = resolved;
  return page(200, printableInvoice(invoice, `/pay/${token}`, creditor), { 'content-language': pageLang(invoice.customer.locale) });
}

/** Browsers say where a post comes from; a form of ours is only ever posted from our own page. */
function refuseCrossSite(event: HttpEvent): HttpResult | undefined {
  const site = event.headers['sec-fetch-site'];
  return site && site !== 'same-origin' && site !== 'none' ? problemPage(403, browserReader(event), 'crossSite') : undefined;
}

/** A web form of at most MAX_FORM_BYTES, for a valid link: its fields, or the page to answer instead. */
async function readForm(
  event: HttpEvent,
): Promise<{ resolved: { token: string; invoice: Invoice; keys: Keyring }; fields: URLSearchParams } | HttpResult> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(event.headers['content-type'] ?? '')) {
    return problemPage(415, browserReader(event), 'notWebForm');
  }
  const raw = bodyText(event);
  if (Buffer.byteLength(raw) > MAX_FORM_BYTES) return problemPage(413, browserReader(event), 'tooLarge');
  const resolved = await resolve(event);
  if ('statusCode' in resolved) return resolved;
  return { resolved, fields: new URLSearchParams(raw) };
}

const disputeForm = z.strictObject({
  formToken: z.string().min(1).max(200),
  reason: z.enum(disputeReasons, { message: 'choose one of the reasons' }),
  note: z.string().trim().max(MAX_DISPUTE_NOTE).optional(),
});

const promiseForm = z.strictObject({
  formToken: z.string().min(1).max(200),
  promisedDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'pick a date'),
});

const planRequestForm = z.strictObject({
  formToken: z.string().min(1).max(200),
  // Digits only: "1e1", " 3" or "3.0" are not what the number field sends.
  installments: z
    .string()
    .regex(/^\d{1,2}$/)
    .transform(Number)
    .pipe(z.number().int().min(MIN_REQUESTED_INSTALLMENTS).max(MAX_REQUESTED_INSTALLMENTS)),
  note: z.string().trim().max(MAX_PLAN_REQUEST_NOTE).optional(),
});

/**
 * How a form's fields read to the customer: each field's label on the page and what to say
 * when it is wrong, in the customer's language (the domain's own messages are English).
 */
interface FormWording {
  readonly labels: (w: PageWording) => Readonly<Record<string, string>>;
  readonly problem: (field: string, w: PageWording, invoice: Invoice) => string;
}

const disputeWording: FormWording = {
  labels: (w) => ({ reason: w.dispute.reason, note: w.dispute.note }),
  problem: (field, w) => (field === 'note' ? w.fieldErrors.tooLong(String(MAX_DISPUTE_NOTE)) : w.fieldErrors.chooseReason),
};

const promiseWording: FormWording = {
  labels: (w) => ({ promisedDate: w.promise.date }),
  problem: (_field, w) => w.fieldErrors.pickDate,
};

const planWording: FormWording = {
  labels: (w) => ({ installments: w.plan.installments, note: w.plan.note }),
  problem: (field, w) =>
    field === 'note'
      ? w.fieldErrors.tooLong(String(MAX_PLAN_REQUEST_NOTE))
      : w.fieldErrors.installmentsRange(String(MIN_REQUESTED_INSTALLMENTS), String(MAX_REQUESTED_INSTALLMENTS)),
};

/** Zod issues as the customer reads them: one entry per field, unknown field names shortened. */
function localizeIssues(error: z.ZodError, form: FormWording, w: PageWording, invoice: Invoice): FieldError[] {
  const labels = form.labels(w);
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const fields = issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0] ?? '')];
    for (const field of fields) {
      if (seen.has(field)) continue;
      seen.add(field);
      const known = Object.hasOwn(labels, field);
      errors.push({
        label: known ? (labels[field] ?? field) : field.slice(0, 40),
        message: known ? form.problem(field, w, invoice) : w.fieldErrors.unexpected,
        field: known ? field : undefined,
      });
    }
  }
  return errors;
}

/**
 * A form post: same-origin only, the per-form token checked, fields validated; on success a
 * redirect back to the page (so a reload does not post again), on bad input the page again
 * with the errors named and what was typed still in that form (the page bounds and escapes it).
 */
async function handleForm<S extends z.ZodType>(
  event: HttpEvent,
  schema: S,
  wording: FormWording,
  act: (invoice: Invoice, form: z.infer<S>) => Promise<HoldOutcome>,
  done: FormName,
): Promise<HttpResult> {
  const crossSite = refuseCrossSite(event);
  if (crossSite) return crossSite;
  const form = await readForm(event);
  if ('statusCode' in form) return form;
  const { resolved } = form;
  const { invoice } = resolved;
  const w = pageWordingFor(invoice.customer.locale);
  const fields = Object.fromEntries(form.fields);
  if (!checkFormToken(resolved.keys, resolved.token, String(fields.formToken ?? ''))) {
    return problemPage(403, customerReader(invoice), 'formExpired');
  }
  const posted = { name: done, values: fields };
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '')));
  if (!parsed.success) return render(resolved, { errors: localizeIssues(parsed.error, wording, w, invoice), posted }, 400);
  let outcome: HoldOutcome;
  try {
    outcome = await act(invoice, parsed.data);
  } catch (error) {
    // The page's own answer to what the API answers 409 concurrent-change: nothing was done, send again.
    if (!(error instanceof ConcurrentChangeError)) throw error;
    return render(resolved, { errors: [{ label: '', message: w.fieldErrors.tryAgain }], posted }, 409);
  }
  if (outcome.kind === 'invalid') {
    const label = wording.labels(w)[outcome.path];
    const message = domainProblem(outcome.path, outcome.message, w, invoice, wording);
    return render(
      resolved,
      { errors: [{ label: label ?? '', message, field: label === undefined ? undefined : outcome.path }], posted },
      400,
    );
  }
  if (outcome.kind === 'conflict') {
    return render(resolved, { errors: [{ label: '', message: w.fieldErrors.notPossible }], posted }, 409);
  }
  return { statusCode: 303, headers: { ...securityHeaders, location: `/pay/${resolved.token}?done=${done}` }, body: '' };
}

/** The domain's (English) verdict on a field, in the customer's words. */
function domainProblem(path: string, message: string, w: PageWording, invoice: Invoice, wording: FormWording): string {
  if (path === 'promisedDate') {
    return /past/.test(message)
      ? w.fieldErrors.dateInPast
      : w.fieldErrors.dateTooLate(longDate(promiseWindow(invoice).maxPromise, invoice.customer.locale));
  }
  return wording.problem(path, w, invoice);
}

const postDispute = (event: HttpEvent) =>
  handleForm(
    event,
    disputeForm,
    disputeWording,
    async (invoice, form) => {
      // A dispute already open: the customer's second click changes nothing.
      const note = form.note ? `Customer: ${form.note}` : 'Opened by the customer';
      return (await openInvoiceDispute(deps, invoice.invoiceId, { reason: form.reason, note }, 'keep')).outcome;
    },
    'dispute',
  );

const postPromise = (event: HttpEvent) =>
  handleForm(
    event,
    promiseForm,
    promiseWording,
    async (invoice, form) => (await promiseToPay(deps, invoice.invoiceId, form.promisedDate, undefined)).outcome,
    'promise',
  );

/** Asking for a payment plan: a person decides (see plan-requests.ts); a second ask while one is pending changes nothing. */
const postPlanRequest = (event: HttpEvent) =>
  handleForm(
    event,
    planRequestForm,
    planWording,
    (invoice, form) => askForPaymentPlan(deps, invoice.invoiceId, { installments: form.installments, note: form.note }),
    'plan',
  );

const checkoutForm = z.strictObject({ formToken: z.string().min(1).max(200) });

/**
 * The pay button: a checkout at the payment provider for the current balance, then a 303 to
 * its hosted page. It comes back to this page with `?done=paid` or `?done=cancelled`; the
 * payment itself is only recorded when the provider's signed webhook says so.
 */
async function postCheckout(event: HttpEvent): Promise<HttpResult> {
  const crossSite = refuseCrossSite(event);
  if (crossSite) return crossSite;
  const form = await readForm(event);
  if ('statusCode' in form) return form;
  const { resolved, fields } = form;
  const { invoice, token } = resolved;
  const reader = customerReader(invoice);
  if (!checkFormToken(resolved.keys, resolved.token, fields.get('formToken') ?? '')) return problemPage(403, reader, 'formExpired');
  if (!checkoutForm.safeParse(Object.fromEntries(fields)).success) return problemPage(400, reader, 'notUnderstood');
  const balance = balanceMinor(invoice);
  const settled = invoice.status === 'paid' || invoice.status === 'void' || invoice.status === 'written_off';
  // Nothing to pay (paid meanwhile, voided, credited): the page shows why.
  if (settled || balance <= 0) return { statusCode: 303, headers: { ...securityHeaders, location: `/pay/${token}` }, body: '' };
  const back = `${publicBaseUrl}/pay/${token}`;
  try {
    const checkout = await payments.createCheckout({
      invoiceId: invoice.invoiceId,
      amountMinor: balance,
      currency: invoice.currency,
      description: `Invoice ${invoice.invoiceId}`,
      successUrl: `${back}?done=paid`,
      cancelUrl: `${back}?done=cancelled`,
    });
    app.log.info('checkout created', { invoiceId: invoice.invoiceId, sessionId: checkout.sessionId, amountMinor: balance });
    return { statusCode: 303, headers: { ...securityHeaders, location: checkout.url }, body: '' };
  } catch (error) {
    if (error instanceof PaymentAmountError) {
      return problemPage(422, reader, 'cannotPayOnline');
    }
    app.log.error('checkout could not be created', { invoiceId: invoice.invoiceId, error: String(error) });
    return problemPage(502, reader, 'paymentUnavailable');
  }
}

async function showPreferences(event: HttpEvent): Promise<HttpResult> {
  const resolved = await resolve(event);
  if ('statusCode' in resolved) return resolved;
  const consent = await customers.consent(resolved.invoice.customer.customerId);
  const path = `/preferences/${resolved.token}`;
  return page(
    200,
    preferencesPage(
      resolved.invoice,
      path,
      formToken(resolved.keys, resolved.token) ?? '',
      consent,
      event.queryStringParameters?.saved === '1',
      creditor,
    ),
    { 'content-language': pageLang(resolved.invoice.customer.locale) },
  );
}

/**
 * Either a mail client's one-click unsubscribe (RFC 8058: the body is exactly
 * `List-Unsubscribe=One-Click`, no cookie, no form token — the signed link is the authority) or
 * the preferences form.
 */
async function savePreferences(event: HttpEvent): Promise<HttpResult> {
  const form = await readForm(event);
  if ('statusCode' in form) return form;
  const { resolved, fields } = form;
  if (fields.get('List-Unsubscribe') === 'One-Click') {
    await changeConsent(customers, resolved.invoice, { email: false }, app.clock.now());
    return problemPage(200, customerReader(resolved.invoice), 'unsubscribed');
  }
  const crossSite = refuseCrossSite(event);
  if (crossSite) return crossSite;
  const reader = customerReader(resolved.invoice);
  if (!checkFormToken(resolved.keys, resolved.token, fields.get('formToken') ?? '')) return problemPage(403, reader, 'formExpired');
  const unknown = [...fields.keys()].filter((key) => !['formToken', 'email', 'sms'].includes(key));
  if (unknown.length > 0) return problemPage(400, reader, 'notUnderstood');
  await changeConsent(
    customers,
    resolved.invoice,
    { email: fields.get('email') === 'on', sms: fields.get('sms') === 'on' },
    app.clock.now(),
  );
  return { statusCode: 303, headers: { ...securityHeaders, location: `/preferences/${resolved.token}?saved=1` }, body: '' };
}

export const handler = httpHandler(
  {
    'GET /pay/{token}': showPage,
    'GET /p/{code}': followShortLink,
    'POST /pay/{token}/dispute': postDispute,
    'POST /pay/{token}/promise': postPromise,
    'POST /pay/{token}/checkout': postCheckout,
    'POST /pay/{token}/plan-request': postPlanRequest,
    'GET /pay/{token}/invoice': showInvoice,
    'GET /preferences/{token}': showPreferences,
    'POST /preferences/{token}': savePreferences,
  },
  undefined,
  app.telemetry,
);
