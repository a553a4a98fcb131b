import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import {
  type FieldError,
  fieldErrors,
  invoiceBatchEnvelopeSchema,
  invoiceBatchRequestSchema,
  invoiceRequestSchema,
  MAX_BATCH_INVOICES,
  type PaymentRequest,
  paymentRequestSchema,
  toInvoiceInput,
  toPaymentInput,
} from '#contracts/api.ts';
import { apiInvoiceExample } from '../support/invoices.ts';

const apiExample = apiInvoiceExample;

type Body = Record<string, unknown>;

function withChanges(change: (body: Body & { customer: Body; lines: Body[] }) => void): unknown {
  const body = structuredClone(apiExample) as unknown as Body & { customer: Body; lines: Body[] };
  change(body);
  return body;
}

function errorsOf(body: unknown): FieldError[] {
  const result = invoiceRequestSchema.safeParse(body);
  assert.equal(result.success, false, 'expected the body to be rejected');
  assert.ok(!result.success);
  return fieldErrors(result.error);
}

function pathsOf(body: unknown): string[] {
  return errorsOf(body)
    .map((error) => error.path)
    .sort();
}

describe('invoiceRequestSchema', () => {
  test('accepts the API.md example', () => {
    const result = invoiceRequestSchema.safeParse(apiExample);
    assert.ok(result.success, JSON.stringify(!result.success && fieldErrors(result.error)));
    assert.deepEqual(result.data, apiExample);
  });

  test('fills the documented defaults for optional customer fields and lines', () => {
    const result = invoiceRequestSchema.parse(
      withChanges((body) => {
        delete body.customer.timeZone;
        delete body.customer.locale;
        delete (body as Body).lines;
      }),
    );
    assert.equal(result.customer.timeZone, 'UTC');
    assert.equal(result.customer.locale, 'en-US');
    assert.deepEqual(result.lines, []);
  });

  test('takes a country and subdivision for public holidays, upper-casing them', () => {
    const bavaria = invoiceRequestSchema.parse(withChanges((body) => Object.assign(body.customer, { country: 'DE', subdivision: 'BY' })));
    assert.equal(bavaria.customer.country, 'DE');
    assert.equal(bavaria.customer.subdivision, 'BY');
    const lower = invoiceRequestSchema.parse(withChanges((body) => Object.assign(body.customer, { country: 'us', subdivision: 'ca' })));
    assert.deepEqual([lower.customer.country, lower.customer.subdivision], ['US', 'CA']);
    assert.deepEqual([toInvoiceInput(lower).customer.country, toInvoiceInput(lower).customer.subdivision], ['US', 'CA']);
    const countryOnly = invoiceRequestSchema.parse(withChanges((body) => (body.customer.country = 'JP')));
    assert.equal(countryOnly.customer.country, 'JP');
    assert.equal('subdivision' in countryOnly.customer, false);
    // Neither is required: customers sent before they existed stay valid.
    assert.equal('country' in invoiceRequestSchema.parse(apiExample).customer, false);
  });

  test('says what a country and a subdivision must look like', () => {
    const message = (change: (body: Body & { customer: Body; lines: Body[] }) => void) => errorsOf(withChanges(change))[0]?.message;
    assert.equal(
      message((body) => (body.customer.country = 'ZZ')),
      'must be an ISO 3166-1 alpha-2 country code like "DE"',
    );
    assert.match(message((body) => Object.assign(body.customer, { country: 'DE', subdivision: 'DE-BY' })) ?? '', /"BY" for DE-BY/);
    assert.match(message((body) => (body.customer.subdivision = 'BY')) ?? '', /needs country/);
    assert.equal(
      message((body) => Object.assign(body.customer, { country: 'DE', subdivision: 'CA' })),
      'is not a subdivision of DE with its own public holidays',
    );
    // A bad country is the one error: the subdivision is not judged against it.
    assert.deepEqual(pathsOf(withChanges((body) => Object.assign(body.customer, { country: 'ZZ', subdivision: 'BY' }))), [
      'customer.country',
    ]);
  });

  test('rejects unknown top-level fields by name', () => {
    assert.deepEqual(errorsOf(withChanges((body) => (body.foo = 1))), [{ path: 'foo', message: 'is not a known field' }]);
  });

  test('rejects unknown nested fields with their full path', () => {
    assert.deepEqual(pathsOf(withChanges((body) => (body.customer.foo = 'x'))), ['customer.foo']);
    assert.deepEqual(pathsOf(withChanges((body) => ((body.lines[0] as Body).vat = '19'))), ['lines.0.vat']);
  });

  const badFields: [string, (body: Body & { customer: Body; lines: Body[] }) => void, string][] = [
    ['unknown currency', (body) => (body.currency = 'ABC'), 'currency'],
    ['lower-case currency', (body) => (body.currency = 'eur'), 'currency'],
    ['amount with one decimal', (body) => (body.amount = '1250.0'), 'amount'],
    ['amount as a number', (body) => (body.amount = 1250), 'amount'],
    ['negative amount', (body) => (body.amount = '-1250.00'), 'amount'],
    ['amount in exponent notation', (body) => (body.amount = '1.25e3'), 'amount'],
    ['impossible issue date', (body) => (body.issueDate = '2026-02-30'), 'issueDate'],
    ['issue date with a time', (body) => (body.issueDate = '2026-11-01T00:00:00Z'), 'issueDate'],
    ['due date in another format', (body) => (body.dueDate = '01.12.2026'), 'dueDate'],
    ['due date before issue date', (body) => (body.dueDate = '2026-10-31'), 'dueDate'],
    ['bad email', (body) => (body.customer.email = 'ap-at-acme.example'), 'customer.email'],
    ['bad time zone', (body) => (body.customer.timeZone = 'Mars/Olympus_Mons'), 'customer.timeZone'],
    ['bad locale', (body) => (body.customer.locale = 'not a locale!'), 'customer.locale'],
    ['phone without country code', (body) => (body.customer.phone = '015123456789'), 'customer.phone'],
    ['phone with spaces', (body) => (body.customer.phone = '+49 151 23456789'), 'customer.phone'],
    ['blank customer name', (body) => (body.customer.name = '   '), 'customer.name'],
    ['invoice id with a space', (body) => (body.invoiceId = 'INV 2026 0001'), 'invoiceId'],
    ['invoice id with a slash', (body) => (body.invoiceId = 'INV/2026/0001'), 'invoiceId'],
    ['invoice id starting with a dash', (body) => (body.invoiceId = '-INV'), 'invoiceId'],
    ['invoice id too long', (body) => (body.invoiceId = `I${'0'.repeat(100)}`), 'invoiceId'],
    ['customer id with a colon', (body) => (body.customer.customerId = 'C:100'), 'customer.customerId'],
    ['unknown country', (body) => (body.customer.country = 'ZZ'), 'customer.country'],
    ['three-letter country', (body) => (body.customer.country = 'DEU'), 'customer.country'],
    ['subdivision without country', (body) => (body.customer.subdivision = 'BY'), 'customer.subdivision'],
    [
      'subdivision of another country',
      (body) => Object.assign(body.customer, { country: 'DE', subdivision: 'CA' }),
      'customer.subdivision',
    ],
    [
      'full ISO 3166-2 subdivision',
      (body) => Object.assign(body.customer, { country: 'DE', subdivision: 'DE-BY' }),
      'customer.subdivision',
    ],
    [
      'subdivision of a country without any',
      (body) => Object.assign(body.customer, { country: 'JP', subdivision: '13' }),
      'customer.subdivision',
    ],
    ['line unit price with wrong precision', (body) => ((body.lines[0] as Body).unitPrice = '125.0'), 'lines.0.unitPrice'],
    ['line quantity not a decimal', (body) => ((body.lines[0] as Body).quantity = 'ten'), 'lines.0.quantity'],
    ['missing amount', (body) => delete body.amount, 'amount'],
    ['missing customer', (body) => delete (body as Body).customer, 'customer'],
  ];

  for (const [name, change, path] of badFields) {
    test(`rejects ${name}, naming "${path}"`, () => {
      const errors = errorsOf(withChanges(change));
      assert.deepEqual(
        errors.map((error) => error.path),
        [path],
      );
      assert.ok(errors[0]?.message, 'every error has a message');
    });
  }

  test('explains what an amount must look like in the invoice currency', () => {
    const [error] = errorsOf(
      withChanges((body) => {
        body.currency = 'BHD';
        body.amount = '12.50';
        body.lines = [];
      }),
    );
    assert.deepEqual(error, { path: 'amount', message: 'must be a decimal string with 3 decimal places for BHD, like "1250.000"' });
  });

  test('reads the amount in the currency of the invoice (JPY has no decimals)', () => {
    assert.ok(
      invoiceRequestSchema.safeParse(
        withChanges((body) => {
          body.currency = 'JPY';
          body.amount = '1250';
          body.lines = [];
        }),
      ).success,
    );
    assert.deepEqual(
      pathsOf(
        withChanges((body) => {
          body.currency = 'JPY';
          body.lines = [];
        }),
      ),
      ['amount'],
    );
  });

  test('reports every bad field at once', () => {
    const paths = pathsOf(
      withChanges((body) => {
        body.invoiceId = 'INV 1';
        body.amount = '1250.0';
        body.dueDate = '2026-10-01';
        body.customer.email = 'nope';
        body.customer.timeZone = 'Nowhere/Special';
        body.customer.phone = '12345';
        body.customer.foo = true;
        (body.lines[0] as Body).unitPrice = '1';
        body.extra = 'x';
      }),
    );
    assert.deepEqual(
      paths,
      [
        'amount',
        'customer.email',
        'customer.foo',
        'customer.phone',
        'customer.timeZone',
        'dueDate',
        'extra',
        'invoiceId',
        'lines.0.unitPrice',
      ].sort(),
    );
  });

  // A month or day out of range is the client's mistake: a field error, not an exception (which
  // the HTTP adapter would answer with a retryable 500).
  test('rejects an out-of-range month as a field error', () => {
    const result = invoiceRequestSchema.safeParse(withChanges((body) => (body.issueDate = '2026-13-01')));
    assert.equal(result.success, false);
    assert.ok(!result.success);
    assert.deepEqual(
      fieldErrors(result.error).map((error) => error.path),
      ['issueDate'],
    );
  });
});

describe('invoice batch schemas', () => {
  const items = (count: number) => Array.from({ length: count }, (_, n) => ({ ...apiExample, invoiceId: `INV-${n}` }));
  const envelopeErrors = (body: unknown) => {
    const result = invoiceBatchEnvelopeSchema.safeParse(body);
    assert.ok(!result.success, 'expected the envelope to be rejected');
    return fieldErrors(result.error);
  };

  test('takes 1 to 500 items, and leaves each item to be validated on its own', () => {
    assert.equal(MAX_BATCH_INVOICES, 500);
    assert.ok(invoiceBatchEnvelopeSchema.safeParse({ invoices: items(500) }).success);
    assert.ok(invoiceBatchEnvelopeSchema.safeParse({ invoices: [apiExample] }).success);
    const mixed = invoiceBatchEnvelopeSchema.parse({ invoices: [apiExample, 'junk', { invoiceId: 'x' }] });
    assert.deepEqual(mixed.invoices, [apiExample, 'junk', { invoiceId: 'x' }], 'items pass through untouched');
  });

  test('rejects 501 items, none, a missing list, unknown fields and a body that is not an object, by name', () => {
    const [tooMany] = envelopeErrors({ invoices: items(501) });
    assert.deepEqual(tooMany, { path: 'invoices', message: 'must hold at most 500 invoices; split the batch' });
    assert.deepEqual(envelopeErrors({ invoices: [] }), [{ path: 'invoices', message: 'must hold at least one invoice' }]);
    assert.deepEqual(
      envelopeErrors({ invoice: [apiExample] })
        .map((error) => error.path)
        .sort(),
      ['invoice', 'invoices'],
    );
    assert.deepEqual(
      envelopeErrors({ invoices: [apiExample], source: 'sap' }).map((error) => error.path),
      ['source'],
    );
    assert.deepEqual(
      envelopeErrors([apiExample]).map((error) => error.path),
      ['(body)'],
    );
    assert.deepEqual(
      envelopeErrors({ invoices: { 0: apiExample } }).map((error) => error.path),
      ['invoices'],
    );
  });

  test('the published request schema describes every item as a POST /v1/invoices body', () => {
    assert.ok(invoiceBatchRequestSchema.safeParse({ invoices: [apiExample] }).success);
    const result = invoiceBatchRequestSchema.safeParse({ invoices: [apiExample, { ...apiExample, amount: '1.5' }] });
    assert.ok(!result.success);
    assert.deepEqual(
      fieldErrors(result.error).map((error) => error.path),
      ['invoices.1.amount'],
    );
  });
});

describe('toInvoiceInput', () => {
  test('converts amounts to integer minor units of the invoice currency', () => {
    const input = toInvoiceInput(invoiceRequestSchema.parse(apiExample));
    assert.equal(input.amountMinor, 125_000);
    assert.deepEqual(input.lines, [{ description: 'Consulting, November', quantity: '10', unitPriceMinor: 12_500 }]);
    assert.equal(input.currency, 'EUR');
    assert.equal(input.dueDate, '2026-12-01');
    assert.equal(input.customer.timeZone, 'Europe/Berlin');
    assert.equal(input.poNumber, 'PO-778');
  });

  test('uses the precision of each currency', () => {
    const bhd = toInvoiceInput(
      invoiceRequestSchema.parse(
        withChanges((body) => {
          body.currency = 'BHD';
          body.amount = '12.500';
          (body.lines[0] as Body).unitPrice = '1.250';
        }),
      ),
    );
    assert.equal(bhd.amountMinor, 12_500);
    assert.equal(bhd.lines[0]?.unitPriceMinor, 1250);
    const jpy = toInvoiceInput(
      invoiceRequestSchema.parse(
        withChanges((body) => {
          body.currency = 'JPY';
          body.amount = '1250';
          body.lines = [];
        }),
      ),
    );
    assert.equal(jpy.amountMinor, 1250);
  });
});

describe('paymentRequestSchema and toPaymentInput', () => {
  const NOW = new Date('2026-12-02T12:00:00Z');

  const payment: PaymentRequest = { paymentId: 'PAY-1', amount: '500.00', paidAt: '2026-12-02T10:00:00Z' };

  function paymentPaths(body: unknown): string[] {
    const result = paymentRequestSchema.safeParse(body);
    assert.equal(result.success, false);
    assert.ok(!result.success);
    return fieldErrors(result.error).map((error) => error.path);
  }

  test('converts a valid payment to minor units of the invoice currency', () => {
    const request = paymentRequestSchema.parse({ ...payment, method: 'bank_transfer' });
    assert.deepEqual(toPaymentInput(request, 'EUR', NOW), {
      paymentId: 'PAY-1',
      amountMinor: 50_000,
      paidAt: '2026-12-02T10:00:00.000Z',
      method: 'bank_transfer',
    });
  });

  test('normalises an instant with an offset to UTC', () => {
    const input = toPaymentInput(paymentRequestSchema.parse({ ...payment, paidAt: '2026-12-02T10:00:00+02:00' }), 'EUR', NOW);
    assert.ok(!('path' in input));
    assert.equal(input.paidAt, '2026-12-02T08:00:00.000Z');
  });

  test('rejects a zero amount', () => {
    assert.deepEqual(toPaymentInput(paymentRequestSchema.parse({ ...payment, amount: '0.00' }), 'EUR', NOW), {
      path: 'amount',
      message: 'must be greater than zero',
    });
  });

  test('reads the precision from the invoice currency', () => {
    const request = paymentRequestSchema.parse({ ...payment, amount: '500.00' });
    const jpy = toPaymentInput(request, 'JPY', NOW);
    assert.ok('path' in jpy);
    assert.equal(jpy.path, 'amount');
    assert.match(jpy.message, /0 decimal places for JPY/);
    const bhd = toPaymentInput(request, 'BHD', NOW);
    assert.ok('path' in bhd);
    assert.match(bhd.message, /3 decimal places for BHD/);
    const ok = toPaymentInput(paymentRequestSchema.parse({ ...payment, amount: '500' }), 'JPY', NOW);
    assert.ok(!('path' in ok));
    assert.equal(ok.amountMinor, 500);
  });

  test('rejects a payment dated more than a day ahead of the clock, tolerating skew', () => {
    const ahead = toPaymentInput(paymentRequestSchema.parse({ ...payment, paidAt: '2026-12-04T12:00:00Z' }), 'EUR', NOW);
    assert.deepEqual(ahead, { path: 'paidAt', message: 'must not be in the future' });
    const skewed = toPaymentInput(paymentRequestSchema.parse({ ...payment, paidAt: '2026-12-02T18:00:00Z' }), 'EUR', NOW);
    assert.ok(!('path' in skewed));
  });

  test('rejects a negative amount', () => {
    const input = toPaymentInput(paymentRequestSchema.parse({ ...payment, amount: '-5.00' }), 'EUR', NOW);
    assert.ok('path' in input);
    assert.equal(input.path, 'amount');
  });

  test('rejects a paidAt that is not an ISO instant', () => {
    for (const paidAt of ['2026-12-02', '2026-12-02 10:00:00', '2026-12-02T10:00:00', 'yesterday', '2026-13-02T10:00:00Z']) {
      assert.deepEqual(paymentPaths({ ...payment, paidAt }), ['paidAt'], paidAt);
    }
  });

  test('rejects unknown fields and a bad payment id', () => {
    assert.deepEqual(paymentPaths({ ...payment, currency: 'EUR' }), ['currency']);
    assert.deepEqual(paymentPaths({ ...payment, paymentId: 'PAY 1' }), ['paymentId']);
  });
});
