import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { displayAmount, formatAmount, isCurrency, MAX_AMOUNT_MINOR, minorDigits, parseAmount, sumMinor } from '#domain/money.ts';

function parsed(text: string, currency: string): number {
  const result = parseAmount(text, currency);
  assert.ok(result.ok, `expected "${text}" ${currency} to parse, got ${JSON.stringify(result)}`);
  return result.minor;
}

function rejection(text: string, currency: string): string {
  const result = parseAmount(text, currency);
  assert.equal(result.ok, false, `expected "${text}" ${currency} to be rejected`);
  assert.ok(!result.ok);
  assert.ok(result.message.length > 0);
  return result.message;
}

describe('parseAmount', () => {
  test('reads each currency in its own minor-unit precision', () => {
    assert.equal(parsed('1250.00', 'USD'), 125_000);
    assert.equal(parsed('1250', 'JPY'), 1250);
    assert.equal(parsed('12.500', 'BHD'), 12_500);
    assert.equal(parsed('0.05', 'EUR'), 5);
    assert.equal(parsed('0', 'JPY'), 0);
    assert.equal(parsed('0.00', 'USD'), 0);
  });

  test("rejects a precision other than the currency's, and says which one it wants", () => {
    assert.match(rejection('1250.0', 'USD'), /2 decimal places for USD.*"1250\.00"/);
    assert.match(rejection('1250', 'USD'), /2 decimal places/);
    assert.match(rejection('1250.000', 'USD'), /2 decimal places/);
    assert.match(rejection('12.50', 'BHD'), /3 decimal places for BHD.*"1250\.000"/);
    assert.match(rejection('1250.00', 'JPY'), /0 decimal places for JPY.*"1250"/);
    assert.match(rejection('1250.', 'JPY'), /0 decimal places/);
  });

  test('rejects negatives, leading zeros, exponents, signs, separators and whitespace', () => {
    for (const text of [
      '-1.00',
      '+1.00',
      '01.00',
      '00.00',
      '1e3',
      '1E3',
      '1.5e2',
      ' 1.00',
      '1.00 ',
      '1 000.00',
      '1,000.00',
      '1_000.00',
      '.50',
      '',
      'NaN',
      'Infinity',
      '0x10',
    ]) {
      rejection(text, 'USD');
    }
    for (const text of ['-1', '01', '1e3', ' 1', '1\n', '１２']) rejection(text, 'JPY');
  });

  test('rejects an unknown or malformed currency with a message naming it', () => {
    assert.match(rejection('1.00', 'ABC'), /unknown currency "ABC"/);
    assert.match(rejection('1.00', 'usd'), /unknown currency "usd"/);
    assert.match(rejection('1.00', 'US'), /unknown currency/);
    assert.match(rejection('1.00', ''), /unknown currency/);
  });

  test('rejects amounts that would not be exact integers', () => {
    assert.match(rejection('90071992547409.92', 'USD'), /too large/);
    assert.equal(parsed('90071992547409.91', 'USD'), Number.MAX_SAFE_INTEGER);
  });
});

describe('formatAmount', () => {
  test('writes the API decimal string with exactly the currency precision', () => {
    assert.equal(formatAmount(125_000, 'USD'), '1250.00');
    assert.equal(formatAmount(1250, 'JPY'), '1250');
    assert.equal(formatAmount(12_500, 'BHD'), '12.500');
    assert.equal(formatAmount(5, 'EUR'), '0.05');
    assert.equal(formatAmount(7, 'BHD'), '0.007');
    assert.equal(formatAmount(0, 'USD'), '0.00');
    assert.equal(formatAmount(0, 'JPY'), '0');
  });

  test('keeps the sign of a negative amount (an overpayment balance)', () => {
    assert.equal(formatAmount(-5, 'EUR'), '-0.05');
    assert.equal(formatAmount(-125_000, 'USD'), '-1250.00');
    assert.equal(formatAmount(-1250, 'JPY'), '-1250');
  });

  test('refuses an unknown currency', () => {
    assert.throws(() => formatAmount(1, 'ABC'), RangeError);
  });

  test('round trip: any safe non-negative minor amount formats and parses back to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom('USD', 'EUR', 'JPY', 'BHD', 'KWD', 'GBP', 'CHF', 'KRW'), fc.maxSafeNat(), (currency, minor) => {
        const text = formatAmount(minor, currency);
        assert.deepEqual(parseAmount(text, currency), { ok: true, minor });
      }),
      { numRuns: 500 },
    );
  });
});

describe('sumMinor', () => {
  test('adds amounts exactly past 2^53, where a number sum rounds', () => {
    const big = MAX_AMOUNT_MINOR; // 90071992547409.91 EUR
    // Between 2^53 and 2^54 a double holds only even integers: an odd total is rounded.
    assert.notEqual(BigInt(big + big - 1), 18_014_398_509_481_981n, 'a number sum loses the last unit');
    assert.equal(sumMinor([big, big - 1]), 18_014_398_509_481_981n);
    assert.equal(sumMinor([big, big]), 18_014_398_509_481_982n);
    assert.equal(sumMinor([MAX_AMOUNT_MINOR, 1]), 2n ** 53n);
    assert.equal(sumMinor([MAX_AMOUNT_MINOR, 2]), 2n ** 53n + 1n);
  });

  test('takes numbers and BigInts, any iterable, and is 0n when empty', () => {
    assert.equal(sumMinor([]), 0n);
    assert.equal(sumMinor([1, 2n, 3]), 6n);
    assert.equal(sumMinor(new Set([5, 7])), 12n);
    assert.equal(sumMinor([-5, 3]), -2n);
  });

  test('refuses a number that is not a whole count of minor units', () => {
    assert.throws(() => sumMinor([0.5]), RangeError);
  });
});

describe('formatAmount and displayAmount of a BigInt past 2^53', () => {
  test('format a sum exactly in the API and in the reader locale', () => {
    const owed = sumMinor([MAX_AMOUNT_MINOR, MAX_AMOUNT_MINOR]);
    assert.equal(formatAmount(owed, 'EUR'), '180143985094819.82');
    assert.equal(formatAmount(owed - 1n, 'EUR'), '180143985094819.81');
    assert.equal(formatAmount(owed + 1n, 'EUR'), '180143985094819.83');
    assert.equal(formatAmount(-(owed + 1n), 'EUR'), '-180143985094819.83');
    assert.equal(formatAmount(owed + 1n, 'JPY'), '18014398509481983');
    assert.equal(formatAmount(owed + 1n, 'BHD'), '18014398509481.983');
    assert.equal(displayAmount(owed + 1n, 'EUR', 'en-US'), '€180,143,985,094,819.83');
    assert.equal(displayAmount(owed + 1n, 'EUR', 'de-DE'), '180.143.985.094.819,83\u00a0€');
  });

  test('format a number and the same BigInt alike', () => {
    fc.assert(
      fc.property(fc.constantFrom('USD', 'JPY', 'BHD'), fc.maxSafeInteger(), (currency, minor) => {
        assert.equal(formatAmount(BigInt(minor), currency), formatAmount(minor, currency));
      }),
      { numRuns: 300 },
    );
  });
});

describe('minorDigits and isCurrency', () => {
  test('know the common precisions', () => {
    assert.equal(minorDigits('EUR'), 2);
    assert.equal(minorDigits('JPY'), 0);
    assert.equal(minorDigits('BHD'), 3);
    assert.equal(minorDigits('KWD'), 3);
    assert.equal(isCurrency('EUR'), true);
    assert.equal(isCurrency('eur'), false);
    assert.equal(isCurrency('ZZZ'), false);
  });

  // ISO 4217 is what the API promises (API.md: "currency is ISO 4217", amounts "in the
  // currency's minor-unit precision"), and Stripe uses these precisions too. Intl reports
  // CLDR display digits instead, which differ for these currencies and may change with ICU.
  test('follow ISO 4217 minor units where CLDR display digits differ', () => {
    assert.deepEqual(Object.fromEntries(['HUF', 'IDR', 'COP', 'IQD'].map((code) => [code, minorDigits(code)])), {
      HUF: 2,
      IDR: 2,
      COP: 2,
      IQD: 3,
    });
  });
});

describe('displayAmount', () => {
  test("formats in the reader's locale with the currency precision", () => {
    assert.equal(displayAmount(125_000, 'EUR', 'de-DE'), '1.250,00\u00a0€');
    assert.equal(displayAmount(5, 'EUR', 'de-DE'), '0,05\u00a0€');
    assert.equal(displayAmount(125_000, 'EUR', 'en-US'), '€1,250.00');
    assert.equal(displayAmount(1250, 'JPY', 'en-US'), '¥1,250');
    assert.equal(displayAmount(12_500, 'BHD', 'en-US'), 'BHD\u00a012.500');
  });
});
