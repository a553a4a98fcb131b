import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { parseReply } from '#adapters/parse-reply.ts';
import { fieldErrors } from '#contracts/api.ts';
import { sesMessageIdSchema } from '#contracts/replies.ts';
import { type Route, routes, Scope } from '#contracts/routes.ts';
import { verdictStatuses } from '#domain/replies/received.ts';
import { escapeHtml } from '#presentation/html.ts';
import { localControlRefusal } from './loopback-guard.ts';
import { LOCAL_REPLY_DOMAIN, type LocalRuntime } from './runtime.ts';

/** The HTTP contract, kept in the repository and served as text by `GET /_local/docs/API.md`. */
const API_REFERENCE_FILE = resolve(import.meta.dirname, '../../docs/API.md');
const API_REFERENCE_PATH = '/_local/docs/API.md';

/** Local pages: no script, no third-party resource, inline style only, never framed. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** API Gateway's own payload limit for HTTP APIs; the functions enforce the API's 1 MB. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const ISSUER = 'dunwell-local-issuer';
const AUDIENCE = 'dunwell-local-client';

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
}

const advanceSchema = z
  .strictObject({
    days: z.number().nonnegative().max(3660).optional(),
    hours: z.number().nonnegative().max(87_840).optional(),
    minutes: z.number().nonnegative().max(5_270_400).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((body) => Object.values(body).filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of days, hours, minutes or to',
  });

const emailFeedbackSchema = z.strictObject({
  messageId: z.string().min(1),
  type: z.enum(['delivery', 'bounce', 'complaint']),
  bounceType: z.enum(['Permanent', 'Transient']).optional(),
});

const smsOptOutSchema = z.strictObject({ phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number') });

/** The largest reply the reply function reads (parseReply's default limit); SES itself takes up to 40 MB. */
const MAX_INBOUND_RAW_BYTES = 10 * 1024 * 1024;
/** The JSON around a raw message of that size (escaped line breaks, quotes, non-ASCII characters). */
const MAX_INBOUND_BODY_BYTES = 6 * MAX_INBOUND_RAW_BYTES;

const verdictSchema = z.enum(verdictStatuses, { message: `must be one of ${verdictStatuses.join(', ')}` });
const inboundEmailSchema = z.strictObject({
  raw: z
    .string()
    .min(1, 'must be an RFC 5322 message')
    .refine((raw) => Buffer.byteLength(raw, 'utf8') <= MAX_INBOUND_RAW_BYTES, 'must be at most 10 MiB'),
  verdicts: z
    .strictObject({
      spf: verdictSchema.optional(),
      dkim: verdictSchema.optional(),
      spam: verdictSchema.optional(),
      virus: verdictSchema.optional(),
      dmarc: verdictSchema.optional(),
    })
    .optional(),
  /** Deliver again under an SES message id already used (SES redelivers the same message). */
  messageId: sesMessageIdSchema.optional(),
  /** The envelope recipients; by default the message's To and Cc addresses at the reply domain. */
  recipients: z.array(z.email()).min(1).max(50).optional(),
});
const INBOUND_HINT = `Send {"raw": "<RFC 5322 message to r+…@${LOCAL_REPLY_DOMAIN}>", "verdicts"?: {"spf", "dkim", "spam", "virus"}} (each PASS, FAIL, GRAY, PROCESSING_FAILED or DISABLED; default PASS)`;

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0, JWT authorizer with route
 * scopes) plus the loopback-only `/_local/*` controls. Routes come from the same table as CDK's.
 */
export class LocalGateway {
  private readonly runtime: LocalRuntime;
  private readonly compiled: CompiledRoute[];
  private keys: { privateKey: CryptoKey; publicKey: CryptoKey } | undefined;
  private server: Server | undefined;

  constructor(runtime: LocalRuntime) {
    this.runtime = runtime;
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, names, pattern: new RegExp(`^${source}$`) };
    });
    // As on API Gateway, a literal route wins over one with path variables that also matches
    // (`POST /v1/invoices` over `POST /v1/{collectionAction}`), whatever the table order.
    this.compiled.sort((a, b) => a.names.length - b.names.length);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    // Kept in the data folder, so a token from before a restart still works after it.
    const jwk = JSON.parse(
      await this.runtime.localSecret('gateway-signing-key.json', async () => {
        const { privateKey } = await generateKeyPair('RS256', { extractable: true });
        return JSON.stringify(await exportJWK(privateKey));
      }),
    ) as JWK;
    this.keys = {
      privateKey: (await importJWK(jwk, 'RS256')) as CryptoKey,
      publicKey: (await importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, 'RS256')) as CryptoKey,
    };
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        console.error(JSON.stringify({ level: 'error', component: 'local-gateway', error: String(error), stack: (error as Error).stack }));
        if (!response.headersSent) problem(response, 500, 'internal', 'Internal error', 'The local gateway failed; see the server log');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** A dev bearer token, like a Cognito client-credentials access token. Expiry is wall-clock, as on AWS. */
  async issueToken(scopes: readonly string[] = Object.values(Scope)): Promise<string> {
    if (!this.keys) throw new Error('gateway not started');
    return new SignJWT({ scope: scopes.join(' '), client_id: 'local-erp', token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid: 'local' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('local-erp')
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(this.keys.privateKey);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    if (!this.runtime.started)
      return problem(response, 503, 'starting', 'Starting', 'The local runtime is still starting', { 'retry-after': '1' });
    if (url.pathname === '/' && request.method === 'GET') return this.index(request, response);
    if (url.pathname.startsWith('/_local/')) return this.local(request, response, url);
    if (url.pathname.startsWith('/_sandbox/')) return this.sandbox(request, response, url);

    const method = request.method ?? 'GET';
    const match = this.match(method, url.pathname);
    if (!match) return problem(response, 404, 'not-found', 'Not found', `No route for ${method} ${url.pathname}`);

    let claims: JWTPayload | undefined;
    if (match.route.scopes) {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header)?.[1];
      if (!token)
        return problem(response, 401, 'unauthorized', 'Unauthorized', 'Send Authorization: Bearer <token>', {
          'www-authenticate': 'Bearer',
        });
      try {
        claims = (await jwtVerify(token, this.keys?.publicKey as CryptoKey, { issuer: ISSUER, audience: AUDIENCE })).payload;
      } catch (error) {
        return problem(response, 401, 'unauthorized', 'Unauthorized', `The bearer token is not valid: ${(error as Error).message}`, {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      }
      const granted = String(claims.scope ?? '').split(' ');
      if (!match.route.scopes.some((scope) => granted.includes(scope))) {
        return problem(response, 403, 'forbidden', 'Forbidden', `This route needs the scope ${match.route.scopes.join(' or ')}`);
      }
    }

    const body = await readBody(request, GATEWAY_MAX_BODY);
    if (body === null) return problem(response, 413, 'payload-too-large', 'Payload too large', 'The body exceeds the gateway limit');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const routeKey = `${match.route.method} ${match.route.path}`;
    const event = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      // As API Gateway's payload 2.0: the Cookie header also as one `name=value` entry per cookie.
      ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/).filter(Boolean) } : {}),
      ...(Object.keys(match.parameters).length > 0 ? { pathParameters: match.parameters } : {}),
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
        ...(claims ? { authorizer: { jwt: { claims, scopes: String(claims.scope ?? '').split(' ') } } } : {}),
      },
      ...(body.length > 0 ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    };
    const result = (await this.runtime.host.invoke(match.route.function, event)) as {
      statusCode: number;
      headers?: Record<string, string>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    };
    // Payload 2.0 returns cookies apart from the headers: one Set-Cookie header each.
    response.writeHead(result.statusCode, {
      ...(result.headers ?? {}),
      ...(result.cookies?.length ? { 'set-cookie': result.cookies } : {}),
    });
    response.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
  }

  private match(method: string, path: string): { route: Route; parameters: Record<string, string> } | undefined {
    for (const { route, pattern, names } of this.compiled) {
      if (route.method !== method) continue;
      const found = pattern.exec(path);
      if (!found) continue;
      return { route, parameters: Object.fromEntries(names.map((name, index) => [name, found[index + 1] ?? ''])) };
    }
    return undefined;
  }

  /**
   * `GET /`: where things are — the API reference, the OpenAPI document, the SES inbox and the
   * outbox, and the local AWS endpoint. HTML for a browser, JSON for `Accept: application/json`.
   * Not an API Gateway route: the local runtime's own page, behind the local controls' guard.
   */
  private async index(request: IncomingMessage, response: ServerResponse): Promise<void> {
    await readBody(request, 64 * 1024);
    const refusal = localControlRefusal(request);
    if (refusal) return problem(response, 403, 'forbidden', 'Forbidden', refusal);
    const links = {
      apiReference: API_REFERENCE_PATH,
      openapi: '/v1/openapi.json',
      sesInbox: this.runtime.sesUrl,
      outbox: '/_local/outbox',
      health: '/_local/health',
      console: '/console/sign-in',
    };
    const aws = { endpoint: this.runtime.awsUrl, stateMachineArn: this.runtime.stateMachineArn, cli: this.runtime.awsCliExample() };
    const accept = String(request.headers.accept ?? '');
    if (/application\/json/.test(accept) && !/text\/html/.test(accept)) {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', vary: 'Accept' });
      response.end(JSON.stringify({ name: 'Dunwell (local)', now: this.runtime.clock.now().toISOString(), links, aws }));
      return;
    }
    const item = (href: string, label: string, note: string) =>
      `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a> — ${escapeHtml(note)}</li>`;
    response.writeHead(200, { ...PAGE_HEADERS, vary: 'Accept' });
    response.end(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dunwell (local)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code,pre{font:14px ui-monospace,monospace}pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.75rem}</style>
</head>
<body>
<h1>Dunwell (local)</h1>
<p>Virtual clock: <code>${escapeHtml(this.runtime.clock.now().toISOString())}</code></p>
<h2>Console</h2>
<ul>
${item('/console/dev-sign-in?role=finance', 'Sign in as a finance lead', 'dashboard, receivables, policies')}
${item('/console/dev-sign-in?role=collector', 'Sign in as a collector', 'the worklist and the invoices behind it')}
</ul>
<h2>API</h2>
<ul>
${item(links.apiReference, 'API reference', 'the HTTP contract (docs/API.md)')}
${item(links.openapi, 'OpenAPI document', 'GET /v1/openapi.json')}
</ul>
<h2>What the pipeline sent</h2>
<ul>
${item(links.sesInbox, 'SES inbox', 'every email, as a mail client shows it')}
${item(links.outbox, 'Outbox', 'every email and text message, in send order (JSON)')}
${item(links.health, 'Health', 'the virtual clock (JSON)')}
</ul>
<h2>Local AWS endpoint</h2>
<p>Step Functions, Scheduler, SQS and the other emulated services answer at <code>${escapeHtml(aws.endpoint)}</code>:</p>
<pre>${escapeHtml(aws.cli)}</pre>
</body>
</html>
`);
  }

  /** The payment sandbox's checkout pages (what checkout.stripe.com is on AWS), and its delivered webhooks. */
  private async sandbox(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    await readBody(request, 64 * 1024);
    if (request.method === 'GET' && url.pathname === '/_sandbox/webhooks') {
      // Signed webhook bodies: a local control like /_local/*, behind the same guard.
      const refusal = localControlRefusal(request);
      if (refusal) return problem(response, 403, 'forbidden', 'Forbidden', refusal);
      return sendJson(response, 200, this.runtime.stripe.delivered);
    }
    const answer = await this.runtime.stripe.handle(request.method ?? 'GET', url.pathname);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  /** Loopback-only controls of the embedded runtime; every one goes through `localControlRefusal` first. */
  private async local(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const refusal = localControlRefusal(request);
    if (refusal) return problem(response, 403, 'forbidden', 'Forbidden', refusal);
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /_local/health':
        return sendJson(response, 200, {
          now: this.runtime.clock.now().toISOString(),
          sesInbox: this.runtime.sesUrl,
          awsEndpoint: this.runtime.awsUrl,
        });
      case `GET ${API_REFERENCE_PATH}`:
        // Plain text, so that a browser shows the Markdown instead of downloading it.
        response.writeHead(200, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        response.end(await readFile(API_REFERENCE_FILE, 'utf8'));
        return;
      case 'GET /_local/token': {
        const scope = url.searchParams.get('scope');
        return sendJson(response, 200, { token: await this.issueToken(scope ? scope.split(' ') : undefined) });
      }
      case 'GET /_local/outbox':
        return sendJson(response, 200, this.runtime.outbox.list(url.searchParams.get('invoiceId') ?? undefined));
      case 'GET /_local/topics':
        // What the collectors topic's subscribers would have received; JSON bodies are shown parsed.
        return sendJson(
          response,
          200,
          this.runtime.topics.list({ invoiceId: url.searchParams.get('invoiceId') ?? undefined }).map((entry) => ({
            ...entry,
            message: parsedJson(entry.message),
          })),
        );
      case 'GET /_local/executions':
        // Each invoice execution since start, with its state transitions (what Step Functions bills).
        return sendJson(response, 200, this.runtime.executions());
      case 'GET /_local/metrics':
        // Billed units since start (transitions, invocations, request units, schedules, sends): diff two snapshots.
        return sendJson(response, 200, this.runtime.metrics());
      case 'GET /_local/dead-letters':
        return sendJson(response, 200, this.runtime.deadLetters);
      case 'POST /_local/ses/feedback': {
        // What a recipient's server (or SES's mailbox simulator) reports about a sent email, later.
        const hint =
          'Send {"messageId": "<from /_local/outbox>", "type": "bounce"|"complaint"|"delivery", "bounceType"?: "Permanent"|"Transient"}';
        const result = await readControl(request, response, emailFeedbackSchema, hint);
        if (!result) return;
        if (!this.runtime.simulateEmailFeedback(result.messageId, result.type, result.bounceType)) {
          return problem(response, 404, 'not-found', 'No such email', `No email with messageId ${result.messageId} in the outbox`);
        }
        await this.runtime.activity.idle();
        return sendJson(response, 202, { published: result.type });
      }
      case 'POST /_local/ses/inbound': {
        // A customer's reply, as SES receiving would take it for the reply domain: stored, then the reply function.
        const result = await readControl(request, response, inboundEmailSchema, INBOUND_HINT, MAX_INBOUND_BODY_BYTES);
        if (!result) return;
        const parsed = await parseReply(result.raw);
        const onDomain = (address: string) => address.toLowerCase().endsWith(`@${LOCAL_REPLY_DOMAIN}`);
        const recipients = result.recipients ?? (parsed.kind === 'parsed' ? [...parsed.to, ...parsed.cc].filter(onDomain) : []);
        if (recipients.length === 0) {
          const message =
            parsed.kind === 'parsed'
              ? `has no To or Cc address at ${LOCAL_REPLY_DOMAIN}: SES receives only mail for the reply domain`
              : `could not be read for its recipients (${parsed.detail}); give "recipients"`;
          return problem(response, 400, 'validation', 'The request is not valid', INBOUND_HINT, {}, [{ path: 'raw', message }]);
        }
        const messageId = this.runtime.receiveEmail({
          raw: result.raw,
          recipients,
          from: parsed.kind === 'parsed' ? parsed.from?.address : undefined,
          verdicts: result.verdicts ?? {},
          messageId: result.messageId,
        });
        await this.runtime.activity.idle();
        return sendJson(response, 202, { messageId, outcome: this.runtime.takeInboundOutcome(messageId) ?? null });
      }
      case 'POST /_local/sms/opt-out': {
        // The customer replied STOP: the number joins SNS's opt-out list.
        const result = await readControl(request, response, smsOptOutSchema, 'Send {"phoneNumber": "+4915123456789"}');
        if (!result) return;
        this.runtime.optOutNumber(result.phoneNumber);
        return sendJson(response, 200, { optedOut: result.phoneNumber });
      }
      case 'POST /_local/exports/flush': {
        // The lake's batching window and the daily compaction, now: buffered rows land in Parquet files.
        await this.runtime.activity.idle();
        return sendJson(response, 200, await this.runtime.flushExports());
      }
      case 'POST /_local/exports/backfill':
        // What an operator runs once on AWS (README): the table's whole history into the lake, idempotent.
        return sendJson(response, 200, await this.runtime.backfillExports());
      case 'POST /_local/clock/advance': {
        const result = await readControl(request, response, advanceSchema, 'Send {"days": 3}, {"hours": 5} or {"to": "<instant>"}');
        if (!result) return;
        const now = this.runtime.clock.now().getTime();
        const { days = 0, hours = 0, minutes = 0, to } = result;
        const target = to ? new Date(to) : new Date(now + ((days * 24 + hours) * 60 + minutes) * 60_000);
        if (target.getTime() < now) {
          return problem(
            response,
            400,
            'validation',
            'The request is not valid',
            `The clock only moves forward; it is ${new Date(now).toISOString()}`,
            {},
            [{ path: 'to', message: 'must not be in the past of the virtual clock' }],
          );
        }
        const reached = await this.runtime.advanceTo(target);
        return sendJson(response, 200, { now: reached.toISOString() });
      }
      default:
        return problem(response, 404, 'not-found', 'Not found', `No local control ${route}`);
    }
  }
}

/** A local control's JSON body, validated; undefined once the error answer has been sent. */
async function readControl<T>(
  request: IncomingMessage,
  response: ServerResponse,
  schema: z.ZodType<T>,
  hint: string,
  maxBytes = 64 * 1024,
): Promise<T | undefined> {
  const body = await readBody(request, maxBytes);
  if (body === null) {
    problem(response, 413, 'too-large', 'The body is too large', hint);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    problem(response, 400, 'malformed-json', 'The body is not valid JSON', hint);
    return undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    problem(response, 400, 'validation', 'The request is not valid', hint, {}, fieldErrors(result.error));
    return undefined;
  }
  return result.data;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? null : Buffer.concat(chunks);
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function problem(
  response: ServerResponse,
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
  errors?: { path: string; message: string }[],
): void {
  response.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify({ type: `urn:dunwell:problem:${slug}`, title, status, detail, ...(errors ? { errors } : {}) }));
}
