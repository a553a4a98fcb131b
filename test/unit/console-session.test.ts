import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import {
  checkCsrf,
  clearSessionCookie,
  cookieName,
  openSealedValue,
  openSession,
  parseSessionKeyring,
  readCookie,
  renew,
  SESSION_ABSOLUTE_SECONDS,
  SESSION_IDLE_SECONDS,
  sameOrigin,
  sealSession,
  sealValue,
  sessionCookie,
  startSession,
} from '#adapters/console-session.ts';

const keys = parseSessionKeyring(JSON.stringify({ current: 'k1', k1: 'a'.repeat(64) }));
const t0 = new Date('2026-03-02T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const person = { subject: 'sub-1', name: 'Ada Finance', email: 'ada@example.com', role: 'finance' } as const;

describe('sealed console sessions', () => {
  test('a sealed session opens to the same session', () => {
    const session = startSession(person, t0);
    const opened = openSession(keys, sealSession(keys, session), at(60));
    assert.deepEqual(opened, { ok: true, session });
    assert.equal(session.expiresAt - session.issuedAt, 8 * 3600);
    assert.equal(session.idleExpiresAt - session.issuedAt, 30 * 60);
    assert.match(session.csrf, /^[\w-]{43}$/);
  });

  test('the seal is base64url(JSON) "." base64url(HMAC-SHA256)', () => {
    const sealed = sealSession(keys, startSession(person, t0));
    assert.match(sealed, /^[\w-]+\.[\w-]{43}$/);
    const body = JSON.parse(Buffer.from(sealed.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(body.kid, 'k1');
    assert.equal(body.data.subject, 'sub-1');
  });

  test('a tampered cookie is refused: changed role, changed signature, or no signature', () => {
    const sealed = sealSession(keys, startSession({ ...person, role: 'collector' }, t0));
    const [body, signature] = sealed.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    claims.data.role = 'finance';
    const forged = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    assert.deepEqual(openSession(keys, forged, at(1)), { ok: false, reason: 'bad_signature' });
    const flipped = `${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    assert.deepEqual(openSession(keys, flipped, at(1)), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(openSession(keys, body, at(1)), { ok: false, reason: 'malformed' });
    assert.deepEqual(openSession(keys, 'not json.at all', at(1)), { ok: false, reason: 'malformed' });
    assert.deepEqual(openSession(keys, undefined, at(1)), { ok: false, reason: 'missing' });
  });

  test('a session sealed under another key is refused', () => {
    const other = parseSessionKeyring(JSON.stringify({ current: 'k1', k1: 'b'.repeat(64) }));
    assert.deepEqual(openSession(keys, sealSession(other, startSession(person, t0)), at(1)), { ok: false, reason: 'bad_signature' });
  });

  test('a kid naming an Object.prototype member does not open', () => {
    const sealed = sealSession({ current: 'constructor', keys: { constructor: 'x'.repeat(32) } }, startSession(person, t0));
    assert.deepEqual(openSession(keys, sealed, at(1)), { ok: false, reason: 'bad_signature' });
  });

  test('the absolute lifetime ends the session even when it is in constant use', () => {
    let session = startSession(person, t0);
    for (let s = 20 * 60; s < SESSION_ABSOLUTE_SECONDS; s += 20 * 60) {
      const opened = openSession(keys, sealSession(keys, session), at(s));
      assert.ok(opened.ok, `still open at ${s} s`);
      session = renew(opened.session, at(s));
    }
    assert.deepEqual(openSession(keys, sealSession(keys, session), at(SESSION_ABSOLUTE_SECONDS)), { ok: false, reason: 'expired' });
  });

  test('30 idle minutes end the session', () => {
    const sealed = sealSession(keys, startSession(person, t0));
    assert.ok(openSession(keys, sealed, at(SESSION_IDLE_SECONDS - 1)).ok);
    assert.deepEqual(openSession(keys, sealed, at(SESSION_IDLE_SECONDS)), { ok: false, reason: 'idle' });
  });

  test('renew slides the idle window but never past the absolute expiry', () => {
    const session = startSession(person, t0);
    const renewed = renew(session, at(20 * 60));
    assert.equal(renewed.idleExpiresAt, session.issuedAt + 20 * 60 + SESSION_IDLE_SECONDS);
    assert.equal(renewed.expiresAt, session.expiresAt);
    assert.equal(renewed.csrf, session.csrf);
    const late = renew({ ...session, idleExpiresAt: session.expiresAt - 60 }, at(SESSION_ABSOLUTE_SECONDS - 10 * 60));
    assert.equal(late.idleExpiresAt, session.expiresAt);
  });

  test('renew refuses a lapsed session', () => {
    const session = startSession(person, t0);
    assert.throws(() => renew(session, at(SESSION_IDLE_SECONDS)), /lapsed/);
  });

  test('after rotation, new sessions use the new key and old ones still open', () => {
    const before = sealSession(keys, startSession(person, t0));
    const rotated = parseSessionKeyring(JSON.stringify({ current: 'k2', k2: 'c'.repeat(64), k1: 'a'.repeat(64) }));
    assert.ok(openSession(rotated, before, at(60)).ok);
    const after = sealSession(rotated, startSession(person, t0));
    assert.equal(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString('utf8')).kid, 'k2');
    assert.ok(openSession(rotated, after, at(60)).ok);
    // Once k1 is removed, its sessions no longer open.
    const retired = parseSessionKeyring(JSON.stringify({ current: 'k2', k2: 'c'.repeat(64) }));
    assert.deepEqual(openSession(retired, before, at(60)), { ok: false, reason: 'bad_signature' });
  });

  test('a value sealed for sign-in never opens as a session', () => {
    const session = startSession(person, t0);
    const signIn = sealValue(keys, 'console-signin', session);
    assert.deepEqual(openSession(keys, signIn, at(1)), { ok: false, reason: 'malformed' });
    assert.ok(openSealedValue(keys, 'console-signin', signIn).ok);
  });

  test('a badly shaped keyring names the console session secret', () => {
    assert.throws(() => parseSessionKeyring('{"current":"k1"}'), /Console session secret/);
  });
});

describe('session cookies', () => {
  test('https: __Host- name, Secure, HttpOnly, SameSite=Lax, Path=/, Max-Age to the absolute expiry', () => {
    const session = startSession(person, t0);
    const header = sessionCookie(keys, session, at(3600), true);
    const [pair, ...attributes] = header.split('; ');
    assert.equal(pair, `__Host-dunwell-session=${sealSession(keys, session)}`);
    assert.deepEqual(attributes.sort(), ['HttpOnly', `Max-Age=${SESSION_ABSOLUTE_SECONDS - 3600}`, 'Path=/', 'SameSite=Lax', 'Secure']);
    assert.ok(!/Domain=/i.test(header));
  });

  test('plain http on loopback: bare name and no Secure', () => {
    const header = sessionCookie(keys, startSession(person, t0), t0, false);
    assert.match(header, /^dunwell-session=/);
    assert.ok(!header.includes('Secure'));
    assert.ok(header.includes('HttpOnly'));
    assert.ok(header.includes('SameSite=Lax'));
  });

  test('sign-out clears the cookie at once', () => {
    assert.equal(clearSessionCookie(true), '__Host-dunwell-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
    assert.equal(clearSessionCookie(false), 'dunwell-session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });

  test('readCookie finds a cookie in a header or in API Gateway v2 cookies', () => {
    const name = cookieName('dunwell-session', true);
    assert.equal(readCookie('a=1; __Host-dunwell-session=abc.def; b=2', name), 'abc.def');
    assert.equal(readCookie(['a=1', '__Host-dunwell-session=abc.def'], name), 'abc.def');
    assert.equal(readCookie('dunwell-session=plain', name), undefined);
    assert.equal(readCookie(undefined, name), undefined);
  });
});

describe('CSRF', () => {
  const session = startSession(person, t0);

  test('the form must carry the session token', () => {
    assert.equal(checkCsrf(session, session.csrf), true);
    assert.equal(checkCsrf(session, `${session.csrf.slice(0, -1)}x`), false);
    assert.equal(checkCsrf(session, ''), false);
    assert.equal(checkCsrf(session, undefined), false);
    assert.equal(checkCsrf(startSession(person, t0), session.csrf), false);
  });

  test('a POST from the console itself passes the origin check', () => {
    const base = 'https://abc.execute-api.eu-west-1.amazonaws.com/console/';
    assert.equal(sameOrigin({ origin: 'https://abc.execute-api.eu-west-1.amazonaws.com', 'sec-fetch-site': 'same-origin' }, base), true);
    assert.equal(sameOrigin({ Origin: 'https://abc.execute-api.eu-west-1.amazonaws.com' }, base), true);
    assert.equal(sameOrigin({ 'Sec-Fetch-Site': 'same-origin' }, base), true);
    assert.equal(sameOrigin({ origin: 'http://127.0.0.1:3000' }, 'http://127.0.0.1:3000/console/'), true);
  });

  test('a cross-site POST is refused', () => {
    const base = 'https://console.example.com/console/';
    assert.equal(sameOrigin({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, base), false);
    assert.equal(sameOrigin({ origin: 'https://evil.example' }, base), false);
    assert.equal(sameOrigin({ 'sec-fetch-site': 'same-site' }, base), false);
    assert.equal(sameOrigin({ origin: 'null' }, base), false);
    assert.equal(sameOrigin({ origin: 'http://console.example.com' }, base), false);
    assert.equal(sameOrigin({}, base), false);
  });
});
