import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { fromStripeAmount, toStripeAmount } from '#adapters/stripe-amounts.ts';
import { stripeSignatureHeader, stripeSignatureOf, verifyStripeSignature } from '#adapters/stripe-signature.ts';

const secret = 'whsec_test_secret';
const body = '{"id":"evt_1","type":"checkout.session.completed"}';
const now = new Date('2026-11-30T10:00:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('Stripe webhook signatures', () => {
  test('a genuine signature verifies', () => {
    assert.deepEqual(verifyStripeSignature(secret, stripeSignatureHeader(secret, t, body), body, now), { ok: true, timestamp: t });
    assert.ok(verifyStripeSignature(secret, stripeSignatureHeader(secret, t, body), Buffer.from(body), now).ok, 'raw bytes');
  });

  test("matches Stripe's documented scheme: HMAC-SHA256 of '<t>.<body>' in hex", () => {
    // Computed independently: printf '%s' '1700000000.{}' | openssl dgst -sha256 -hmac whsec_x
    assert.equal(stripeSignatureOf('whsec_x', 1700000000, '{}'), 'be8cb8325f2202445260a855532f967e30ad2a9394ce28da66ee02880ddcb661');
    assert.equal(stripeSignatureOf('whsec_x', 1700000000, '{}'), stripeSignatureOf('whsec_x', 1700000000, Buffer.from('{}')));
  });

  test('a missing or empty header is refused', () => {
    assert.deepEqual(verifyStripeSignature(secret, undefined, body, now), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyStripeSignature(secret, '', body, now), { ok: false, reason: 'missing' });
  });

  test('malformed headers are refused', () => {
    for (const header of ['garbage', `t=${t}`, 'v1=abc', `t=abc,v1=${'0'.repeat(64)}`, `t=${t},t=${t},v1=${'0'.repeat(64)}`]) {
      assert.deepEqual(verifyStripeSignature(secret, header, body, now), { ok: false, reason: 'malformed' }, header);
    }
  });

  test('a forged signature (another secret) is refused', () => {
    assert.deepEqual(verifyStripeSignature(secret, stripeSignatureHeader('whsec_attacker', t, body), body, now), {
      ok: false,
      reason: 'mismatch',
    });
  });

  test('a tampered body is refused', () => {
    const header = stripeSignatureHeader(secret, t, body);
    assert.deepEqual(verifyStripeSignature(secret, header, body.replace('evt_1', 'evt_2'), now), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyStripeSignature(secret, header, `${body} `, now), { ok: false, reason: 'mismatch' });
  });

  test('a changed timestamp breaks the signature', () => {
    const v1 = stripeSignatureOf(secret, t, body);
    assert.deepEqual(verifyStripeSignature(secret, `t=${t + 1},v1=${v1}`, body, now), { ok: false, reason: 'mismatch' });
  });

  test('a replayed (stale) event is refused outside 300 s, accepted inside, both ways', () => {
    const header = stripeSignatureHeader(secret, t, body);
    assert.ok(verifyStripeSignature(secret, header, body, new Date(now.getTime() + 300_000)).ok);
    assert.deepEqual(verifyStripeSignature(secret, header, body, new Date(now.getTime() + 301_000)), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyStripeSignature(secret, header, body, new Date(now.getTime() - 301_000)), { ok: false, reason: 'stale' });
    assert.ok(verifyStripeSignature(secret, header, body, new Date(now.getTime() + 3_600_000), 7200).ok, 'custom tolerance');
  });

  test('several v1 signatures (secret roll): any one matching is enough; v0 is ignored', () => {
    const good = stripeSignatureOf(secret, t, body);
    const other = stripeSignatureOf('whsec_old', t, body);
    assert.ok(verifyStripeSignature(secret, `t=${t},v1=${other},v1=${good}`, body, now).ok);
    assert.ok(verifyStripeSignature(secret, `t=${t},v0=${'1'.repeat(64)},v1=${good}`, body, now).ok);
    assert.deepEqual(verifyStripeSignature(secret, `t=${t},v0=${good}`, body, now), { ok: false, reason: 'malformed' });
  });
});

describe('Stripe amounts', () => {
  test('two-decimal currencies pass minor units through', () => {
    assert.deepEqual(toStripeAmount(125_000, 'EUR'), { ok: true, amount: 125_000 });
    assert.equal(fromStripeAmount(125_000, 'EUR'), 125_000);
  });

  test('zero-decimal currencies: whole units both in ISO and at Stripe', () => {
    assert.deepEqual(toStripeAmount(5000, 'JPY'), { ok: true, amount: 5000 });
    assert.equal(fromStripeAmount(5000, 'JPY'), 5000);
  });

  test('MGA: 2 decimals in ISO, zero-decimal at Stripe, whole ariary only', () => {
    assert.deepEqual(toStripeAmount(12_300, 'MGA'), { ok: true, amount: 123 });
    assert.equal(toStripeAmount(12_345, 'MGA').ok, false);
    assert.equal(fromStripeAmount(123, 'MGA'), 12_300);
  });

  test('ISK: zero-decimal in ISO, two-decimal on the wire', () => {
    assert.deepEqual(toStripeAmount(500, 'ISK'), { ok: true, amount: 50_000 });
    assert.equal(fromStripeAmount(50_000, 'ISK'), 500);
    assert.equal(fromStripeAmount(50_050, 'ISK'), undefined);
  });

  test('three-decimal currencies: the last digit must be 0', () => {
    assert.deepEqual(toStripeAmount(5120, 'KWD'), { ok: true, amount: 5120 });
    assert.equal(toStripeAmount(5124, 'KWD').ok, false);
    assert.equal(fromStripeAmount(5120, 'KWD'), 5120);
  });

  test('IQD (3 in ISO, 2 at Stripe) only in multiples of 10', () => {
    assert.deepEqual(toStripeAmount(12_340, 'IQD'), { ok: true, amount: 1234 });
    assert.equal(toStripeAmount(12_345, 'IQD').ok, false);
    assert.equal(fromStripeAmount(1234, 'IQD'), 12_340);
  });

  test('nothing non-positive or fractional', () => {
    assert.equal(toStripeAmount(0, 'EUR').ok, false);
    assert.equal(toStripeAmount(-5, 'EUR').ok, false);
    assert.equal(toStripeAmount(1.5, 'EUR').ok, false);
  });
});
