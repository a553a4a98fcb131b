import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { type ConsoleRole, consoleRoleSchema } from '#contracts/console-roles.ts';
import { type Keyring, parseKeyring } from '#domain/pay-link.ts';

/**
 * Stateless console sessions: the whole session lives in a sealed cookie,
 * base64url(JSON) "." base64url(HMAC-SHA256(key, that base64url text)), so no table holds
 * sessions and every handler instance can open any cookie. The JSON names the key id that
 * sealed it: a new key seals, older keys keep opening until they are removed from the keyring
 * (which can happen once SESSION_ABSOLUTE_SECONDS have passed since the rotation).
 *
 * The keyring is the pay-link shape, {"current": "k1", "k1": "<random>"}: each key string is
 * used as-is as the HMAC key (the generated secret is 64 random alphanumerics, not base64).
 */
export type { Keyring } from '#domain/pay-link.ts';

/** Signed in for at most a working day, whatever the activity. */
export const SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60;
/** Signed out after half an hour without a request. */
export const SESSION_IDLE_SECONDS = 30 * 60;

/** Browsers refuse cookies much above 4 KB; anything longer was not sealed here. */
const MAX_SEALED_LENGTH = 4096;

export const consoleSessionSchema = z.object({
  subject: z.string().min(1),
  name: z.string().min(1),
  email: z.string().optional(),
  role: consoleRoleSchema,
  /** Epoch seconds. */
  issuedAt: z.number().int(),
  /** Epoch seconds; the absolute end, never moved. */
  expiresAt: z.number().int(),
  /** Epoch seconds; slides with activity (see renew), never past expiresAt. */
  idleExpiresAt: z.number().int(),
  /** The synchronizer token every console form carries back. */
  csrf: z.string().min(32),
});
export type ConsoleSession = z.infer<typeof consoleSessionSchema>;

/** Who signed in: what the identity provider (or the local dev sign-in) vouches for. */
export interface ConsolePerson {
  readonly subject: string;
  readonly name: string;
  readonly email?: string | undefined;
  readonly role: ConsoleRole;
}

/** Reads the Secrets Manager keyring; the error names this secret rather than pay links. */
export function parseSessionKeyring(secret: string): Keyring {
  try {
    return parseKeyring(secret);
  } catch (error) {
    throw new Error(
      `Console session secret must be JSON {"current": "<kid>", "<kid>": "<key of 16+ characters>"}: ${(error as Error).message}`,
    );
  }
}

export function startSession(person: ConsolePerson, now: Date): ConsoleSession {
  const issuedAt = epochSeconds(now);
  return {
    subject: person.subject,
    name: person.name,
    ...(person.email ? { email: person.email } : {}),
    role: person.role,
    issuedAt,
    expiresAt: issuedAt + SESSION_ABSOLUTE_SECONDS,
    idleExpiresAt: issuedAt + SESSION_IDLE_SECONDS,
    csrf: randomBytes(32).toString('base64url'),
  };
}

/**
 * Slides the idle window from `now`, capped at the absolute expiry. Only for a session that
 * openSession just accepted: renewing a lapsed session would bring it back.
 */
export function renew(session: ConsoleSession, now: Date): ConsoleSession {
  const at = epochSeconds(now);
  if (at >= session.idleExpiresAt || at >= session.expiresAt) {
    throw new Error(`Session of ${session.subject} has lapsed; it cannot be renewed, sign in again`);
  }
  return { ...session, idleExpiresAt: Math.min(session.expiresAt, at + SESSION_IDLE_SECONDS) };
}

export function sealSession(keys: Keyring, session: ConsoleSession): string {
  return sealValue(keys, 'console-session', session);
}

export type SessionCheck =
  | { readonly ok: true; readonly session: ConsoleSession }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'idle' };

export function openSession(keys: Keyring, sealed: string | undefined, now: Date): SessionCheck {
  if (!sealed) return { ok: false, reason: 'missing' };
  const opened = openSealedValue(keys, 'console-session', sealed);
  if (!opened.ok) return opened;
  const parsed = consoleSessionSchema.safeParse(opened.data);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const at = epochSeconds(now);
  if (at >= parsed.data.expiresAt) return { ok: false, reason: 'expired' };
  if (at >= parsed.data.idleExpiresAt) return { ok: false, reason: 'idle' };
  return { ok: true, session: parsed.data };
}

// ---- Sealing (shared with the sign-in state cookie) ----

/** What a sealed value is for: a value sealed for one purpose never opens as another. */
export type SealPurpose = 'console-session' | 'console-signin';

const envelopeSchema = z.object({ v: z.literal(1), kid: z.string(), for: z.string(), data: z.unknown() });

export function sealValue(keys: Keyring, purpose: SealPurpose, data: unknown): string {
  const key = keyFor(keys, keys.current);
  if (!key) throw new Error(`No sealing key "${keys.current}" in the console session keyring`);
  const body = Buffer.from(JSON.stringify({ v: 1, kid: keys.current, for: purpose, data })).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

export type SealCheck =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' };

export function openSealedValue(keys: Keyring, purpose: SealPurpose, sealed: string): SealCheck {
  const [body, signature, extra] = sealed.split('.');
  if (!body || !signature || extra !== undefined || sealed.length > MAX_SEALED_LENGTH) return { ok: false, reason: 'malformed' };
  let envelope: z.infer<typeof envelopeSchema>;
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    envelope = parsed.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const key = keyFor(keys, envelope.kid);
  if (!key || !sameText(mac(key, body), signature)) return { ok: false, reason: 'bad_signature' };
  // Checked after the MAC, so only our own seals get this far; still, a sign-in state must never pass as a session.
  if (envelope.for !== purpose) return { ok: false, reason: 'malformed' };
  return { ok: true, data: envelope.data };
}

// ---- Cookies ----

export type ConsoleCookie = 'dunwell-session' | 'dunwell-signin';

/**
 * Over https the `__Host-` prefix makes the browser insist on Secure, Path=/ and no Domain, so
 * no sibling subdomain can plant or overwrite it. The local runtime serves plain http on
 * loopback, where a Secure cookie is not guaranteed to be kept: there the bare name, no Secure.
 */
export function cookieName(cookie: ConsoleCookie, secure: boolean): string {
  return secure ? `__Host-${cookie}` : cookie;
}

/** A Set-Cookie header value. Lax (not Strict): the sign-in callback is a top-level GET from Cognito's domain. */
export function setCookie(cookie: ConsoleCookie, value: string, secure: boolean, maxAgeSeconds: number): string {
  const attributes = [`${cookieName(cookie, secure)}=${value}`, 'Path=/', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, 'HttpOnly'];
  if (secure) attributes.push('Secure');
  attributes.push('SameSite=Lax');
  return attributes.join('; ');
}

/** The session cookie; the browser drops it when the session could no longer open anyway. */
export function sessionCookie(keys: Keyring, session: ConsoleSession, now: Date, secure: boolean): string {
  return setCookie('dunwell-session', sealSession(keys, session), secure, session.expiresAt - epochSeconds(now));
}

/** Sign-out: an empty value that expires at once. */
export function clearSessionCookie(secure: boolean): string {
  return setCookie('dunwell-session', '', secure, 0);
}

/**
 * One cookie's value from a Cookie header, or from API Gateway payload v2's `cookies` array
 * (one `name=value` per entry). The first occurrence wins, as browsers send the most specific first.
 */
export function readCookie(cookies: string | readonly string[] | undefined, name: string): string | undefined {
  if (!cookies) return undefined;
  const pairs = (typeof cookies === 'string' ? [cookies] : cookies).flatMap((header) => header.split(';'));
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}

// ---- CSRF ----

/** The synchronizer check for a console POST: the form's token must be the session's. */
export function checkCsrf(session: ConsoleSession, formValue: string | undefined): boolean {
  return typeof formValue === 'string' && sameText(session.csrf, formValue);
}

/**
 * Defence in depth beside the synchronizer token: a POST must come from a console page.
 * Sec-Fetch-Site, when sent, must be `same-origin`; Origin, when sent, must be the console's
 * origin; a request with neither is refused, since every current browser sends Origin on POST.
 * Header names are matched case-insensitively.
 */
export function sameOrigin(headers: Readonly<Record<string, string | undefined>>, baseUrl: string): boolean {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const site = lower.get('sec-fetch-site');
  const origin = lower.get('origin');
  if (site === undefined && origin === undefined) return false;
  if (site !== undefined && site !== 'same-origin') return false;
  if (origin !== undefined && origin !== new URL(baseUrl).origin) return false;
  return true;
}

// ---- Helpers ----

function epochSeconds(now: Date): number {
  return Math.floor(now.getTime() / 1000);
}

function keyFor(keys: Keyring, kid: string): string | undefined {
  // Own keys only: a kid like "constructor" must not reach Object.prototype.
  return Object.hasOwn(keys.keys, kid) ? keys.keys[kid] : undefined;
}

function mac(key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
