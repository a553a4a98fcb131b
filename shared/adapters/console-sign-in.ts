import { createHash, randomBytes } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import * as z from 'zod';
import { type ConsoleRole, roleFromGroups } from '#contracts/console-roles.ts';
import { type ConsoleSession, cookieName, type Keyring, openSealedValue, sealValue, setCookie, startSession } from './console-session.ts';

/**
 * Console sign-in with Cognito managed login: OAuth2 authorization code with PKCE (S256) for a
 * public client. The state, the PKCE verifier and the OIDC nonce travel in a short-lived sealed
 * cookie, so the callback can be answered by any instance with no server-side store.
 */

/** Long enough to type a password and a TOTP code; short enough that a stale tab cannot finish. */
export const SIGN_IN_SECONDS = 10 * 60;

const SCOPES = 'openid email profile';

export type SignInFailure =
  /** Cognito sent the person back with `error=` (for example access_denied). */
  | 'provider_error'
  /** The callback carried no code or no state. */
  | 'missing_code'
  /** No sign-in cookie, or it was not sealed here (cookie blocked, another browser, tampered). */
  | 'no_sign_in_in_progress'
  | 'sign_in_expired'
  /** The state in the callback is not the one this browser started with (CSRF on the callback). */
  | 'state_mismatch'
  | 'token_exchange_failed'
  | 'id_token_invalid'
  /** The ID token answers a different sign-in (replay). */
  | 'nonce_mismatch'
  /** Signed in, but in neither console group: an administrator must add them. */
  | 'no_console_role';

/** A sign-in that cannot finish; `reason` lets the handler pick the page to show. */
export class SignInError extends Error {
  readonly reason: SignInFailure;

  constructor(reason: SignInFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SignInError';
    this.reason = reason;
  }
}

const signInStateSchema = z.object({
  state: z.string().min(32),
  verifier: z.string().min(43).max(128),
  nonce: z.string().min(32),
  expiresAt: z.number().int(),
});

export interface BeginSignInInput {
  /** The user pool domain, e.g. https://<prefix>.auth.<region>.amazoncognito.com (no trailing path). */
  readonly domainUrl: string;
  readonly clientId: string;
  /** The console's callback, exactly as registered on the app client. */
  readonly redirectUri: string;
  readonly now: Date;
  readonly keys: Keyring;
  /** https console (`__Host-` cookie, Secure) or the plain-http loopback runtime. */
  readonly secure: boolean;
}

export interface BeginSignIn {
  /** Where to redirect the browser (302). */
  readonly authorizeUrl: string;
  /** The Set-Cookie header value holding the sealed state. */
  readonly stateCookie: string;
}

export function beginSignIn(input: BeginSignInInput): BeginSignIn {
  const state = randomToken();
  const nonce = randomToken();
  // 32 random bytes → 43 base64url characters, the RFC 7636 minimum length and alphabet.
  const verifier = randomToken();
  const sealed = sealValue(input.keys, 'console-signin', {
    state,
    verifier,
    nonce,
    expiresAt: Math.floor(input.now.getTime() / 1000) + SIGN_IN_SECONDS,
  } satisfies z.infer<typeof signInStateSchema>);
  const authorize = new URL(`${trimSlash(input.domainUrl)}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: SCOPES,
    state,
    nonce,
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  return { authorizeUrl: authorize.toString(), stateCookie: setCookie('dunwell-signin', sealed, input.secure, SIGN_IN_SECONDS) };
}

/** RFC 7636 S256: base64url(SHA-256(ASCII verifier)), no padding. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The name the sign-in state cookie has, to read it from the callback request. */
export function signInCookieName(secure: boolean): string {
  return cookieName('dunwell-signin', secure);
}

/** The callback answer clears the state cookie: it is single-use. */
export function clearSignInCookie(secure: boolean): string {
  return setCookie('dunwell-signin', '', secure, 0);
}

/** Verifies a Cognito ID token (signature, issuer, audience, expiry) and returns its claims. */
export type VerifyIdToken = (idToken: string) => Promise<Readonly<Record<string, unknown>>>;

/**
 * The production verifier: aws-jwt-verify fetches and caches the pool's JWKS. Build it once per
 * cold start so the key cache survives between requests.
 */
export function cognitoIdTokenVerifier(userPoolId: string, clientId: string): VerifyIdToken {
  const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
  return async (idToken) => (await verifier.verify(idToken)) as Readonly<Record<string, unknown>>;
}

export interface CompleteSignInInput {
  /** The callback's query string parameters. */
  readonly query: Readonly<{ code?: string | undefined; state?: string | undefined; error?: string | undefined }>;
  /** The sign-in cookie's value (readCookie(..., signInCookieName(secure))). */
  readonly stateCookieValue: string | undefined;
  readonly domainUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly fetch: typeof fetch;
  readonly verifyIdToken: VerifyIdToken;
  readonly now: Date;
  readonly keys: Keyring;
}

// Only what the console needs; token_type is checked so an unexpected answer is not half-read.
const tokenResponseSchema = z.object({ id_token: z.string().min(1), token_type: z.string().regex(/^bearer$/i) });
const tokenErrorSchema = z.object({ error: z.string() });

const idClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string().optional(),
  name: z.string().optional(),
  'cognito:username': z.string().optional(),
  'cognito:groups': z.array(z.string()).optional(),
  nonce: z.string().optional(),
});

export async function completeSignIn(input: CompleteSignInInput): Promise<ConsoleSession> {
  if (input.query.error) {
    throw new SignInError('provider_error', `The sign-in page returned "${input.query.error.slice(0, 100)}"`);
  }
  const { code, state } = input.query;
  if (!code || !state) throw new SignInError('missing_code', 'The sign-in callback carries no code or no state');
  const pending = readSignInState(input.keys, input.stateCookieValue, input.now);
  // The state is not secret (it was in the URL): a plain comparison is enough.
  if (pending.state !== state) {
    throw new SignInError('state_mismatch', 'The sign-in callback does not answer the sign-in this browser started');
  }

  const idToken = await exchangeCode(input, code, pending.verifier);
  let claims: z.infer<typeof idClaimsSchema>;
  try {
    claims = idClaimsSchema.parse(await input.verifyIdToken(idToken));
  } catch (error) {
    throw new SignInError('id_token_invalid', `The ID token from Cognito was refused: ${(error as Error).message}`, { cause: error });
  }
  if (claims.nonce !== pending.nonce) {
    throw new SignInError('nonce_mismatch', 'The ID token was issued for a different sign-in (nonce mismatch)');
  }
  const role: ConsoleRole | undefined = roleFromGroups(claims['cognito:groups'] ?? []);
  const who = claims.email ?? claims['cognito:username'] ?? claims.sub;
  if (!role) {
    throw new SignInError('no_console_role', `${who} is in neither the finance nor the collector group; ask an administrator to add them`);
  }
  return startSession({ subject: claims.sub, name: claims.name?.trim() || who, email: claims.email, role }, input.now);
}

function readSignInState(keys: Keyring, sealed: string | undefined, now: Date): z.infer<typeof signInStateSchema> {
  if (!sealed) throw new SignInError('no_sign_in_in_progress', 'No sign-in in progress in this browser (the sign-in cookie is missing)');
  const opened = openSealedValue(keys, 'console-signin', sealed);
  const parsed = opened.ok ? signInStateSchema.safeParse(opened.data) : undefined;
  if (!parsed?.success) throw new SignInError('no_sign_in_in_progress', 'The sign-in cookie is not one this console issued');
  if (Math.floor(now.getTime() / 1000) >= parsed.data.expiresAt) {
    throw new SignInError('sign_in_expired', `The sign-in took longer than ${SIGN_IN_SECONDS / 60} minutes; start again`);
  }
  return parsed.data;
}

async function exchangeCode(input: CompleteSignInInput, code: string, verifier: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: input.clientId,
    code,
    redirect_uri: input.redirectUri,
    code_verifier: verifier,
  });
  let response: Response;
  try {
    response = await input.fetch(`${trimSlash(input.domainUrl)}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new SignInError('token_exchange_failed', `The Cognito token endpoint could not be reached: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    // The error code only (e.g. invalid_grant): the body never holds tokens on failure, but keep logs terse.
    const oauthError = tokenErrorSchema.safeParse(json);
    throw new SignInError(
      'token_exchange_failed',
      `The Cognito token endpoint refused the code (HTTP ${response.status}${oauthError.success ? `, ${oauthError.data.error}` : ''})`,
    );
  }
  const tokens = tokenResponseSchema.safeParse(json);
  if (!tokens.success) {
    throw new SignInError('token_exchange_failed', 'The Cognito token endpoint answered without a bearer id_token');
  }
  return tokens.data.id_token;
}

/** Cognito's logout endpoint: ends the managed-login session too, then returns to logoutUri. */
export function signOutUrl(input: { readonly domainUrl: string; readonly clientId: string; readonly logoutUri: string }): string {
  const url = new URL(`${trimSlash(input.domainUrl)}/logout`);
  url.search = new URLSearchParams({ client_id: input.clientId, logout_uri: input.logoutUri }).toString();
  return url.toString();
}

const DEV_PEOPLE: Readonly<Record<ConsoleRole, { subject: string; name: string; email: string }>> = {
  finance: { subject: 'dev-finance', name: 'Dev Finance Lead', email: 'finance@dunwell.invalid' },
  collector: { subject: 'dev-collector', name: 'Dev Collector', email: 'collector@dunwell.invalid' },
};

/** The local runtime's one-click sign-in (no Cognito there); never wire it on AWS. */
export function devSession(role: ConsoleRole, now: Date): ConsoleSession {
  return startSession({ ...DEV_PEOPLE[role], role }, now);
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
