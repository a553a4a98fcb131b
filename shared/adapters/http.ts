import { createHash } from 'node:crypto';
import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { type FieldError, fieldErrors } from '#contracts/field-errors.ts';
import { canonicalJson } from '#domain/canonical-json.ts';
import type { Clock } from '#ports/clock.ts';
import type { IdempotencyStore } from '#ports/idempotency-store.ts';
import { ConcurrentChangeError } from '#use-cases/concurrent-writes.ts';
import { correlated, withTelemetry } from './handlers.ts';
import { type Telemetry, telemetryFor } from './telemetry.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string; headers: Record<string, string> };

export const MAX_BODY_BYTES = 1024 * 1024;

/** An error that maps to an RFC 9457 problem response. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly errors: readonly FieldError[] | undefined;

  constructor(status: number, slug: string, title: string, detail: string, errors?: readonly FieldError[]) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = errors;
  }
}

export const problems = {
  validation: (errors: readonly FieldError[]) =>
    new ProblemError(
      400,
      'validation',
      'The request is not valid',
      `${errors.length} field(s) are not valid: ${errors.map((e) => e.path).join(', ')}`,
      errors,
    ),
  badJson: (detail: string) => new ProblemError(400, 'malformed-json', 'The body is not valid JSON', detail),
  notFound: (detail: string) => new ProblemError(404, 'not-found', 'Not found', detail),
  conflict: (detail: string, errors?: readonly FieldError[]) => new ProblemError(409, 'conflict', 'Conflict', detail, errors),
  tooLarge: () => new ProblemError(413, 'payload-too-large', 'Payload too large', `The body exceeds ${MAX_BODY_BYTES} bytes`),
  unsupportedMediaType: () =>
    new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json'),
  /**
   * The command's write kept losing to other writers of the same invoice or customer until its
   * attempts ran out (use-cases/concurrent-writes.ts). A 409, not a 500: nothing is broken and
   * nothing of this request was written, the resource's state is what it conflicted with, and
   * sending the same request again is safe (and is not answered from the Idempotency-Key record).
   */
  concurrentChange: (detail: string) => new ProblemError(409, 'concurrent-change', 'Changed concurrently', detail),
};

/** The problem an error stands for, or undefined for an unexpected one (a 500). */
export function problemFor(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof ConcurrentChangeError) return problems.concurrentChange(error.message);
  return undefined;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function problemResult(problem: ProblemError): HttpResult {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({
      type: `urn:dunwell:problem:${problem.slug}`,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      ...(problem.errors ? { errors: problem.errors } : {}),
    }),
  };
}

/** The decoded body, rejected with 413 above 1 MB. */
export function bodyText(event: HttpEvent): string {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw problems.tooLarge();
  return text;
}

/** Parses and validates a JSON body with a zod schema, naming every bad field. */
export function parseBody<S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  const contentType = event.headers['content-type'] ?? '';
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) throw problems.unsupportedMediaType();
  const text = bodyText(event);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw problems.badJson(text.trim() === '' ? 'The body is empty' : (error as Error).message);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrors(result.error));
  return result.data;
}

/** Validates the query string with a zod schema, naming every bad (or unknown) parameter. */
export function parseQuery<S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) throw problems.validation(fieldErrors(result.error));
  return result.data;
}

export function pathParameter(event: HttpEvent, name: string, schema: z.ZodString): string {
  const value = event.pathParameters?.[name] ?? '';
  const result = schema.safeParse(decodeURIComponent(value));
  if (!result.success) throw problems.validation(fieldErrors(result.error).map((e) => ({ ...e, path: name })));
  return result.data;
}

/** Maps any error to problem+json; unexpected ones are logged and hidden from the caller. */
function problemMapper(log: Telemetry['log']): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const error = request.error;
      const problem = problemFor(error);
      if (problem) {
        request.response = problemResult(problem);
        return;
      }
      log.error('unhandled error', { routeKey: request.event.routeKey, error: String(error), stack: (error as Error)?.stack });
      request.response = problemResult(
        new ProblemError(
          500,
          'internal',
          'Internal error',
          'Something went wrong on our side; it is safe to retry with the same Idempotency-Key',
        ),
      );
    },
  };
}

const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters');

/**
 * `Idempotency-Key` on POST: the same key and body replay the first response; the same key
 * with another body is a 409. Keys are scoped per API client. The key is claimed with a
 * conditional write before the request runs, so of two requests with one key at once only one
 * runs (the other is a 409 request-in-progress). 5xx responses are not kept, so a retry after a
 * server error runs again; neither is a concurrent-change 409, which asks for exactly that retry.
 */
function idempotency(deps: { store: IdempotencyStore; clock: Clock }): middy.MiddlewareObj<HttpEvent, HttpResult> {
  const state = new WeakMap<object, { scope: string; key: string; fingerprint: string }>();
  const finish = async (request: middy.Request<HttpEvent, HttpResult>) => {
    const claim = state.get(request.event);
    if (!claim || !request.response) return;
    if (request.response.statusCode >= 500 || request.error instanceof ConcurrentChangeError) {
      await deps.store.release(claim.scope, claim.key);
      return;
    }
    await deps.store.complete(claim.scope, claim.key, claim.fingerprint, request.response, deps.clock.now());
  };
  return {
    before: async (request) => {
      const event = request.event;
      if (event.requestContext.http.method !== 'POST') return;
      const header = event.headers['idempotency-key'];
      if (header === undefined) return;
      const parsed = idempotencyKeySchema.safeParse(header);
      if (!parsed.success) throw problems.validation([{ path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
      const scope = principal(event);
      const fingerprint = createHash('sha256')
        .update(`${event.routeKey}\n${event.rawPath}\n${canonicalBody(bodyText(event))}`)
        .digest('hex');
      const claim = await deps.store.claim(scope, parsed.data, fingerprint, deps.clock.now());
      if (claim.state === 'replay') {
        // An early response skips the after middleware: flush the metrics and keys Powertools holds now.
        await cleanupMiddlewares(request);
        return { ...claim.response, headers: { ...claim.response.headers, 'idempotent-replayed': 'true' } };
      }
      if (claim.state === 'mismatch') {
        throw problems.conflict('This Idempotency-Key was already used with a different request body');
      }
      if (claim.state === 'in_progress') {
        throw new ProblemError(
          409,
          'request-in-progress',
          'Request in progress',
          'A request with this Idempotency-Key is still being processed; retry shortly',
        );
      }
      state.set(event, { scope, key: parsed.data, fingerprint });
    },
    after: finish,
    onError: async (request) => {
      // Runs after the problem mapper has turned the error into a response.
      await finish(request);
    },
  };
}

function canonicalBody(text: string): string {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The calling client: Cognito access tokens carry `client_id`; other issuers `sub`. */
export function principal(event: HttpEvent): string {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  return String(claims.client_id ?? claims.sub ?? 'anonymous');
}

export type Route = (event: HttpEvent) => Promise<HttpResult>;

/**
 * The HTTP style (handlers.ts has the others): one handler for an API function, dispatching on
 * the API Gateway route key, with the shared idempotency and problem-mapping middleware after
 * the Powertools middleware every style has. Correlated by the API's request id and the
 * `{invoiceId}` of the path, if any. `telemetry` is the function's (`app.telemetry`).
 */
export function httpHandler(
  routes: Record<string, Route>,
  deps?: { store: IdempotencyStore; clock: Clock },
  telemetry: Telemetry = telemetryFor('http'),
) {
  const handler = withTelemetry<HttpEvent, HttpResult>(telemetry, async (event: HttpEvent) => {
    const route = routes[event.routeKey];
    if (!route) throw problems.notFound(`No route for ${event.routeKey}`);
    return route(event);
  });
  // middy runs onError middlewares in reverse order of `use`: the mapper first, then idempotency,
  // then the Powertools ones (which so see the mapped response).
  if (deps) handler.use(idempotency(deps));
  handler.use(problemMapper(telemetry.log));
  return correlated(handler, (event) => ({
    apiRequestId: event.requestContext?.requestId,
    invoiceId: safeDecode(event.pathParameters?.invoiceId),
  }));
}

function safeDecode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
