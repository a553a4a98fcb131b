import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripeSignatureHeader } from '#adapters/stripe-signature.ts';
import { escapeHtml } from '#presentation/html.ts';

export interface SandboxOptions {
  readonly now: () => Date;
  /** The payment secret the handlers read: the API key to accept, the webhook secret to sign with. */
  readonly secret: () => { apiKey: string; webhookSecret: string };
  /** The gateway's base URL: checkout pages live under it, and webhooks are posted to it. */
  readonly gatewayUrl: () => string;
  /** JSON file the checkout sessions are kept in (in the data folder); omitted: memory only. */
  readonly file?: string | undefined;
}

interface SandboxSession {
  readonly id: string;
  readonly created: number;
  readonly successUrl: string;
  readonly cancelUrl: string;
  readonly currency: string;
  readonly amountTotal: number;
  readonly description: string;
  readonly clientReferenceId: string | null;
  readonly metadata: Record<string, string>;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'unpaid' | 'paid';
  paymentIntent: string | null;
}

/** A webhook the sandbox delivered: exactly the bytes and header it sent (for replay tests). */
export interface DeliveredWebhook {
  readonly eventId: string;
  readonly type: string;
  readonly body: string;
  readonly signature: string;
  readonly status: number;
}

export interface SandboxAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * A Stripe-compatible sandbox for the local runtime. Its API side (own loopback port, pointed to
 * by DUNWELL_STRIPE_API_URL) answers the pay page's `POST /v1/checkout/sessions`; its checkout
 * page is served by the gateway under `/_sandbox/checkout/<id>` with a Pay and a Fail button.
 * Pay signs a `checkout.session.completed` event with the webhook secret exactly as Stripe does
 * and posts it to the gateway's `/webhooks/stripe`, so the real handler verifies it; then the
 * browser goes to the success URL. Fail goes to the cancel URL and records nothing.
 * With a data folder the sessions are kept in a JSON file (rewritten atomically on every change),
 * so a checkout opened before a restart can still be paid after it; without one, in memory.
 */
export class StripeSandbox {
  private readonly options: SandboxOptions;
  private readonly sessions = new Map<string, SandboxSession>();
  readonly delivered: DeliveredWebhook[] = [];
  private server: Server | undefined;

  constructor(options: SandboxOptions) {
    this.options = options;
    if (options.file && existsSync(options.file)) {
      const saved = JSON.parse(readFileSync(options.file, 'utf8')) as SandboxSession[];
      for (const session of saved) this.sessions.set(session.id, session);
    }
  }

  /** Write to a temporary file, then rename over the old one: a crash leaves the old or the new file, never half of one. */
  private persist(): void {
    const file = this.options.file;
    if (!file) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify([...this.sessions.values()]));
    renameSync(temporary, file);
  }

  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      this.api(request, response).catch((error: unknown) => {
        apiError(response, 500, 'api_error', String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The Stripe API subset Dunwell uses. */
  private async api(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const { apiKey } = this.options.secret();
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return apiError(response, 401, 'invalid_request_error', 'Invalid API Key provided');
    }
    if (request.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const form = parseStripeForm(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const created = this.createSession(form);
      if ('error' in created) return apiError(response, 400, 'invalid_request_error', created.error);
      return sendJson(response, 200, this.sessionObject(created));
    }
    const get = /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (request.method === 'GET' && get) {
      const session = this.sessions.get(get[1] ?? '');
      return session
        ? sendJson(response, 200, this.sessionObject(session))
        : apiError(response, 404, 'invalid_request_error', 'No such checkout.session');
    }
    return apiError(response, 404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${url.pathname})`);
  }

  private createSession(form: StripeForm): SandboxSession | { error: string } {
    if (form.mode !== 'payment') return { error: 'mode must be payment' };
    const items = form.line_items;
    const item = Array.isArray(items) && items.length === 1 ? (items[0] as StripeForm) : undefined;
    const price = item?.price_data as StripeForm | undefined;
    const unitAmount = Number(price?.unit_amount);
    const quantity = Number(item?.quantity ?? 1);
    if (!price || !Number.isSafeInteger(unitAmount) || unitAmount <= 0 || !Number.isSafeInteger(quantity) || quantity < 1) {
      return { error: 'one line item with price_data.unit_amount is required' };
    }
    if (typeof price.currency !== 'string' || !/^[a-z]{3}$/.test(price.currency))
      return { error: 'currency must be a lower-case ISO code' };
    if (typeof form.success_url !== 'string' || typeof form.cancel_url !== 'string')
      return { error: 'success_url and cancel_url are required' };
    const session: SandboxSession = {
      id: `cs_test_${randomBytes(12).toString('hex')}`,
      created: Math.floor(this.options.now().getTime() / 1000),
      successUrl: form.success_url,
      cancelUrl: form.cancel_url,
      currency: price.currency,
      amountTotal: unitAmount * quantity,
      description: String((price.product_data as StripeForm | undefined)?.name ?? ''),
      clientReferenceId: typeof form.client_reference_id === 'string' ? form.client_reference_id : null,
      metadata: stringRecord(form.metadata),
      status: 'open',
      paymentStatus: 'unpaid',
      paymentIntent: null,
    };
    this.sessions.set(session.id, session);
    this.persist();
    return session;
  }

  private sessionObject(session: SandboxSession) {
    return {
      id: session.id,
      object: 'checkout.session',
      mode: 'payment',
      created: session.created,
      livemode: false,
      status: session.status,
      payment_status: session.paymentStatus,
      payment_intent: session.paymentIntent,
      amount_total: session.amountTotal,
      amount_subtotal: session.amountTotal,
      currency: session.currency,
      client_reference_id: session.clientReferenceId,
      metadata: session.metadata,
      success_url: session.successUrl,
      cancel_url: session.cancelUrl,
      url: session.status === 'open' ? `${this.options.gatewayUrl()}/_sandbox/checkout/${session.id}` : null,
    };
  }

  /** The gateway's `/_sandbox/checkout/...` paths. */
  async handle(method: string, path: string): Promise<SandboxAnswer> {
    const match = /^\/_sandbox\/checkout\/([A-Za-z0-9_]+)(?:\/(pay|fail))?$/.exec(path);
    const session = match ? this.sessions.get(match[1] ?? '') : undefined;
    if (!match || !session) return page(404, 'Checkout not found', '<p>This checkout does not exist.</p>');
    const action = match[2];
    if (method === 'GET' && !action) return this.checkoutPage(session);
    if (method !== 'POST' || !action) return page(405, 'Not allowed', '<p>Use the buttons on the checkout page.</p>');
    if (session.status !== 'open') return redirect(session.status === 'complete' ? session.successUrl : session.cancelUrl);
    if (action === 'fail') return redirect(session.cancelUrl);
    session.status = 'complete';
    session.paymentStatus = 'paid';
    session.paymentIntent = `pi_test_${randomBytes(12).toString('hex')}`;
    this.persist();
    const delivered = await this.deliver('checkout.session.completed', this.sessionObject(session));
    if (delivered.status >= 300) {
      return page(
        502,
        'Webhook failed',
        `<p>The payment went through but the webhook answered ${delivered.status}. Stripe would retry it.</p>`,
      );
    }
    return redirect(session.successUrl);
  }

  private checkoutPage(session: SandboxSession): SandboxAnswer {
    const amount = `${(session.amountTotal / 100).toFixed(2)} ${session.currency.toUpperCase()} (${session.amountTotal} in Stripe units)`;
    const body = `<p><strong>Sandbox checkout</strong>: no real money moves.</p>
<h1>${escapeHtml(session.description || 'Payment')}</h1>
<p>Amount: ${escapeHtml(amount)}</p>
${
  session.status === 'open'
    ? `<form method="post" action="/_sandbox/checkout/${session.id}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/_sandbox/checkout/${session.id}/fail"><button type="submit">Fail</button></form>`
    : `<p>This checkout is ${session.status}.</p>`
}`;
    return page(200, 'Sandbox checkout', body);
  }

  /** Signs an event like Stripe (t=<now>, v1=HMAC-SHA256 of "<t>.<body>") and posts it to the webhook route. */
  private async deliver(type: string, object: unknown): Promise<DeliveredWebhook> {
    const created = Math.floor(this.options.now().getTime() / 1000);
    const event = {
      id: `evt_test_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created,
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object },
    };
    const body = JSON.stringify(event);
    const signature = stripeSignatureHeader(this.options.secret().webhookSecret, created, body);
    const response = await fetch(`${this.options.gatewayUrl()}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signature,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body,
    });
    await response.arrayBuffer();
    const delivered = { eventId: event.id, type, body, signature, status: response.status };
    this.delivered.push(delivered);
    return delivered;
  }
}

type StripeForm = { [key: string]: string | StripeForm | StripeForm[] | string[] };

/** Stripe's form encoding: `a[b][0][c]=v` becomes `{ a: { b: [ { c: v } ] } }`. */
export function parseStripeForm(params: URLSearchParams): StripeForm {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      const nextIsIndex = /^\d+$/.test(path[index + 1] ?? '');
      const container = node as Record<string, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    });
  }
  return root as StripeForm;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function page(status: number, title: string, body: string): SandboxAnswer {
  return {
    status,
    headers: PAGE_HEADERS,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`,
  };
}

function redirect(location: string): SandboxAnswer {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(8).toString('hex')}` });
  response.end(JSON.stringify(body));
}

function apiError(response: ServerResponse, status: number, type: string, message: string): void {
  if (response.headersSent) return;
  sendJson(response, status, { error: { type, message } });
}
