import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './pay-link.ts';

/**
 * Short pay links for SMS: `/p/<code>`, 20 characters, instead of a ~120-character signed token.
 *
 * code = base64url(9 random bytes) + base64url(first 6 bytes of HMAC-SHA256(key, "short-link:" kid ":" random))
 *
 * The random part names the stored item (`SHORTLINK#<code>`: invoice, expiry, key id); the tag
 * proves the code was minted with a key of the link keyring, so a guessed or altered code is
 * refused before any table read. The key id is not in the code: each key of the keyring is
 * tried (one or two), and the stored key id must be the one that verified. Removing a key from
 * the keyring revokes its short links as it does its long ones.
 *
 * The item carries a seal, a full HMAC over code, invoice and expiry: whoever can write the table
 * but cannot read the link secret (most functions) cannot point a code at another invoice or
 * extend its life.
 */
const RANDOM_BYTES = 9;
const TAG_BYTES = 6;
/** 12 + 8 base64url characters; both are whole base64 groups, so every code has exactly one byte form. */
const RANDOM_CHARS = (RANDOM_BYTES / 3) * 4;
export const SHORT_CODE_LENGTH = RANDOM_CHARS + (TAG_BYTES / 3) * 4;
const codePattern = new RegExp(`^[A-Za-z0-9_-]{${SHORT_CODE_LENGTH}}$`);

export interface ShortLink {
  readonly code: string;
  readonly invoiceId: string;
  /** The same instant as the long link's expiry, to the second. */
  readonly expiresAt: Date;
  /** The keyring key that minted the code and sealed the item. */
  readonly keyId: string;
  readonly seal: string;
}

export function keyFor(keyring: Keyring, kid: string): string | undefined {
  // Own keys only: a kid like "constructor" must not reach Object.prototype.
  return Object.hasOwn(keyring.keys, kid) ? keyring.keys[kid] : undefined;
}

function tag(key: string, kid: string, random: Buffer): Buffer {
  return createHmac('sha256', key).update(`short-link:${kid}:`).update(random).digest().subarray(0, TAG_BYTES);
}

export function seal(key: string, code: string, invoiceId: string, expiresAt: Date): string {
  return createHmac('sha256', key)
    .update(`short-link-item:${code}:${Math.floor(expiresAt.getTime() / 1000)}:${invoiceId}`)
    .digest('base64url');
}

/** A new short link under the keyring's current key; `random` is for tests. */
export function mintShortLink(keyring: Keyring, invoiceId: string, expiresAt: Date, random = randomBytes(RANDOM_BYTES)): ShortLink {
  if (random.length !== RANDOM_BYTES) throw new Error(`A short code needs ${RANDOM_BYTES} random bytes`);
  const keyId = keyring.current;
  const key = keyFor(keyring, keyId);
  if (!key) throw new Error(`No signing key "${keyId}" in the keyring`);
  const exact = new Date(Math.floor(expiresAt.getTime() / 1000) * 1000);
  const code = `${random.toString('base64url')}${tag(key, keyId, random).toString('base64url')}`;
  return { code, invoiceId, expiresAt: exact, keyId, seal: seal(key, code, invoiceId, exact) };
}

/** The key id whose tag the code carries, or why it has none. Reads nothing. */
export function checkShortCode(
  keyring: Keyring,
  code: string,
): { ok: true; keyId: string } | { ok: false; reason: 'malformed' | 'bad_signature' } {
  if (!codePattern.test(code)) return { ok: false, reason: 'malformed' };
  const random = Buffer.from(code.slice(0, RANDOM_CHARS), 'base64url');
  const given = Buffer.from(code.slice(RANDOM_CHARS), 'base64url');
  for (const [kid, key] of Object.entries(keyring.keys)) {
    if (timingSafeEqual(tag(key, kid, random), given)) return { ok: true, keyId: kid };
  }
  return { ok: false, reason: 'bad_signature' };
}

export type ShortLinkCheck =
  | { readonly ok: true; readonly invoiceId: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' | 'unknown' | 'expired' };
