import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'vitest';
import { type Keyring, parseKeyring, signPayLink, verifyPayLink } from '#domain/pay-link.ts';

const k0 = 'k0-old-secret-0123456789abcdef';
const k1 = 'k1-new-secret-abcdef0123456789';
const keyring = parseKeyring(JSON.stringify({ current: 'k1', k1 }));
const now = new Date('2026-12-01T10:00:00Z');
const expiresAt = new Date('2027-03-31T00:00:00Z');

const b64 = (text: string) => Buffer.from(text).toString('base64url');

function parts(token: string): [string, string] {
  const [body, signature] = token.split('.');
  assert.ok(body && signature);
  return [body, signature];
}

/** A token with any claims, properly signed with `key`: only the claims can make it fail. */
function forge(claims: unknown, key: string): string {
  const body = b64(JSON.stringify(claims));
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('parseKeyring', () => {
  test('reads the current key id and every key', () => {
    const parsed = parseKeyring(JSON.stringify({ current: 'k1', k1, k0 }));
    assert.deepEqual(parsed, { current: 'k1', keys: { k1, k0 } });
  });

  test('rejects a secret without "current"', () => {
    assert.throws(() => parseKeyring(JSON.stringify({ k1 })), /must be JSON \{"current"/);
  });

  test('rejects a secret whose current key is missing or not a string', () => {
    assert.throws(() => parseKeyring(JSON.stringify({ current: 'k2', k1 })), /current/);
    assert.throws(() => parseKeyring(JSON.stringify({ current: 'k1', k1: 12345 })), /current/);
  });

  test('rejects a secret that is not JSON', () => {
    assert.throws(() => parseKeyring('k1=abc'));
  });

  // Keys shorter than 16 characters are dropped from the keyring; if that is the current one,
  // links are signed with an empty HMAC key and never verify. The secret must fail loudly.
  test('rejects a secret whose current key is too short to be kept', () => {
    assert.throws(() => parseKeyring(JSON.stringify({ current: 'k1', k1: 'short' })));
  });
});

describe('signPayLink and verifyPayLink', () => {
  test('round trip: a signed link verifies to its invoice and expiry', () => {
    const token = signPayLink(keyring, 'INV-2026-0001', expiresAt);
    assert.deepEqual(verifyPayLink(keyring, token, now), { ok: true, invoiceId: 'INV-2026-0001', expiresAt });
  });

  test('the token is URL-safe and carries the key id', () => {
    const token = signPayLink(keyring, 'INV/with?odd&chars', expiresAt);
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const claims = JSON.parse(Buffer.from(parts(token)[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(claims, { v: 1, kid: 'k1', inv: 'INV/with?odd&chars', exp: expiresAt.getTime() / 1000 });
    assert.equal(verifyPayLink(keyring, token, now).ok, true);
  });

  test('a tampered body does not verify', () => {
    const [, signature] = parts(signPayLink(keyring, 'INV-2026-0001', expiresAt));
    const otherInvoice = b64(JSON.stringify({ v: 1, kid: 'k1', inv: 'INV-2026-0002', exp: expiresAt.getTime() / 1000 }));
    assert.deepEqual(verifyPayLink(keyring, `${otherInvoice}.${signature}`, now), { ok: false, reason: 'bad_signature' });
    const later = b64(JSON.stringify({ v: 1, kid: 'k1', inv: 'INV-2026-0001', exp: expiresAt.getTime() / 1000 + 86_400 }));
    assert.deepEqual(verifyPayLink(keyring, `${later}.${signature}`, now), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyPayLink(keyring, `${b64('not json')}.${signature}`, now), { ok: false, reason: 'malformed' });
  });

  test('a tampered signature does not verify', () => {
    const [body, signature] = parts(signPayLink(keyring, 'INV-2026-0001', expiresAt));
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    assert.deepEqual(verifyPayLink(keyring, `${body}.${flipped}`, now), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyPayLink(keyring, `${body}.${signature.slice(1)}`, now), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyPayLink(keyring, `${body}.${signature}x`, now), { ok: false, reason: 'bad_signature' });
  });

  test('a link signed with another key does not verify', () => {
    const other: Keyring = { current: 'k1', keys: { k1: 'another-secret-entirely-0000' } };
    assert.deepEqual(verifyPayLink(keyring, signPayLink(other, 'INV-2026-0001', expiresAt), now), { ok: false, reason: 'bad_signature' });
  });

  test('malformed tokens are reported as malformed', () => {
    const token = signPayLink(keyring, 'INV-2026-0001', expiresAt);
    for (const bad of [
      '',
      'abc',
      '.',
      `${token}.extra`,
      `.${parts(token)[1]}`,
      `${parts(token)[0]}.`,
      `${'a'.repeat(1100)}.${parts(token)[1]}`,
    ]) {
      assert.deepEqual(verifyPayLink(keyring, bad, now), { ok: false, reason: 'malformed' }, bad.slice(0, 40));
    }
    for (const claims of [
      { v: 2, kid: 'k1', inv: 'X', exp: 2e9 },
      { v: 1, kid: 'k1', exp: 2e9 },
      { v: 1, kid: 'k1', inv: 'X', exp: '2e9' },
      { v: 1, inv: 'X', exp: 2e9 },
    ]) {
      assert.deepEqual(verifyPayLink(keyring, forge(claims, k1), now), { ok: false, reason: 'malformed' }, JSON.stringify(claims));
    }
  });

  // The token comes from anyone's browser: no body may make verification throw (the pay page
  // would answer 500 instead of "this link is not valid").
  test('a body that decodes to JSON null is malformed, not a crash', () => {
    assert.deepEqual(verifyPayLink(keyring, `${b64('null')}.c2ln`, now), { ok: false, reason: 'malformed' });
  });

  test('a key id naming an Object.prototype member is an unknown key, not a crash', () => {
    for (const kid of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const token = `${b64(JSON.stringify({ v: 1, kid, inv: 'INV-2026-0001', exp: 2e9 }))}.c2ln`;
      assert.deepEqual(verifyPayLink(keyring, token, now), { ok: false, reason: 'bad_signature' }, kid);
    }
  });

  test('an expired link is reported as expired, from its expiry second on', () => {
    const token = signPayLink(keyring, 'INV-2026-0001', expiresAt);
    assert.equal(verifyPayLink(keyring, token, new Date(expiresAt.getTime() - 1000)).ok, true);
    assert.deepEqual(verifyPayLink(keyring, token, expiresAt), { ok: false, reason: 'expired' });
    assert.deepEqual(verifyPayLink(keyring, token, new Date('2028-01-01T00:00:00Z')), { ok: false, reason: 'expired' });
  });

  test('an expired link with a bad signature is a bad signature (expiry is not disclosed to forgers)', () => {
    const [, signature] = parts(signPayLink(keyring, 'INV-2026-0001', expiresAt));
    const body = b64(JSON.stringify({ v: 1, kid: 'k1', inv: 'INV-2026-0001', exp: 1 }));
    assert.deepEqual(verifyPayLink(keyring, `${body}.${signature}`, now), { ok: false, reason: 'bad_signature' });
  });

  test('an unknown key id is a bad signature', () => {
    const token = signPayLink({ current: 'k9', keys: { k9: k1 } }, 'INV-2026-0001', expiresAt);
    assert.deepEqual(verifyPayLink(keyring, token, now), { ok: false, reason: 'bad_signature' });
  });

  test('rotation: links signed with the old key verify while it stays in the keyring, and not after', () => {
    const before = parseKeyring(JSON.stringify({ current: 'k0', k0 }));
    const oldLink = signPayLink(before, 'INV-2026-0001', expiresAt);
    const during = parseKeyring(JSON.stringify({ current: 'k1', k1, k0 }));
    const newLink = signPayLink(during, 'INV-2026-0001', expiresAt);
    assert.equal(parts(newLink)[0] === parts(oldLink)[0], false, 'the new link names the new key');
    assert.deepEqual(verifyPayLink(during, oldLink, now), { ok: true, invoiceId: 'INV-2026-0001', expiresAt });
    assert.deepEqual(verifyPayLink(during, newLink, now), { ok: true, invoiceId: 'INV-2026-0001', expiresAt });
    const after = parseKeyring(JSON.stringify({ current: 'k1', k1 }));
    assert.deepEqual(verifyPayLink(after, oldLink, now), { ok: false, reason: 'bad_signature' });
    assert.equal(verifyPayLink(after, newLink, now).ok, true);
  });
});
