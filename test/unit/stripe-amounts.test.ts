import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { fromStripeAmount, STRIPE_MAX_AMOUNT, toStripeAmount } from '#adapters/stripe-amounts.ts';

/** Stripe's currency rules, one case per section of https://docs.stripe.com/currencies. */
describe('Stripe amounts: the special cases', () => {
  test("every currency on Stripe's zero-decimal list is charged in whole units", () => {
    for (const currency of ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']) {
      assert.deepEqual(toStripeAmount(4321, currency), { ok: true, amount: 4321 }, currency);
      assert.equal(fromStripeAmount(4321, currency), 4321, currency);
    }
  });

  test('UGX: zero-decimal, but two-decimal on the wire and divisible by 100 (backwards compatibility)', () => {
    assert.deepEqual(toStripeAmount(5, 'UGX'), { ok: true, amount: 500 });
    assert.deepEqual(toStripeAmount(380_000, 'UGX'), { ok: true, amount: 38_000_000 });
    assert.equal(fromStripeAmount(500, 'UGX'), 5);
    assert.equal(fromStripeAmount(550, 'UGX'), undefined, 'a fractional shilling does not map back');
  });

  test('ISK: zero-decimal, but two-decimal on the wire and divisible by 100 (backwards compatibility)', () => {
    assert.deepEqual(toStripeAmount(5, 'ISK'), { ok: true, amount: 500 });
    assert.equal(fromStripeAmount(500, 'ISK'), 5);
    assert.equal(fromStripeAmount(501, 'ISK'), undefined);
  });

  test('HUF and TWD: the divisible-by-100 rule is for payouts only; charges take two decimals', () => {
    for (const currency of ['HUF', 'TWD']) {
      assert.deepEqual(toStripeAmount(1045, currency), { ok: true, amount: 1045 }, `${currency} 10.45 is charged as is`);
      assert.deepEqual(toStripeAmount(1000, currency), { ok: true, amount: 1000 }, currency);
      assert.equal(fromStripeAmount(1045, currency), 1045, currency);
    }
  });

  test('three-decimal currencies: the last digit must be 0, and an amount that is not is refused, never rounded', () => {
    for (const currency of ['BHD', 'JOD', 'KWD', 'OMR', 'TND']) {
      assert.deepEqual(toStripeAmount(5120, currency), { ok: true, amount: 5120 }, currency);
      const refused = toStripeAmount(5124, currency);
      assert.equal(refused.ok, false, `${currency} 5.124 is neither 5120 nor 5130`);
      assert.match(refused.ok ? '' : refused.message, /nearest 10/);
      assert.equal(fromStripeAmount(5130, currency), 5130, currency);
    }
  });

  test('MGA: two decimals in ISO 4217, zero-decimal at Stripe', () => {
    assert.deepEqual(toStripeAmount(500_000, 'MGA'), { ok: true, amount: 5000 });
    assert.equal(toStripeAmount(500_050, 'MGA').ok, false);
  });

  test('the amount value supports up to eight digits: anything larger is refused', () => {
    assert.equal(STRIPE_MAX_AMOUNT, 99_999_999);
    assert.deepEqual(toStripeAmount(99_999_999, 'USD'), { ok: true, amount: 99_999_999 }, '999,999.99 USD');
    assert.equal(toStripeAmount(100_000_000, 'USD').ok, false, '1,000,000.00 USD');
    assert.deepEqual(toStripeAmount(99_999_999, 'JPY'), { ok: true, amount: 99_999_999 });
    assert.equal(toStripeAmount(100_000_000, 'JPY').ok, false);
    // The limit is on Stripe's number, after scaling: 1,000,000 ISK is 100000000 on the wire.
    assert.deepEqual(toStripeAmount(999_999, 'ISK'), { ok: true, amount: 99_999_900 });
    assert.equal(toStripeAmount(1_000_000, 'ISK').ok, false);
  });
});
