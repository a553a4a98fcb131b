import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './pay-link.ts';
import { keyFor } from './short-link.ts';

/**
 * Reply-To addresses that say which message a reply answers: `r+<code>@<replyDomain>`.
 *
 * code = hex(10 random bytes) + hex(first 5 bytes of HMAC-SHA256(key, "reply-to:" kid ":" random))
 *
 * 30 characters of lower-case hex: mail systems may change the case of a local part, and the
 * whole local part stays far under its 64-character limit. The random part names the stored route
 * (`REPLYTO#<code>`: the invoices the message was about, its customer, step and send instant);
 * the tag proves the code was minted with a key of the link keyring, so a forged or altered
 * address is refused before any table read. As with short links, each key of the keyring is
 * tried, and the route's seal (a full HMAC over code, customer and invoices) means whoever can
 * write the table but not read the secret cannot point a code at other invoices.
 */
const RANDOM_BYTES = 10;
const TAG_BYTES = 5;
const RANDOM_CHARS = RANDOM_BYTES * 2;
export const REPLY_CODE_LENGTH = RANDOM_CHARS + TAG_BYTES * 2;
const codePattern = new RegExp(`^[0-9a-f]{${REPLY_CODE_LENGTH}}$`);
/** `r+<code>@`: the plus-address form every receiving rule and mailbox understands. */
const LOCAL_PREFIX = 'r+';

/** What a reply address stands for: one sent message and the invoices it was about. */
export interface ReplyRoute {
  readonly code: string;
  readonly invoiceIds: readonly string[];
  readonly customerId: string;
  /** The policy step the message was sent for. */
  readonly step: string;
  /** When the message was sent (ISO instant). */
  readonly sentAt: string;
  readonly keyId: string;
  readonly seal: string;
}

function tag(key: string, kid: string, random: Buffer): Buffer {
  return createHmac('sha256', key).update(`reply-to:${kid}:`).update(random).digest().subarray(0, TAG_BYTES);
}

function routeSeal(key: string, code: string, customerId: string, invoiceIds: readonly string[]): string {
  return createHmac('sha256', key)
    .update(`reply-to-item:${code}:${JSON.stringify([customerId, ...invoiceIds])}`)
    .digest('base64url');
}

/** A new route under the keyring's current key; `random` is for tests. */
export function mintReplyRoute(
  keyring: Keyring,
  message: Pick<ReplyRoute, 'invoiceIds' | 'customerId' | 'step' | 'sentAt'>,
  random = randomBytes(RANDOM_BYTES),
): ReplyRoute {
  if (random.length !== RANDOM_BYTES) throw new Error(`A reply code needs ${RANDOM_BYTES} random bytes`);
  if (message.invoiceIds.length === 0) throw new Error('A reply route names at least one invoice');
  const keyId = keyring.current;
  const key = keyFor(keyring, keyId);
  if (!key) throw new Error(`No signing key "${keyId}" in the keyring`);
  const code = `${random.toString('hex')}${tag(key, keyId, random).toString('hex')}`;
  return {
    ...message,
    invoiceIds: [...message.invoiceIds],
    code,
    keyId,
    seal: routeSeal(key, code, message.customerId, message.invoiceIds),
  };
}

/** The Reply-To address of a route on the reply domain. */
export function replyAddress(code: string, replyDomain: string): string {
  return `${LOCAL_PREFIX}${code}@${replyDomain}`;
}

/**
 * The code of the first recipient that is a reply address on the reply domain (case-insensitive),
 * as SES lists the envelope recipients; undefined when none is.
 */
export function replyCodeOf(recipients: readonly string[], replyDomain: string): string | undefined {
  const domain = replyDomain.toLowerCase();
  for (const recipient of recipients) {
    const address = recipient.trim().toLowerCase();
    const at = address.lastIndexOf('@');
    if (at < 0 || address.slice(at + 1) !== domain) continue;
    const local = address.slice(0, at);
    if (local.startsWith(LOCAL_PREFIX)) return local.slice(LOCAL_PREFIX.length);
  }
  return undefined;
}

/** The key id whose tag the code carries, or why it has none. Reads nothing. */
export function checkReplyCode(
  keyring: Keyring,
  code: string,
): { readonly ok: true; readonly keyId: string } | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' } {
  if (!codePattern.test(code)) return { ok: false, reason: 'malformed' };
  const random = Buffer.from(code.slice(0, RANDOM_CHARS), 'hex');
  const given = Buffer.from(code.slice(RANDOM_CHARS), 'hex');
  for (const [kid, key] of Object.entries(keyring.keys)) {
    if (timingSafeEqual(tag(key, kid, random), given)) return { ok: true, keyId: kid };
  }
  return { ok: false, reason: 'bad_signature' };
}

/** The stored route is the one minted for this code (same key, intact seal). */
export function routeIsSealed(keyring: Keyring, route: ReplyRoute, keyId: string): boolean {
  const key = keyFor(keyring, keyId);
  if (!key || route.keyId !== keyId) return false;
  const expected = Buffer.from(routeSeal(key, route.code, route.customerId, route.invoiceIds));
  const given = Buffer.from(route.seal);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
