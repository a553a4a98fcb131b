import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring customer links: `/pay/<token>` where the token is
 * base64url(JSON {v, kid, inv, exp}) "." base64url(HMAC-SHA256). The key id inside the token
 * lets keys rotate: a new key signs, old keys keep verifying until they are removed.
 *
 * The keyring is a JSON secret: { "current": "k1", "k1": "<random>", "k0": "<older>" }.
 */
export interface Keyring {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
}

export function parseKeyring(secret: string): Keyring {
  const parsed = JSON.parse(secret) as Record<string, unknown>;
  const current = parsed.current;
  if (typeof current !== 'string' || typeof parsed[current] !== 'string') {
    throw new Error('Link secret must be JSON {"current": "<kid>", "<kid>": "<key>"}');
  }
  const keys: Record<string, string> = {};
  for (const [kid, value] of Object.entries(parsed)) {
    if (kid !== 'current' && typeof value === 'string' && value.length >= 16) keys[kid] = value;
  }
  if (!Object.hasOwn(keys, current)) throw new Error(`Link secret key "${current}" is missing or shorter than 16 characters`);
  return { current, keys };
}

interface LinkClaims {
  readonly v: 1;
  readonly kid: string;
  readonly inv: string;
  readonly exp: number;
}

export function signPayLink(keyring: Keyring, invoiceId: string, expiresAt: Date): string {
  const claims: LinkClaims = { v: 1, kid: keyring.current, inv: invoiceId, exp: Math.floor(expiresAt.getTime() / 1000) };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const key = Object.hasOwn(keyring.keys, keyring.current) ? keyring.keys[keyring.current] : undefined;
  if (!key) throw new Error(`No signing key "${keyring.current}" in the keyring`);
  return `${body}.${mac(key, body)}`;
}

export type LinkCheck =
  | { readonly ok: true; readonly invoiceId: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyPayLink(keyring: Keyring, token: string, now: Date): LinkCheck {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined || token.length > 1024) return { ok: false, reason: 'malformed' };
  let claims: LinkClaims;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'malformed' };
    claims = parsed as LinkClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.v !== 1 || typeof claims.inv !== 'string' || typeof claims.exp !== 'number' || typeof claims.kid !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  // Own keys only: a kid like "constructor" must not reach Object.prototype.
  const key = Object.hasOwn(keyring.keys, claims.kid) ? keyring.keys[claims.kid] : undefined;
  if (!key) return { ok: false, reason: 'bad_signature' };
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  const expiresAt = new Date(claims.exp * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, invoiceId: claims.inv, expiresAt };
}

function mac(key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

/**
 * The token a hosted-page form must carry: an HMAC of the pay-link token under the key that
 * signed it. A page from another site cannot produce it without the link itself.
 */
export function formToken(keyring: Keyring, payToken: string): string | undefined {
  const kid = readKid(payToken);
  const key = kid && Object.hasOwn(keyring.keys, kid) ? keyring.keys[kid] : undefined;
  return key ? mac(key, `form:${payToken}`) : undefined;
}

export function checkFormToken(keyring: Keyring, payToken: string, given: string): boolean {
  const expected = formToken(keyring, payToken);
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readKid(token: string): string | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && typeof (claims as { kid?: unknown }).kid === 'string'
      ? (claims as { kid: string }).kid
      : undefined;
  } catch {
    return undefined;
  }
}

/** The communication-preferences page rides on the same signed token as the pay page. */
export function preferencesUrl(payUrl: string): string {
  return payUrl.replace(/#.*$/s, '').replace('/pay/', '/preferences/');
}
