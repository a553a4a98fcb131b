import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DynamoCustomerStore } from '#adapters/dynamo-customer-store.ts';
import { DynamoInvoiceStore } from '#adapters/dynamo-invoice-store.ts';
import { fieldErrors } from '#contracts/api.ts';
import { invoiceView } from '#contracts/invoice-view.ts';
import {
  customerListItem,
  customerListQuerySchema,
  decodeCustomerCursor,
  decodeInvoiceCursor,
  dueRange,
  encodeCustomerCursor,
  encodeInvoiceCursor,
  type InvoiceListQueryString,
  invoiceListItem,
  invoiceListQuerySchema,
} from '#contracts/list-api.ts';
import { customerListing, invoiceListing } from '#contracts/listing.ts';
import { listIndexAttributes } from '#contracts/table-indexes.ts';
import { applyCustomerUpdate, type CustomerProfile } from '#domain/customers.ts';
import { recordPayment } from '#domain/invoice.ts';
import { testTable } from '../support/dynalite.ts';
import { SettableClock } from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

const errorsOf = (query: Record<string, string>) => {
  const result = invoiceListQuerySchema.safeParse(query);
  return result.success ? [] : fieldErrors(result.error).map((error) => error.path);
};

describe('list query strings', () => {
  test('defaults and accepted filters', () => {
    assert.deepEqual(invoiceListQuerySchema.parse({}), { limit: 50 });
    assert.deepEqual(
      invoiceListQuerySchema.parse({ status: 'on_hold', customerId: 'C-1', overdue: 'true', dueBefore: '2026-12-01', limit: '500' }),
      { status: 'on_hold', customerId: 'C-1', overdue: 'true', dueBefore: '2026-12-01', limit: 500 },
    );
    for (const status of ['open', 'on_hold', 'paid', 'void', 'written_off', 'escalated']) assert.deepEqual(errorsOf({ status }), []);
    assert.deepEqual(customerListQuerySchema.parse({ segment: 'enterprise', limit: '1' }), { segment: 'enterprise', limit: 1 });
  });

  test('every bad or unknown parameter is named', () => {
    assert.deepEqual(errorsOf({ status: 'OPEN' }), ['status']);
    assert.deepEqual(errorsOf({ status: 'open,paid' }), ['status'], 'one status at a time');
    for (const limit of ['0', '501', '-1', '1.5', 'ten', '']) assert.deepEqual(errorsOf({ limit }), ['limit'], `limit=${limit}`);
    assert.deepEqual(errorsOf({ overdue: '1' }), ['overdue']);
    assert.deepEqual(errorsOf({ dueBefore: '01.12.2026' }), ['dueBefore']);
    assert.deepEqual(errorsOf({ customerId: '' }), ['customerId']);
    assert.deepEqual(errorsOf({ cursor: 'a+b/c=' }), ['cursor']);
    assert.deepEqual(errorsOf({ status: 'x', sort: 'dueDate', limit: '0' }), ['status', 'limit', 'sort']);
    const message = invoiceListQuerySchema.safeParse({ status: 'lost' });
    assert.match(message.error?.issues[0]?.message ?? '', /must be one of open, on_hold, escalated, paid, written_off, void/);
    const customers = customerListQuerySchema.safeParse({ segment: '', status: 'open' });
    assert.deepEqual(customers.success ? [] : fieldErrors(customers.error).map((error) => error.path), ['segment', 'status']);
  });

  test('due ranges: overdue is before today, not overdue from today on, and the stricter upper bound wins', () => {
    const today = '2026-11-15';
    assert.deepEqual(dueRange({}, today), {});
    assert.deepEqual(dueRange({ overdue: 'true' }, today), { before: today });
    assert.deepEqual(dueRange({ overdue: 'false' }, today), { from: today });
    assert.deepEqual(dueRange({ dueBefore: '2026-12-01' }, today), { before: '2026-12-01' });
    assert.deepEqual(dueRange({ overdue: 'true', dueBefore: '2026-12-01' }, today), { before: today });
    assert.deepEqual(dueRange({ overdue: 'true', dueBefore: '2026-11-01' }, today), { before: '2026-11-01' });
    assert.deepEqual(dueRange({ overdue: 'false', dueBefore: '2026-12-01' }, today), { from: today, before: '2026-12-01' });
  });
});

describe('list cursors', () => {
  const query = (fields: Partial<InvoiceListQueryString> = {}): InvoiceListQueryString => ({ limit: 50, ...fields });
  const decode = (fields: Partial<InvoiceListQueryString>, cursor: string) => decodeInvoiceCursor({ ...query(fields), cursor });
  const rewrite = (cursor: string, change: (envelope: Record<string, any>) => unknown) =>
    Buffer.from(JSON.stringify(change(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))))).toString('base64url');

  test('round trip: the position comes back for the same filters, whatever the limit', () => {
    const position = { status: 'on_hold' as const, dueDate: '2026-12-01', invoiceId: 'INV-2026-0001' };
    const cursor = encodeInvoiceCursor(query(), position);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(invoiceListQuerySchema.parse({ cursor }).cursor, cursor, 'the query schema takes it');
    assert.deepEqual(decode({ limit: 7 }, cursor), { position });

    const filtered = { status: 'open' as const, customerId: 'C-1', overdue: 'true' as const, dueBefore: '2027-01-01' };
    const within = { dueDate: '2026-11-30', invoiceId: 'A.1_b-2' };
    assert.deepEqual(decode(filtered, encodeInvoiceCursor(query(filtered), within)), { position: within });

    const customers = encodeCustomerCursor({ limit: 5, segment: 'smb' }, { customerId: 'C-9' });
    assert.deepEqual(decodeCustomerCursor({ limit: 1, segment: 'smb', cursor: customers }), { position: { customerId: 'C-9' } });
  });

  test('a cursor for other filters, changed, malformed or from the other list is refused, naming cursor', () => {
    const cursor = encodeInvoiceCursor(query({ status: 'open' }), { dueDate: '2026-12-01', invoiceId: 'A' });
    const refused = (result: ReturnType<typeof decodeInvoiceCursor>) => {
      assert.ok('error' in result, JSON.stringify(result));
      assert.equal(result.error.path, 'cursor');
      return result.error.message;
    };
    assert.match(refused(decode({ status: 'paid' }, cursor)), /other filters/);
    assert.match(refused(decode({}, cursor)), /other filters/);
    assert.match(refused(decode({ status: 'open', customerId: 'C-1' }, cursor)), /other filters/);
    assert.match(refused(decode({ status: 'open', overdue: 'true' }, cursor)), /other filters/);
    // Changed in place: another position, another check, another version.
    assert.match(
      refused(
        decode(
          { status: 'open' },
          rewrite(cursor, (e) => ({ ...e, p: { ...e.p, i: 'B' } })),
        ),
      ),
      /changed/,
    );
    assert.match(
      refused(
        decode(
          { status: 'open' },
          rewrite(cursor, (e) => ({ ...e, h: 'x'.repeat(22) })),
        ),
      ),
      /changed/,
    );
    assert.match(
      refused(
        decode(
          { status: 'open' },
          rewrite(cursor, (e) => ({ ...e, v: 2 })),
        ),
      ),
      /not a cursor/,
    );
    assert.match(
      refused(
        decode(
          { status: 'open' },
          rewrite(cursor, (e) => ({ ...e, p: { ...e.p, d: '2026-13-01' } })),
        ),
      ),
      /not a cursor/,
    );
    assert.match(
      refused(
        decode(
          { status: 'open' },
          rewrite(cursor, (e) => ({ ...e, extra: true })),
        ),
      ),
      /not a cursor/,
    );
    assert.match(refused(decode({ status: 'open' }, Buffer.from('[1,2]').toString('base64url'))), /not a cursor/);
    assert.match(refused(decode({ status: 'open' }, 'bm90IGpzb24')), /not a cursor/);
    assert.match(refused(decode({ status: 'open' }, cursor.slice(0, -4))), /not a cursor/);
    const fromCustomers = encodeCustomerCursor({ limit: 5 }, { customerId: 'C-9' });
    assert.ok('error' in decode({}, fromCustomers));
    assert.ok('error' in decodeCustomerCursor({ limit: 5, cursor }));
    assert.ok('error' in decodeCustomerCursor({ limit: 5, segment: 'smb', cursor: fromCustomers }), 'customers of a segment');
  });
});

describe('list items', () => {
  test('an invoice item agrees with the invoice view on any day: days past due, tier, balance, next action', () => {
    const written = new Date('2026-11-01T10:00:00Z');
    const base = { ...newInvoice({ invoiceId: 'L-1', dueDate: '2026-12-01' }), startingTier: 2 as const };
    const paid = recordPayment(base, { paymentId: 'P1', amountMinor: 130_000, paidAt: '2026-11-01T10:00:00Z' }, written);
    assert.equal(paid.kind, 'recorded');
    for (const invoice of [base, { ...base, escalation: 1 }, paid.invoice]) {
      const listing = invoiceListing(invoice, written);
      for (const day of ['2026-11-01T10:00:00Z', '2026-12-01T23:59:59Z', '2027-01-20T00:00:00Z', '2027-05-01T12:00:00Z']) {
        const now = new Date(day);
        const item = invoiceListItem(listing, now);
        const view = invoiceView(invoice, now);
        assert.deepEqual(
          [item.status, item.amount, item.balance, item.tier],
          [view.status, view.amount, view.balance, view.policy.tier],
          `${invoice.invoiceId} on ${day}`,
        );
      }
      assert.deepEqual(invoiceListItem(listing, written).nextAction, invoiceView(invoice, written).nextAction);
    }
    assert.equal(invoiceListItem(invoiceListing(paid.invoice, written), written).balance, '0.00', 'overpaid shows 0');
    assert.deepEqual(
      [-30, 0, 50].map(
        (days) => invoiceListItem(invoiceListing(base, written), new Date(Date.parse('2026-12-01T12:00:00Z') + days * 864e5)).daysPastDue,
      ),
      [-30, 0, 50],
    );
    const closed = invoiceListing({ ...base, status: 'void', closedAt: '2026-11-02T00:00:00Z' }, written);
    assert.equal(closed.nextAction, null);
    const { nextAction: _unplanned, ...withoutNextAction } = closed;
    assert.equal(invoiceListItem(withoutNextAction, written).nextAction, null, 'a listing whose next action could not be planned');
  });

  test('a customer listing says which channels reach them: consent, an address, not suppressed', () => {
    const change = applyCustomerUpdate(
      undefined,
      'C-1',
      { contacts: { name: 'Acme', email: 'ap@acme.example', phone: '+4915123456789', timeZone: 'UTC', locale: 'en-US', segment: 'smb' } },
      new Date('2026-11-01T00:00:00Z'),
    );
    assert.ok(change.kind === 'created');
    const profile: CustomerProfile = change.profile;
    assert.deepEqual(customerListing(profile).reachable, { email: true, sms: true });
    assert.deepEqual(customerListing({ ...profile, consent: { email: true, sms: false } }).reachable, { email: true, sms: false });
    const bounced = { channel: 'email' as const, address: 'AP@acme.example', reason: 'bounce' as const, at: '2026-11-02T00:00:00Z' };
    assert.deepEqual(customerListing({ ...profile, suppressions: [bounced] }).reachable, { email: false, sms: true });
    assert.deepEqual(customerListing({ ...profile, email: undefined }).reachable, { email: false, sms: true });
    assert.equal(customerListing(profile).segment, 'smb');
    assert.equal('country' in customerListing(profile), false, 'no country sent: none listed (the time zone stands for it)');
    const placed = customerListing({ ...profile, country: 'DE', subdivision: 'BY' });
    assert.deepEqual([placed.country, placed.subdivision], ['DE', 'BY']);
    const item = customerListItem(placed);
    assert.deepEqual([item.country, item.subdivision, item.timeZone], ['DE', 'BY', 'UTC']);
  });
});

/** The list queries of the stores against dynalite, the local runtime's DynamoDB. */
describe('list indexes on dynalite', () => {
  const table = testTable('dunwell-lists');
  const clock = new SettableClock('2026-11-01T10:00:00Z');
  let documents: DynamoDBDocumentClient;
  let invoices: DynamoInvoiceStore;
  let customers: DynamoCustomerStore;

  beforeAll(async () => {
    documents = DynamoDBDocumentClient.from(await table.start(), { marshallOptions: { removeUndefinedValues: true } });
    invoices = new DynamoInvoiceStore(documents, table.tableName, clock);
    customers = new DynamoCustomerStore(documents, table.tableName, clock);
  });
  afterAll(() => table.stop());

  const listIds = async (query: Parameters<DynamoInvoiceStore['list']>[0]) => {
    const page = await invoices.list(query);
    return { ids: page.items.map((item) => item.invoiceId), next: page.next };
  };

  test('the store reads back the domain invoice, without its index entries and listing', async () => {
    const stored = await invoices.create(newInvoice({ invoiceId: 'RAW-1', customer: { customerId: 'C-RAW' } }));
    const { Item } = await documents.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'INVOICE#RAW-1', sk: 'INVOICE' } }));
    for (const attribute of listIndexAttributes) assert.ok(Item?.[attribute] !== undefined, `${attribute} is written`);
    assert.deepEqual(await invoices.get('RAW-1'), stored);
  });

  test('a customer and status: the filter reads on past many other invoices; positions before or past a due range', async () => {
    for (let index = 0; index < 130; index++) {
      const invoice = newInvoice({
        invoiceId: `F-${String(index).padStart(3, '0')}`,
        customer: { customerId: 'C-FILTER' },
        dueDate: '2026-11-20',
      });
      await invoices.create(index % 60 === 59 ? invoice : { ...invoice, status: 'paid' });
    }
    const first = await listIds({ customerId: 'C-FILTER', status: 'open', due: {}, limit: 1 });
    assert.deepEqual(first.ids, ['F-059']);
    assert.ok(first.next);
    assert.deepEqual(await listIds({ customerId: 'C-FILTER', status: 'open', due: {}, limit: 1, after: first.next }), {
      ids: ['F-119'],
      next: undefined,
    });

    // Due dates: F-* are due 2026-11-20. A position before `from` (the clock moved on since the
    // cursor was handed out) starts at `from`; one at or past `before` has nothing left.
    const early = { dueDate: '2026-11-01', invoiceId: 'F-000' };
    assert.deepEqual((await listIds({ customerId: 'C-FILTER', due: { from: '2026-11-20' }, limit: 200, after: early })).ids.length, 130);
    assert.deepEqual(await listIds({ customerId: 'C-FILTER', due: { before: '2026-11-20' }, limit: 5, after: early }), {
      ids: [],
      next: undefined,
    });
    const late = { dueDate: '2026-11-25', invoiceId: 'F-000' };
    assert.deepEqual(await listIds({ customerId: 'C-FILTER', due: { before: '2026-11-21' }, limit: 5, after: late }), {
      ids: [],
      next: undefined,
    });
    assert.deepEqual(await listIds({ customerId: 'C-FILTER', due: { from: '2026-11-21', before: '2026-11-21' }, limit: 5 }), {
      ids: [],
      next: undefined,
    });
  });

  test('an invoice or profile stored before the indexes is listed once re-indexed, at the same version', async () => {
    const legacy = { ...newInvoice({ invoiceId: 'OLD-1', customer: { customerId: 'C-OLD' } }), version: 4 };
    await documents.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'INVOICE#OLD-1', sk: 'INVOICE', ...legacy } }));
    assert.deepEqual((await listIds({ customerId: 'C-OLD', due: {}, limit: 5 })).ids, []);
    assert.equal(await invoices.reindex('OLD-1'), true);
    assert.equal(await invoices.reindex('OLD-1'), true, 'idempotent');
    assert.equal(await invoices.reindex('NOPE'), false);
    assert.deepEqual((await listIds({ customerId: 'C-OLD', due: {}, limit: 5 })).ids, ['OLD-1']);
    assert.deepEqual(await invoices.get('OLD-1'), legacy);

    const created = applyCustomerUpdate(
      undefined,
      'C-OLD',
      { contacts: { name: 'Old', timeZone: 'UTC', locale: 'en-US', segment: 'legacy' } },
      clock.now(),
    );
    assert.ok(created.kind === 'created');
    const profile = { ...created.profile, version: 3 };
    await documents.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'CUSTOMER#C-OLD', sk: 'PROFILE', ...profile } }));
    assert.deepEqual((await customers.list({ segment: 'legacy', limit: 5 })).items, []);
    assert.equal(await customers.reindex('C-OLD'), true);
    assert.deepEqual(
      (await customers.list({ segment: 'legacy', limit: 5 })).items.map((item) => item.customerId),
      ['C-OLD'],
    );
    assert.deepEqual(await customers.getProfile('C-OLD'), profile);
  });

  test('a profile moves between segment lists with its segment and leaves none when it has none', async () => {
    const created = applyCustomerUpdate(
      undefined,
      'C-SEG',
      { contacts: { name: 'Seg', timeZone: 'UTC', locale: 'en-US', segment: 'a' } },
      clock.now(),
    );
    assert.ok(created.kind === 'created');
    const stored = await customers.saveProfile(created.profile);
    const inSegment = async (segment: string) => (await customers.list({ segment, limit: 10 })).items.map((item) => item.customerId);
    assert.deepEqual(await inSegment('a'), ['C-SEG']);
    const moved = await customers.saveProfile({ ...stored, segment: 'b' });
    assert.deepEqual([await inSegment('a'), await inSegment('b')], [[], ['C-SEG']]);
    await customers.saveProfile({ ...moved, segment: undefined });
    assert.deepEqual(await inSegment('b'), []);
    assert.ok((await customers.list({ limit: 100 })).items.some((item) => item.customerId === 'C-SEG'));
    assert.equal((await customers.getProfile('C-SEG'))?.segment, undefined);
  });
});
