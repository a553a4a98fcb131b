import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { z } from 'zod';
import { fieldErrors, invoiceDateErrors, invoiceRequestSchema, lineSumIssues } from '#contracts/api.ts';
import { customerRequestSchema } from '#contracts/customer-api.ts';
import { addYears, isoDate, isoInstant, MAX_AMOUNT_MINOR, multiLineText, quantitySchema, singleLineText } from '#contracts/input-rules.ts';
import { policyRequestSchema } from '#contracts/policy-api.ts';
import { lineTotalMinor } from '#domain/money.ts';
import { lineAmountMinor, printableInvoice } from '#presentation/pay-page.ts';
import { apiInvoiceExample, newInvoice } from '../support/invoices.ts';

const messagesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('singleLineText', () => {
  const name = singleLineText(20);

  test('takes one line of text and drops surrounding spaces', () => {
    assert.equal(name.parse('  Acme GmbH '), 'Acme GmbH');
    assert.equal(name.parse('Müller & Söhne — 東京'), 'Müller & Söhne — 東京');
  });

  for (const [label, value] of [
    ['CR/LF', 'Acme\r\nBcc: x@evil'],
    ['a lone LF', 'Acme\nGmbH'],
    ['a tab', 'Acme\tGmbH'],
    ['NUL', 'Acme\u0000'],
    ['ESC', '\u001b[31mAcme'],
    ['DEL', 'Acme\u007f'],
    ['a C1 control', 'Acme\u0085GmbH'],
    ['a line separator', 'Acme\u2028GmbH'],
  ] as const) {
    test(`rejects ${label}, with one message naming the rule`, () => {
      assert.deepEqual(messagesOf(name, value), ['must be one line without control characters (CR, LF, TAB…)']);
    });
  }

  test('rejects empty and whitespace-only text as blank', () => {
    for (const value of ['', ' ', '   ', '\u00a0\u3000'])
      assert.deepEqual(messagesOf(name, value), ['must not be blank'], JSON.stringify(value));
  });

  test('names its length bound', () => {
    assert.deepEqual(messagesOf(name, 'x'.repeat(21)), ['must be at most 20 characters']);
  });
});

describe('multiLineText', () => {
  const note = multiLineText(100);

  test('keeps line breaks and tabs of a note', () => {
    assert.equal(note.parse('Called AP.\r\nThey pay\tFriday.'), 'Called AP.\r\nThey pay\tFriday.');
  });

  test('rejects other control characters and blank notes', () => {
    assert.deepEqual(messagesOf(note, 'ok\u0000'), ['must not contain control characters other than line breaks and tabs']);
    assert.deepEqual(messagesOf(note, '\u001b]8;;x\u0007'), ['must not contain control characters other than line breaks and tabs']);
    assert.deepEqual(messagesOf(note, ' \r\n\t '), ['must not be blank']);
  });
});

describe('isoDate', () => {
  test('takes calendar dates from 2000-01-01 to 2099-12-31', () => {
    for (const date of ['2000-01-01', '2026-11-01', '2028-02-29', '2099-12-31']) assert.ok(isoDate.safeParse(date).success, date);
  });

  test('rejects dates before 2000 or after 2099 with one message naming the bounds', () => {
    for (const date of ['1999-12-31', '0001-01-01', '2100-01-01', '9999-01-01']) {
      assert.deepEqual(messagesOf(isoDate, date), ['must be in the years 2000 to 2099 (from 2000-01-01 to 2099-12-31)'], date);
    }
  });

  test('rejects impossible days and other forms with one message', () => {
    for (const date of ['2026-02-30', '2027-02-29', '01.12.2026', '2026-11-01T00:00:00Z', '+2026-11-01']) {
      assert.deepEqual(messagesOf(isoDate, date), ['must be a calendar date in YYYY-MM-DD form'], date);
    }
  });

  test('publishes its bounds in JSON Schema', () => {
    const schema = z.toJSONSchema(isoDate, { io: 'input' }) as { description?: string };
    assert.match(schema.description ?? '', /2000-01-01 to 2099-12-31/);
  });

  test('addYears keeps the day, and 29 February lands on 28 February', () => {
    assert.equal(addYears('2026-11-01', 10), '2036-11-01');
    assert.equal(addYears('2028-02-29', 10), '2038-02-28');
  });
});

describe('isoInstant', () => {
  const instant = isoInstant();

  test('takes instants with an offset in the years 2000 to 2099', () => {
    assert.ok(instant.safeParse('2026-12-01T10:00:00Z').success);
    assert.ok(instant.safeParse('2026-12-01T10:00:00.123+01:00').success);
  });

  test('rejects other years, and malformed instants, with one message', () => {
    assert.deepEqual(messagesOf(instant, '1999-12-31T23:59:59Z'), ['must be in the years 2000 to 2099']);
    assert.deepEqual(messagesOf(instant, '9999-01-01T00:00:00Z'), ['must be in the years 2000 to 2099']);
    assert.deepEqual(messagesOf(instant, '2026-12-01'), ['must be an ISO 8601 instant like "2026-12-01T10:00:00Z"']);
  });
});

describe('quantitySchema', () => {
  test('takes up to 9 digits and 4 decimals', () => {
    for (const quantity of ['0', '1', '2.5', '999999999.9999']) assert.ok(quantitySchema.safeParse(quantity).success, quantity);
    for (const quantity of ['1000000000', '1.23456', '-1', '1e3', '1,5', ' 1'])
      assert.ok(!quantitySchema.safeParse(quantity).success, quantity);
  });
});

describe('lineTotalMinor (BigInt)', () => {
  test('multiplies exactly, decimal quantities included', () => {
    assert.equal(lineTotalMinor('10', 12_500), 125_000n);
    assert.equal(lineTotalMinor('2.5', 10_000), 25_000n);
    assert.equal(lineTotalMinor('0.5', 25_002), 12_501n);
    assert.equal(lineTotalMinor('0.0001', 10_000), 1n);
  });

  test('is undefined when the product is not a whole number of minor units', () => {
    assert.equal(lineTotalMinor('0.333', 300), undefined);
    assert.equal(lineTotalMinor('1.5', 1), undefined);
    assert.equal(lineTotalMinor('ten', 1), undefined);
  });

  test('does not overflow: the largest quantity times the largest price is exact', () => {
    const product = lineTotalMinor('999999999', MAX_AMOUNT_MINOR);
    assert.equal(product, 999_999_999n * 9_007_199_254_740_991n);
    assert.equal(product, 9_007_199_245_733_791_745_259_009n);
    assert.equal(lineTotalMinor('999999999.9999', MAX_AMOUNT_MINOR), undefined, '…9999 × an odd price is not whole');
  });
});

describe('the line-sum rule', () => {
  type Body = typeof apiInvoiceExample & Record<string, unknown>;
  const invoice = (change: Partial<Body>) => ({ ...structuredClone(apiInvoiceExample), ...change });
  const errorsOf = (body: unknown) => {
    const result = invoiceRequestSchema.safeParse(body);
    return result.success ? [] : fieldErrors(result.error);
  };

  test('lines adding up to the amount exactly, tax as a line, are accepted', () => {
    const body = invoice({
      amount: '1487.50',
      lines: [
        { description: 'Consulting, November', quantity: '10', unitPrice: '125.00' },
        { description: 'VAT 19%', quantity: '1', unitPrice: '237.50' },
      ],
    });
    assert.deepEqual(errorsOf(body), []);
  });

  test('lines adding up to less (tax left out) or more than the amount → 400 on lines, with both sums', () => {
    assert.deepEqual(errorsOf(invoice({ amount: '1487.50' })), [
      {
        path: 'lines',
        message: 'must add up to amount (1487.50): Σ quantity × unitPrice is 1250.00; put tax and fees in lines of their own',
      },
    ]);
    assert.deepEqual(
      errorsOf(invoice({ amount: '1000.00' })).map((error) => error.path),
      ['lines'],
    );
  });

  test('no lines: the amount stands alone', () => {
    assert.deepEqual(errorsOf(invoice({ lines: [] })), []);
  });

  test('a product that is not a whole number of cents is named at its line', () => {
    const body = invoice({ amount: '1.00', lines: [{ description: 'Third', quantity: '0.333', unitPrice: '3.00' }] });
    assert.deepEqual(errorsOf(body), [{ path: 'lines.0.quantity', message: 'quantity × unitPrice must be a whole number of minor units' }]);
  });

  test('a product beyond the largest amount is named at its line, not wrapped or rounded', () => {
    const body = invoice({
      amount: '90071992547409.91',
      lines: [{ description: 'Overflow', quantity: '999999999', unitPrice: '90071992547409.91' }],
    });
    assert.deepEqual(errorsOf(body), [{ path: 'lines.0.quantity', message: 'quantity × unitPrice must be at most 90071992547409.91' }]);
  });

  test('large exact sums stay exact (beyond a double, in BigInt)', () => {
    // 3 × 30024064251136.97 = 90072192753410.91 > 2^53 minor units: never accepted as an amount.
    const issues = lineSumIssues([{ quantity: '3' }], [3_002_406_425_113_697], 9_007_199_254_740_991n, 'EUR');
    assert.deepEqual(issues, [{ path: ['lines', 0, 'quantity'], message: 'quantity × unitPrice must be at most 90071992547409.91' }]);
    // Many lines near the bound: 1 + (2^53 - 2) = 2^53 - 1 exactly, where doubles would round.
    assert.deepEqual(lineSumIssues([{ quantity: '1' }, { quantity: '1' }], [1, 9_007_199_254_740_990], 9_007_199_254_740_991n, 'EUR'), []);
    const off = lineSumIssues([{ quantity: '1' }, { quantity: '1' }], [2, 9_007_199_254_740_990], 9_007_199_254_740_991n, 'EUR');
    assert.deepEqual(
      off.map((issue) => issue.path),
      [['lines']],
    );
  });

  test('a zero amount is rejected: nothing to collect', () => {
    assert.deepEqual(errorsOf(invoice({ amount: '0.00', lines: [] })), [{ path: 'amount', message: 'must be greater than zero' }]);
  });

  test('a due date more than 10 years after the issue date is a typo', () => {
    assert.deepEqual(errorsOf(invoice({ dueDate: '2036-11-01' })), []);
    assert.deepEqual(errorsOf(invoice({ dueDate: '2036-11-02' })), [
      { path: 'dueDate', message: 'must be at most 10 years after issueDate' },
    ]);
  });
});

describe('every write schema uses the building blocks', () => {
  const pathsOf = (schema: z.ZodType, body: unknown) => {
    const result = schema.safeParse(body);
    return result.success ? [] : fieldErrors(result.error).map((error) => error.path);
  };

  test('invoice: names, addresses, PO number and line descriptions', () => {
    const body = structuredClone(apiInvoiceExample) as Record<string, unknown> & {
      customer: Record<string, unknown>;
      lines: Record<string, unknown>[];
    };
    body.customer.name = 'Acme\r\nGmbH';
    body.customer.email = 'ap@acme.example\r\nBcc: x@evil.example';
    body.customer.segment = '   ';
    body.poNumber = 'PO\u0000778';
    (body.lines[0] as Record<string, unknown>).description = 'Consulting\u001b[2J';
    assert.deepEqual(pathsOf(invoiceRequestSchema, body).sort(), [
      'customer.email',
      'customer.name',
      'customer.segment',
      'lines.0.description',
      'poNumber',
    ]);
    // A description may run over lines (a service period under the item), as ERPs send it.
    const multiLine = structuredClone(apiInvoiceExample) as Record<string, unknown> & { lines: Record<string, unknown>[] };
    (multiLine.lines[0] as Record<string, unknown>).description = 'Consulting\nNovember 2026';
    assert.deepEqual(pathsOf(invoiceRequestSchema, multiLine), []);
  });

  test('customer and policy bodies', () => {
    assert.deepEqual(pathsOf(customerRequestSchema, { name: '\t' }), ['name']);
    const policy = {
      name: 'Gentle\r\nPolicy',
      tiers: [{ tier: 1, steps: [{ stepId: 's1', offsetDays: 0, channel: 'email', tone: 'friendly', template: 'x\ny' }] }],
    };
    assert.deepEqual(pathsOf(policyRequestSchema, policy).sort(), ['name', 'tiers.0.steps.0.template']);
  });
});

describe('the printable invoice never shows NaN', () => {
  test('a line stored before the line rules whose product overflows gets an empty amount cell', () => {
    assert.equal(lineAmountMinor('999999999', MAX_AMOUNT_MINOR), undefined);
    assert.equal(lineAmountMinor('1', MAX_AMOUNT_MINOR), MAX_AMOUNT_MINOR);
    const invoice = {
      ...newInvoice(),
      lines: [{ description: 'Legacy', quantity: '999999999', unitPriceMinor: 9_007_199_254_740_991 }],
    };
    const html = printableInvoice(invoice, '/pay/t', { name: 'Dunwell Demo Ltd' });
    assert.doesNotMatch(html, /NaN|Infinity|e\+/);
    assert.match(
      html,
      /<td>Legacy<\/td><td class="num">999,999,999<\/td><td class="num">€90,071,992,547,409\.91<\/td><td class="num"><\/td>/,
    );
  });
});

describe('invoiceDateErrors (against the clock)', () => {
  const now = new Date('2026-11-01T12:00:00Z');
  test('an issue date up to 366 days ahead is pre-billing; later is a typo', () => {
    assert.deepEqual(invoiceDateErrors({ issueDate: '2020-01-01' }, now), []);
    assert.deepEqual(invoiceDateErrors({ issueDate: '2027-11-02' }, now), []);
    assert.deepEqual(invoiceDateErrors({ issueDate: '2027-11-03' }, now), [
      { path: 'issueDate', message: 'must be at most 366 days after today (2027-11-02)' },
    ]);
  });
});
