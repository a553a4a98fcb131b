import { z } from 'zod';
import { composeFunction } from '#adapters/compose.ts';
import { bodyText, type HttpEvent, type HttpResult, httpHandler } from '#adapters/http.ts';
import { PaymentAmountError } from '#adapters/stripe-payments.ts';
import { childId, fieldErrors } from '#contracts/api.ts';
import { addDays } from '#domain/calendar.ts';
import { changeConsent } from '#domain/customers.ts';
import { activeHolds, disputeReasons, localDate, makePromise, openDispute } from '#domain/holds.ts';
import { escapeHtml } from '#domain/html.ts';
import { balanceMinor, type Invoice } from '#domain/invoice.ts';
import { changeInvoice } from '#domain/lifecycle.ts';
import { checkFormToken, formToken, type Keyring, parseKeyring, verifyPayLink } from '#domain/pay-link.ts';
import { policyFor } from '#domain/policy.ts';
import { invoicePage, type PageState, preferencesPage, securityHeaders, shell } from './page.ts';

const app = composeFunction('pay-page');
const store = app.invoiceStore();
const secrets = app.secrets();
const deps = { store, clock: app.clock, events: app.events(), log: app.log };
const customers = app.customerStore();
const payments = app.paymentProvider();
const publicBaseUrl = app.publicBaseUrl();

/** A hosted-page form is a few fields; anything bigger is not ours. */
const MAX_FORM_BYTES = 16 * 1024;

function page(status: number, html: string, extra: Record<string, string> = {}): HttpResult {
  return { statusCode: status, headers: { ...securityHeaders, ...extra }, body: html };
}

function plainPage(status: number, title: string, message: string): HttpResult {
  return page(status, shell(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`));
}

const notValid = () =>
  plainPage(404, 'Link not valid', 'This payment link is not valid. Please use the link in our latest message, or contact us.');

async function keyring(): Promise<Keyring> {
  return parseKeyring(await secrets.read(app.linkSecretId()));
}

/** The invoice a pay link is for, or the refusal page to show instead (never any invoice data). */
async function resolve(event: HttpEvent): Promise<{ token: string; invoice: Invoice; keys: Keyring } | HttpResult> {
  const token = event.pathParameters?.token ?? '';
  const keys = await keyring();
  const check = verifyPayLink(keys, token, app.clock.now());
  if (!check.ok) {
    return check.reason === 'expired'
      ? plainPage(410, 'Link expired', 'This payment link has expired. Please contact us for a new one.')
      : notValid();
  }
  const invoice = await store.get(check.invoiceId);
  return invoice ? { token, invoice, keys } : notValid();
}

function render(resolved: { token: string; invoice: Invoice; keys: Keyring }, state: PageState, status = 200): HttpResult {
  const { token, invoice, keys } = resolved;
  const today = localDate(app.clock.now(), invoice.customer.timeZone);
  const maxPromise = addDays(today, policyFor(invoice).holdRules.maxPromiseDays);
  return page(status, invoicePage(invoice, `/pay/${token}`, formToken(keys, token) ?? '', today, maxPromise, state));
}

async function showPage(event: HttpEvent): Promise<HttpResult> {
  const resolved = await resolve(event);
  if ('statusCode' in resolved) return resolved;
  const done = event.queryStringParameters?.done;
  const known = ['dispute', 'promise', 'paid', 'cancelled'] as const;
  return render(resolved, { done: known.find((value) => value === done) });
}

/** Browsers say where a post comes from; a form of ours is only ever posted from our own page. */
function refuseCrossSite(event: HttpEvent): HttpResult | undefined {
  const site = event.headers['sec-fetch-site'];
  return site && site !== 'same-origin' && site !== 'none'
    ? plainPage(403, 'Not allowed', 'This form can only be sent from its own page.')
    : undefined;
}

/** A web form of at most MAX_FORM_BYTES, for a valid link: its fields, or the page to answer instead. */
async function readForm(
  event: HttpEvent,
): Promise<{ resolved: { token: string; invoice: Invoice; keys: Keyring }; fields: URLSearchParams } | HttpResult> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(event.headers['content-type'] ?? '')) {
    return plainPage(415, 'Not allowed', 'This form must be sent as a web form.');
  }
  const raw = bodyText(event);
  if (Buffer.byteLength(raw) > MAX_FORM_BYTES) return plainPage(413, 'Too large', 'The form is too large.');
  const resolved = await resolve(event);
  if ('statusCode' in resolved) return resolved;
  return { resolved, fields: new URLSearchParams(raw) };
}

const disputeForm = z.strictObject({
  formToken: z.string().min(1).max(200),
  reason: z.enum(disputeReasons, { message: 'choose one of the reasons' }),
  note: z.string().trim().max(2000).optional(),
});

const promiseForm = z.strictObject({
  formToken: z.string().min(1).max(200),
  promisedDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'pick a date'),
});

/**
 * A form post: same-origin only, the per-form token checked, fields validated; on success a
 * redirect back to the page (so a reload does not post again), on bad input the page again
 * with the errors named.
 */
async function handleForm<S extends z.ZodType>(
  event: HttpEvent,
  schema: S,
  act: (invoice: Invoice, form: z.infer<S>) => Promise<{ path: string; message: string }[] | undefined>,
  done: 'dispute' | 'promise',
): Promise<HttpResult> {
  const crossSite = refuseCrossSite(event);
  if (crossSite) return crossSite;
  const form = await readForm(event);
  if ('statusCode' in form) return form;
  const { resolved } = form;
  const fields = Object.fromEntries(form.fields);
  if (!checkFormToken(resolved.keys, resolved.token, String(fields.formToken ?? ''))) {
    return plainPage(403, 'Not allowed', 'This form has expired. Please open the link again.');
  }
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '')));
  if (!parsed.success) return render(resolved, { errors: fieldErrors(parsed.error) }, 400);
  const errors = await act(resolved.invoice, parsed.data);
  if (errors) return render(resolved, { errors }, 400);
  return { statusCode: 303, headers: { ...securityHeaders, location: `/pay/${resolved.token}?done=${done}` }, body: '' };
}

async function act(invoiceId: string, change: Parameters<typeof changeInvoice>[2]) {
  const outcome = await changeInvoice(deps, invoiceId, change);
  if (outcome.kind === 'invalid') return [{ path: outcome.path, message: outcome.message }];
  if (outcome.kind === 'conflict') return [{ path: '(invoice)', message: outcome.reason }];
  return undefined;
}

const postDispute = (event: HttpEvent) =>
  handleForm(
    event,
    disputeForm,
    (invoice, form) =>
      act(invoice.invoiceId, (current, now) => {
        // A dispute already open: the customer's second click changes nothing.
        if (activeHolds(current).some((hold) => hold.reason === 'dispute')) return { kind: 'ok', invoice: current };
        const disputeId = childId('DSP', current.invoiceId, (current.holds ?? []).filter((hold) => hold.reason === 'dispute').length + 1);
        return openDispute(current, disputeId, form.reason, form.note ? `Customer: ${form.note}` : 'Opened by the customer', now);
      }),
    'dispute',
  );

const postPromise = (event: HttpEvent) =>
  handleForm(
    event,
    promiseForm,
    (invoice, form) =>
      act(invoice.invoiceId, (current, now) => {
        const promiseId = childId('PRM', current.invoiceId, (current.holds ?? []).filter((hold) => hold.reason === 'promise').length + 1);
        return makePromise(current, promiseId, form.promisedDate, undefined, now, policyFor(current).holdRules);
      }),
    'promise',
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
  if (!checkFormToken(resolved.keys, resolved.token, fields.get('formToken') ?? '')) {
    return plainPage(403, 'Not allowed', 'This form has expired. Please open the link again.');
  }
  if (!checkoutForm.safeParse(Object.fromEntries(fields)).success) {
    return plainPage(400, 'Not understood', 'This form has unexpected fields.');
  }
  const { invoice, token } = resolved;
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
      return plainPage(422, 'Online payment not available', 'This amount cannot be paid online. Please pay by bank transfer.');
    }
    app.log.error('checkout could not be created', { invoiceId: invoice.invoiceId, error: String(error) });
    return plainPage(502, 'Payment not available', 'Online payment is not available right now. Please try again in a few minutes.');
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
    ),
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
    return plainPage(200, 'Unsubscribed', 'You will no longer receive payment reminders by email.');
  }
  const crossSite = refuseCrossSite(event);
  if (crossSite) return crossSite;
  if (!checkFormToken(resolved.keys, resolved.token, fields.get('formToken') ?? '')) {
    return plainPage(403, 'Not allowed', 'This form has expired. Please open the link again.');
  }
  const unknown = [...fields.keys()].filter((key) => !['formToken', 'email', 'sms'].includes(key));
  if (unknown.length > 0) return plainPage(400, 'Not understood', `Unexpected fields: ${unknown.join(', ')}`);
  await changeConsent(
    customers,
    resolved.invoice,
    { email: fields.get('email') === 'on', sms: fields.get('sms') === 'on' },
    app.clock.now(),
  );
  return { statusCode: 303, headers: { ...securityHeaders, location: `/preferences/${resolved.token}?saved=1` }, body: '' };
}

export const handler = httpHandler({
  'GET /pay/{token}': showPage,
  'POST /pay/{token}/dispute': postDispute,
  'POST /pay/{token}/promise': postPromise,
  'POST /pay/{token}/checkout': postCheckout,
  'GET /preferences/{token}': showPreferences,
  'POST /preferences/{token}': savePreferences,
});
