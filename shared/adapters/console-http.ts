import type { ConsoleAction } from '#contracts/console-roles.ts';
import { mayPerform } from '#contracts/console-roles.ts';
import type { Clock } from '#ports/clock.ts';
import type { Logger } from '#ports/logger.ts';
import { type ConsoleContext, consolePaths } from '#presentation/console/context.ts';
import { consoleSecurityHeaders, publicConsolePage } from '#presentation/console/layout.ts';
import { escapeHtml } from '#presentation/html.ts';
import {
  type ConsoleSession,
  checkCsrf,
  cookieName,
  type Keyring,
  openSession,
  readCookie,
  renew,
  sameOrigin,
  sessionCookie,
} from './console-session.ts';
import { bodyText, type HttpEvent, type HttpResult, ProblemError } from './http.ts';

/** Bodies of console forms are small: a note, a few fields, a policy with its steps. */
export const CONSOLE_MAX_FORM_BYTES = 64 * 1024;

/** What a signed-in console request carries into its page. */
export interface ConsoleRequest {
  readonly session: ConsoleSession;
  readonly ctx: ConsoleContext;
  /** The posted form (POST only): every field, repeated fields as their last value; `all` keeps every value. */
  readonly form: Readonly<Record<string, string>>;
  readonly formAll: (name: string) => readonly string[];
}

export type ConsolePage = (event: HttpEvent, request: ConsoleRequest) => Promise<HttpResult>;

export interface ConsoleGateDeps {
  readonly keyring: () => Promise<Keyring>;
  /** Wall time: sessions expire as cookies do, whatever the business clock says (the local runtime's is virtual). */
  readonly sessionClock: Clock;
  /** The business clock the pages show and count days with. */
  readonly clock: Clock;
  /** The console's origin: a POST must come from it. */
  readonly baseUrl: string;
  readonly secure: boolean;
  readonly log: Logger;
}

/** An HTML page answer with the console's security headers. */
export function html(statusCode: number, body: string, headers: Record<string, string> = {}, cookies: string[] = []): HttpResult {
  return {
    statusCode,
    headers: { ...consoleSecurityHeaders, 'content-type': 'text/html; charset=utf-8', ...headers },
    body,
    ...(cookies.length > 0 ? { cookies } : {}),
  };
}

/** Post/redirect/get: a 303 to a console path, with cookies to set on the way. */
export function seeOther(location: string, cookies: string[] = []): HttpResult {
  return { statusCode: 303, headers: { ...consoleSecurityHeaders, location }, body: '', ...(cookies.length > 0 ? { cookies } : {}) };
}

/** A page that says what went wrong, in words, and links back: never a JSON problem in the browser. */
export function errorPage(statusCode: number, title: string, detail: string): HttpResult {
  const body = `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p><p><a href="${consolePaths.home}">Back to the console</a></p>`;
  return html(statusCode, publicConsolePage(title, body));
}

/** A URL-encoded form body, refused when it is too large or not a form. */
export function parseForm(event: HttpEvent): URLSearchParams {
  const type = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported form',
      'Console forms are posted as application/x-www-form-urlencoded',
    );
  }
  const text = bodyText(event);
  if (Buffer.byteLength(text) > CONSOLE_MAX_FORM_BYTES) {
    throw new ProblemError(413, 'payload-too-large', 'Form too large', `A console form may carry at most ${CONSOLE_MAX_FORM_BYTES} bytes`);
  }
  return new URLSearchParams(text);
}

/**
 * A console page behind the session: no session (or a lapsed one) goes to the sign-in page; a
 * POST must come from the console's origin with the session's CSRF token; `action` names what
 * the role must be allowed to do (console-roles.ts). The session's idle window slides on each
 * request. Errors become HTML pages with the problem's status and words.
 */
export function consolePage(deps: ConsoleGateDeps, page: ConsolePage, action?: ConsoleAction) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const keys = await deps.keyring();
    const now = deps.sessionClock.now();
    const sealed = readCookie(event.cookies ?? event.headers?.cookie, cookieName('dunwell-session', deps.secure));
    const opened = openSession(keys, sealed, now);
    if (!opened.ok) return seeOther(consolePaths.signIn);
    const session = renew(opened.session, now);
    const method = event.requestContext.http.method;
    let form = new URLSearchParams();
    if (method === 'POST') {
      try {
        form = parseForm(event);
      } catch (error) {
        if (error instanceof ProblemError) return errorPage(error.status, error.title, error.message);
        throw error;
      }
      if (!sameOrigin(event.headers ?? {}, deps.baseUrl) || !checkCsrf(session, form.get('csrf') ?? undefined)) {
        deps.log.warn('console post refused: cross-site or without the session token', { path: event.rawPath, subject: session.subject });
        return errorPage(403, 'Form expired', 'This form was not sent from your console session. Reload the page and try again.');
      }
    }
    if (action && !mayPerform(session.role, action)) {
      return errorPage(403, 'Not allowed', `Your role (${session.role}) may not do this.`);
    }
    const ctx: ConsoleContext = {
      role: session.role,
      person: { name: session.name },
      csrfToken: session.csrf,
      path: event.rawPath,
      now: deps.clock.now(),
    };
    const request: ConsoleRequest = {
      session,
      ctx,
      form: Object.fromEntries(form),
      formAll: (name) => form.getAll(name),
    };
    let result: HttpResult;
    try {
      result = await page(event, request);
    } catch (error) {
      if (error instanceof ProblemError) return errorPage(error.status, error.title, error.message);
      deps.log.error('console page failed', { path: event.rawPath, error: String(error), stack: (error as Error)?.stack });
      return errorPage(500, 'Something went wrong', `The page could not be shown (request ${event.requestContext.requestId}). Try again.`);
    }
    return { ...result, cookies: [...(result.cookies ?? []), sessionCookie(keys, session, now, deps.secure)] };
  };
}
