import { timingSafeEqual } from 'node:crypto';
import type { Keyring } from '#domain/pay-link.ts';
import { checkShortCode, keyFor, type ShortLinkCheck, seal } from '#domain/short-link.ts';
import type { ShortLinkStore } from '#ports/short-links.ts';

/** What a short code stands for: checked offline first, then looked up, then its seal and expiry. */
export async function resolveShortLink(
  store: Pick<ShortLinkStore, 'get'>,
  keyring: Keyring,
  code: string,
  now: Date,
): Promise<ShortLinkCheck> {
  const checked = checkShortCode(keyring, code);
  if (!checked.ok) return checked;
  const link = await store.get(code);
  if (!link || link.code !== code) return { ok: false, reason: 'unknown' };
  const key = keyFor(keyring, link.keyId);
  if (link.keyId !== checked.keyId || !key) return { ok: false, reason: 'bad_signature' };
  const expected = Buffer.from(seal(key, code, link.invoiceId, link.expiresAt));
  const stored = Buffer.from(link.seal);
  if (expected.length !== stored.length || !timingSafeEqual(expected, stored)) return { ok: false, reason: 'bad_signature' };
  if (link.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, invoiceId: link.invoiceId, expiresAt: link.expiresAt };
}
